#include "domain/response_template.h"

#include <algorithm>

namespace redress::domain {
namespace {

// "a.b.c" as a JSON pointer "/a/b/c"; nullopt for a name no pointer can stand for.
std::optional<nlohmann::json::json_pointer> pointer_of(const std::string& name) {
  if (name.empty() || name.front() == '.' || name.back() == '.' || name.find("..") != std::string::npos)
    return std::nullopt;
  std::string path = "/";
  for (char c : name) {
    if (c == '~' || c == '/') return std::nullopt;
    path += c == '.' ? '/' : c;
  }
  return nlohmann::json::json_pointer(path);
}

}  // namespace

bool is_template_language(std::string_view s) {
  return s.size() == 2 && s[0] >= 'a' && s[0] <= 'z' && s[1] >= 'a' && s[1] <= 'z';
}

std::string variable_problem(const std::string& name, const std::set<std::string>& field_ids) {
  if (std::ranges::find(kTemplateVariables, name) != std::end(kTemplateVariables)) return "";
  if (name.starts_with(kFieldVariablePrefix)) {
    const std::string id = name.substr(kFieldVariablePrefix.size());
    if (field_ids.contains(id)) return "";
    return "unknown variable " + name + ": no workflow the template is for has a custom field '" + id + "'";
  }
  return "unknown variable " + name;
}

std::vector<std::string> missing_values(const std::vector<std::string>& names, const nlohmann::json& values) {
  std::vector<std::string> out;
  for (const auto& name : names) {
    if (std::ranges::find(out, name) != out.end()) continue;
    const auto ptr = pointer_of(name);
    bool present = false;
    if (ptr && values.contains(*ptr)) {
      const auto& v = values.at(*ptr);
      present = v.is_string() && v.get_ref<const std::string&>().find_first_not_of(" \t\r\n") != std::string::npos;
    }
    if (!present) out.push_back(name);
  }
  return out;
}

nlohmann::json with_placeholders(nlohmann::json values, const std::vector<std::string>& names) {
  for (const auto& name : names) {
    const auto ptr = pointer_of(name);
    if (!ptr) continue;
    // A scalar where an object is needed ("ticket" set, "ticket.x" asked) stays as it is.
    try {
      values[*ptr] = "{{" + name + "}}";
    } catch (const nlohmann::json::exception&) {
    }
  }
  return values;
}

}  // namespace redress::domain
