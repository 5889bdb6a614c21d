#include "notify/templates.h"

#include <filesystem>
#include <set>
#include <fstream>
#include <sstream>

#include <kainjow/mustache.hpp>

#include "core/embedded.h"

namespace redress::notify {
namespace {

namespace mustache = kainjow::mustache;

bool safe_part(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) return false;
  }
  return true;
}

mustache::data to_data(const nlohmann::json& j) {
  if (j.is_object()) {
    mustache::data d{mustache::data::type::object};
    for (const auto& [k, v] : j.items()) d.set(k, to_data(v));
    return d;
  }
  if (j.is_array()) {
    mustache::data d{mustache::data::type::list};
    for (const auto& v : j) d.push_back(to_data(v));
    return d;
  }
  if (j.is_boolean()) return j.get<bool>() ? mustache::data{mustache::data::type::bool_true}
                                           : mustache::data{mustache::data::type::bool_false};
  if (j.is_string()) return mustache::data{j.get<std::string>()};
  // Null is false, as mustache's spec says: {{#x}} skips it and {{x}} prints nothing.
  if (j.is_null()) return mustache::data{mustache::data::type::bool_false};
  return mustache::data{j.dump()};
}

Result<std::string> render_part(const std::string& text, const mustache::data& data, const std::string& what) {
  mustache::mustache tmpl{text};
  if (!tmpl.is_valid()) return fail(ErrorCode::kInvalid, what + ": " + tmpl.error_message());
  // Mail text is not HTML: values go in as they are (text_to_html escapes later).
  tmpl.set_custom_escape([](const std::string& s) { return s; });
  return tmpl.render(data);
}

// Subjects are one line whatever a value held.
std::string one_line(std::string subject) {
  for (char& c : subject) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  const auto first = subject.find_first_not_of(' ');
  return first == std::string::npos ? "" : subject.substr(first);
}

std::string escape_html(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace

std::vector<MustacheTag> mustache_tags(const std::string& text) {
  std::vector<MustacheTag> out;
  size_t at = 0;
  while ((at = text.find("{{", at)) != std::string::npos) {
    // As kainjow reads a tag: "{{{" opens an unescaped variable closed by "}}}".
    const bool triple = at + 2 < text.size() && text[at + 2] == '{';
    const size_t start = at + (triple ? 3 : 2);
    const size_t end = text.find(triple ? "}}}" : "}}", start);
    if (end == std::string::npos) break;
    std::string contents = text.substr(start, end - start);
    const auto first = contents.find_first_not_of(" \t\r\n");
    const auto last = contents.find_last_not_of(" \t\r\n");
    contents = first == std::string::npos ? "" : contents.substr(first, last - first + 1);
    at = end + (triple ? 3 : 2);
    MustacheTag tag;
    tag.name = contents;
    if (!triple && !contents.empty()) {
      using Kind = MustacheTag::Kind;
      const char sigil = contents[0];
      const Kind kind = sigil == '#'   ? Kind::kSectionBegin
                        : sigil == '^' ? Kind::kInvertedBegin
                        : sigil == '/' ? Kind::kSectionEnd
                        : sigil == '>' ? Kind::kPartial
                        : sigil == '!' ? Kind::kComment
                        : sigil == '=' ? Kind::kSetDelimiter
                                       : Kind::kVariable;
      if (kind != Kind::kVariable || sigil == '&') {
        tag.kind = kind;
        tag.name = contents.substr(1);
        const auto f = tag.name.find_first_not_of(" \t");
        tag.name = f == std::string::npos ? "" : tag.name.substr(f);
      }
    }
    out.push_back(std::move(tag));
    if (out.back().kind == MustacheTag::Kind::kSetDelimiter) break;
  }
  return out;
}

std::string text_to_html(const std::string& text) {
  std::string out;
  std::istringstream in(text);
  std::string line;
  std::string paragraph;
  auto flush = [&] {
    if (!paragraph.empty()) out += "<p>" + paragraph + "</p>\n";
    paragraph.clear();
  };
  while (std::getline(in, line)) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) {
      flush();
    } else {
      if (!paragraph.empty()) paragraph += "<br>\n";
      paragraph += escape_html(line);
    }
  }
  flush();
  return out;
}

