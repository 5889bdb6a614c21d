#include "workflow/catalog.h"

#include <set>
#include <sstream>
#include <toml.hpp>

#include "core/embedded.h"

namespace redress::workflow {
namespace {

const std::set<std::string> kCategories = {"new", "open", "pending", "closed"};

bool is_identifier(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) return false;
  }
  return true;
}

Result<Labels> read_labels(const toml::value& v, const std::string& where) {
  if (!v.is_table()) return fail(ErrorCode::kInvalid, where + ": labels must be a table {en = \"...\"}");
  Labels out;
  for (const auto& [lang, text] : v.as_table()) {
    if (!text.is_string()) return fail(ErrorCode::kInvalid, where + ": label '" + lang + "' must be a string");
    out[lang] = text.as_string().str;
  }
  if (!out.contains("en")) return fail(ErrorCode::kInvalid, where + ": labels need at least en");
  return out;
}

std::string at_line(const std::string& source, const toml::value& v) {
  return source + ":" + std::to_string(v.location().line());
}

}  // namespace

const StatusDef* WorkflowDef::status(const std::string& id) const {
  for (const auto& s : statuses) {
    if (s.id == id) return &s;
  }
  return nullptr;
}

bool WorkflowDef::has_role(const std::string& role) const {
  for (const auto& r : roles) {
    if (r == role) return true;
  }
  return false;
}

std::string label_in(const Labels& labels, const std::string& language, const std::string& fallback) {
  if (auto it = labels.find(language); it != labels.end()) return it->second;
  if (auto it = labels.find("en"); it != labels.end()) return it->second;
  return fallback;
}

Result<WorkflowDef> WorkflowCatalog::parse(const std::string& text, const std::string& source) {
  toml::value root;
  try {
    std::istringstream in(text);
    root = toml::parse(in, source);
  } catch (const std::exception& e) {
    std::string msg = e.what();
    return fail(ErrorCode::kInvalid, "workflow " + source + ": " + msg.substr(0, msg.find('\n')));
  }
  WorkflowDef wf;
  const auto& table = root.as_table();
  for (const auto& [key, value] : table) {
    if (key != "id" && key != "labels" && key != "roles" && key != "statuses")
      return fail(ErrorCode::kInvalid, at_line(source, value) + ": unknown key '" + key + "'");
  }
  if (!table.contains("id") || !root.at("id").is_string() || !is_identifier(root.at("id").as_string().str))
    return fail(ErrorCode::kInvalid, source + ": 'id' must be a lower-case identifier");
  wf.id = root.at("id").as_string().str;
  if (!table.contains("labels")) return fail(ErrorCode::kInvalid, source + ": missing [labels]");
  wf.labels = REDRESS_TRY(read_labels(root.at("labels"), at_line(source, root.at("labels"))));
  if (table.contains("roles")) {
    const auto& roles = root.at("roles");
    if (!roles.is_array()) return fail(ErrorCode::kInvalid, at_line(source, roles) + ": roles must be a list");
    for (const auto& r : roles.as_array()) {
      if (!r.is_string() || !is_identifier(r.as_string().str))
        return fail(ErrorCode::kInvalid, at_line(source, r) + ": a role must be an identifier");
      wf.roles.push_back(r.as_string().str);
    }
  }
  if (!table.contains("statuses") || !root.at("statuses").is_array() || root.at("statuses").as_array().empty())
    return fail(ErrorCode::kInvalid, source + ": needs [[statuses]]");
  std::set<std::string> seen;
  for (const auto& s : root.at("statuses").as_array()) {
    const std::string where = at_line(source, s);
    if (!s.is_table()) return fail(ErrorCode::kInvalid, where + ": a status must be a table");
    StatusDef def;
    bool is_start = false;
    for (const auto& [key, value] : s.as_table()) {
      if (key == "id" && value.is_string()) {
        def.id = value.as_string().str;
      } else if (key == "category" && value.is_string()) {
        def.category = value.as_string().str;
      } else if (key == "labels") {
        def.labels = REDRESS_TRY(read_labels(value, where));
      } else if (key == "start" && value.is_boolean()) {
        is_start = value.as_boolean();
      } else {
        return fail(ErrorCode::kInvalid, where + ": unknown or mistyped key '" + key + "' in a status");
      }
    }
    if (!is_identifier(def.id)) return fail(ErrorCode::kInvalid, where + ": status id must be an identifier");
    if (!seen.insert(def.id).second) return fail(ErrorCode::kInvalid, where + ": duplicate status '" + def.id + "'");
    if (!kCategories.contains(def.category))
      return fail(ErrorCode::kInvalid, where + ": status '" + def.id + "' needs category new, open, pending or closed");
    if (def.labels.empty()) return fail(ErrorCode::kInvalid, where + ": status '" + def.id + "' has no labels");
    if (is_start) {
      if (!wf.start_status.empty())
        return fail(ErrorCode::kInvalid, where + ": a second start status ('" + wf.start_status + "' is one)");
      wf.start_status = def.id;
    }
    wf.statuses.push_back(std::move(def));
  }
  if (wf.start_status.empty()) return fail(ErrorCode::kInvalid, source + ": no status has start = true");
  return wf;
}

Result<WorkflowCatalog> WorkflowCatalog::load_shipped() {
  WorkflowCatalog catalog;
  for (const auto& f : embedded_files_under("workflows/")) {
    if (!f.path.ends_with(".toml")) continue;
    auto wf = REDRESS_TRY(parse(std::string(f.content), std::string(f.path)));
    if (catalog.find(wf.id)) return fail(ErrorCode::kInvalid, std::string(f.path) + ": duplicate workflow id " + wf.id);
    catalog.workflows_.push_back(std::move(wf));
  }
  return catalog;
}

const WorkflowDef* WorkflowCatalog::find(const std::string& id) const {
  for (const auto& w : workflows_) {
    if (w.id == id) return &w;
  }
  return nullptr;
}

}  // namespace redress::workflow
