#include "http/pages.h"

#include <map>
#include <mutex>

#include "core/embedded.h"
#include "core/json_parse.h"
#include "domain/validation.h"
#include "notify/templates.h"

namespace redress::http {
namespace {

nlohmann::json load_messages(const std::string& language) {
  auto text = embedded_file("web/messages/" + language + ".json");
  if (!text) return nlohmann::json::object();
  auto j = parse_json(*text);
  return j.is_object() ? j : nlohmann::json::object();
}

}  // namespace

const nlohmann::json& page_messages(const std::string& language) {
  // Built once per language and never changed: the embedded files are fixed at build time.
  static std::mutex mutex;
  static std::map<std::string, nlohmann::json> cache;
  const std::string lang = domain::is_language_tag(language) ? language : "en";
  std::lock_guard lock(mutex);
  auto it = cache.find(lang);
  if (it == cache.end()) {
    nlohmann::json merged = load_messages("en");
    if (lang != "en") merged.merge_patch(load_messages(lang));
    it = cache.emplace(lang, std::move(merged)).first;
  }
  return it->second;
}

std::string page_language(const std::optional<std::string>& accept_language) {
  if (!accept_language) return "en";
  // "fr-CH, fr;q=0.9, en;q=0.8": browsers list them by preference already, so the order
  // is enough; the q values are not needed to pick the first one we speak.
  std::string_view rest = *accept_language;
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    std::string_view item = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    item = item.substr(0, item.find(';'));
    std::string primary;
    for (char ch : item) {
      if (ch == ' ') continue;
      if (ch == '-' || ch == '_') break;
      primary += static_cast<char>(ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch);
    }
    if (domain::is_language_tag(primary) && embedded_file("web/messages/" + primary + ".json")) return primary;
  }
  return "en";
}

Result<Response> html_page(int status, const std::string& page, const nlohmann::json& values) {
  auto source = embedded_file("web/pages/" + page + ".mustache");
  if (!source) return fail(Error::internal("page " + page + " missing from the build"));
  Response r;
  r.status = status;
  r.content_type = "text/html; charset=utf-8";
  r.body = REDRESS_TRY(notify::render_html(std::string(*source), values, "page " + page));
  r.headers.emplace_back("Content-Security-Policy",
                         "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
                         "frame-ancestors 'none'; base-uri 'none'");
  r.headers.emplace_back("Referrer-Policy", "no-referrer");
  r.headers.emplace_back("X-Frame-Options", "DENY");
  return r;
}

}  // namespace redress::http