Result<std::string> render_html(const std::string& text, const nlohmann::json& values, const std::string& what) {
  mustache::mustache tmpl{text};
  if (!tmpl.is_valid()) return fail(ErrorCode::kInvalid, what + ": " + tmpl.error_message());
  return tmpl.render(to_data(values));
}

Result<std::string> MailTemplates::render_subject(const std::string& text, const nlohmann::json& values,
                                                const std::string& what) {
  return one_line(REDRESS_TRY(render_part(text, to_data(values), what)));
}

Result<std::string> MailTemplates::render_text(const std::string& text, const nlohmann::json& values,
                                              const std::string& what) {
  return render_part(text, to_data(values), what);
}

std::string MailTemplates::mustache_error(const std::string& text) {
  mustache::mustache tmpl{text};
  return tmpl.is_valid() ? std::string() : tmpl.error_message();
}

Result<std::string> MailTemplates::source(const std::string& name, const std::string& language) const {
  const std::string file = name + "." + language + ".txt";
  if (!override_dir_.empty()) {
    const auto path = std::filesystem::path(override_dir_) / file;
    std::ifstream in(path, std::ios::binary);
    if (in) {
      std::ostringstream ss;
      ss << in.rdbuf();
      return ss.str();
    }
  }
  if (auto shipped = embedded_file("templates/mail/" + file)) return std::string(*shipped);
  return fail(Error::not_found("mail template " + file));
}

std::vector<std::string> MailTemplates::languages_of(const std::string& name) const {
  std::set<std::string> found;
  // "<name>.<lang>.txt": the part between the name and the extension.
  auto language_in = [&](std::string_view file) -> std::string {
    if (!file.starts_with(name + ".") || !file.ends_with(".txt")) return "";
    std::string lang(file.substr(name.size() + 1, file.size() - name.size() - 5));
    return safe_part(lang) && lang.find('.') == std::string::npos ? lang : "";
  };
  for (const auto& f : embedded_files_under("templates/mail/")) {
    if (auto lang = language_in(f.path.substr(f.path.rfind('/') + 1)); !lang.empty()) found.insert(lang);
  }
  if (!override_dir_.empty()) {
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(override_dir_, ec)) {
      if (auto lang = language_in(entry.path().filename().string()); !lang.empty()) found.insert(lang);
    }
  }
  return {found.begin(), found.end()};
}

Result<RenderedMail> MailTemplates::render(const std::string& name, const std::string& language,
                                           const nlohmann::json& values) const {
  if (!safe_part(name)) return fail(Error::invalid_field("template", "unknown template"));
  std::string used = safe_part(language) ? language : "en";
  auto text = source(name, used);
  if (!text && text.error().code == ErrorCode::kNotFound && used != "en") {
    used = "en";
    text = source(name, used);
  }
  if (!text) return fail(text.error());
  const std::string what = "mail template " + name + "." + used;
  std::string_view body = *text;
  if (!body.starts_with("Subject:")) return fail(ErrorCode::kInvalid, what + ": the first line must be 'Subject: ...'");
  const auto eol = body.find('\n');
  std::string subject_source(body.substr(8, eol == std::string_view::npos ? std::string_view::npos : eol - 8));
  body = eol == std::string_view::npos ? std::string_view{} : body.substr(eol + 1);
  while (body.starts_with("\n") || body.starts_with("\r\n")) body.remove_prefix(body.starts_with("\n") ? 1 : 2);

  const auto data = to_data(values);
  RenderedMail out;
  out.language = used;
  out.subject = one_line(REDRESS_TRY(render_part(subject_source, data, what + " (subject)")));
  out.text = REDRESS_TRY(render_part(std::string(body), data, what));
  out.html = text_to_html(out.text);
  return out;
}

}  // namespace redress::notify
