#include "http/web_support.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "core/crypto.h"
#include "core/embedded.h"
#include "core/json_parse.h"
#include "http/file_response.h"
#include "http/pages.h"
#include "http/web_pages.h"
#include "notify/templates.h"

namespace redress::http {

nlohmann::json ApiReply::error() const {
  const auto& e = body.is_object() ? body.value("error", nlohmann::json::object()) : nlohmann::json::object();
  nlohmann::json fields = nlohmann::json::array();
  if (e.contains("fields") && e["fields"].is_object()) {
    for (const auto& [name, why] : e["fields"].items()) {
      fields.push_back({{"name", name}, {"why", why.is_string() ? why.get<std::string>() : why.dump()}});
    }
  }
  std::string message = e.value("message", "");
  if (message.empty()) message = "HTTP " + std::to_string(status);
  return {{"message", message}, {"fields", fields}, {"status", status}};
}

std::optional<std::multimap<std::string, std::string>> parse_form(std::string_view body) {
  std::multimap<std::string, std::string> out;
  while (!body.empty()) {
    const auto amp = body.find('&');
    std::string_view pair = body.substr(0, amp);
    body = amp == std::string_view::npos ? std::string_view{} : body.substr(amp + 1);
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    bool ok_key = true, ok_value = true;
    std::string key = percent_decode(pair.substr(0, eq), true, ok_key);
    std::string value = eq == std::string_view::npos ? std::string() : percent_decode(pair.substr(eq + 1), true, ok_value);
    if (!ok_key || !ok_value) return std::nullopt;
    out.emplace(std::move(key), std::move(value));
  }
  return out;
}

std::string url_encode(std::string_view s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == '/') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

bool WebCall::has_right(const std::string& right) const {
  if (!signed_in() || !user.contains("rights")) return false;
  for (const auto& r : user["rights"]) {
    if (r == right) return true;
  }
  return false;
}

const nlohmann::json& WebCall::t() const {
  static const nlohmann::json empty = nlohmann::json::object();
  const auto& all = page_messages(lang);
  auto it = all.find("web");
  return it == all.end() ? empty : *it;
}

std::string WebCall::say(const std::string& key) const {
  const auto& words = t();
  auto it = words.find(key);
  return it != words.end() && it->is_string() ? it->get<std::string>() : key;
}

std::string WebCall::field(const std::string& name) const {
  auto it = form.find(name);
  return it == form.end() ? std::string() : it->second;
}

std::vector<std::string> WebCall::fields(const std::string& name) const {
  std::vector<std::string> out;
  for (auto [it, end] = form.equal_range(name); it != end; ++it) out.push_back(it->second);
  return out;
}

std::string WebCall::query(const std::string& name) const { return request.query_param(name).value_or(""); }

ApiReply WebCall::call(Request internal) const {
  internal.remote_address = request.remote_address;
  if (auto cookie = request.header("Cookie")) internal.headers["Cookie"] = *cookie;
  if (auto accept = request.header("Accept-Language")) internal.headers["Accept-Language"] = *accept;
  if (!parse_target(internal.target, internal.path, internal.query)) {
    return ApiReply{400, {{"error", {{"message", "bad address " + internal.target}}}}, {}, {}, {}};
  }
  Response r = api.dispatch(internal);
  ApiReply reply{r.status, nullptr, std::move(r.headers), {}, r.content_type};
  if (r.content_type.starts_with("application/json")) {
    reply.body = parse_json(r.body);
    if (reply.body.is_discarded()) reply.body = nullptr;
  } else {
    reply.raw = std::move(r.body);
  }
  return reply;
}

ApiReply WebCall::get(const std::string& target) const {
  Request r;
  r.method = "GET";
  r.target = target;
  return call(std::move(r));
}

ApiReply WebCall::send(const std::string& method, const std::string& target, const nlohmann::json& body) const {
  Request r;
  r.method = method;
  r.target = target;
  if (!body.is_null()) {
    r.body = body.dump();
    r.headers["Content-Type"] = "application/json";
  }
  if (!csrf.empty()) r.headers["X-CSRF-Token"] = csrf;
  return call(std::move(r));
}

namespace {

Result<std::string> render_text(const std::string& page, const nlohmann::json& values) {
  auto source = embedded_file("web/pages/" + page + ".mustache");
  if (!source) return fail(Error::internal("page " + page + " missing from the build"));
  return notify::render_html(std::string(*source), values, "page " + page);
}

Response html(int status, std::string body) {
  Response r;
  r.status = status;
  r.content_type = "text/html; charset=utf-8";
  r.body = std::move(body);
  // No inline script or style anywhere: what a mail or a customer's text could smuggle
  // into a page cannot run. Mail HTML is shown in a sandboxed srcdoc frame, which
  // inherits this policy.
  r.headers.emplace_back("Content-Security-Policy",
                         "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                         "connect-src 'self'; form-action 'self'; frame-src 'self'; frame-ancestors 'none'; "
                         "base-uri 'none'");
  r.headers.emplace_back("Cache-Control", "no-store");
  r.headers.emplace_back("Referrer-Policy", "same-origin");
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  r.headers.emplace_back("X-Frame-Options", "DENY");
  r.headers.emplace_back("Vary", "HX-Request");
  return r;
}

// Mustache cannot ask "is this list empty?" in a way that opens a wrapper once, so every
// non-empty list "x" gets a "has_x" beside it for {{#has_x}}<ul>...{{/has_x}}.
void mark_lists(nlohmann::json& j) {
  if (j.is_array()) {
    for (auto& item : j) mark_lists(item);
    return;
  }
  if (!j.is_object()) return;
  std::vector<std::string> lists;
  for (auto& [key, value] : j.items()) {
    mark_lists(value);
    if (value.is_array() && !value.empty()) lists.push_back(key);
  }
  for (const auto& key : lists) j["has_" + key] = true;
}

void add_common(const WebCall& call, nlohmann::json& values) {
  mark_lists(values);
  values["t"] = call.t();
  values["lang"] = call.lang;
  values["csrf"] = call.csrf;
  values["assets"] = asset_urls();
  values["signed_in"] = call.signed_in();
  if (call.signed_in()) {
    values["me"] = call.user;
    values["is_staff"] = call.staff();
    values["is_customer"] = call.role() == "customer";
    values["is_admin"] = call.has_right("admin");
    values["can_reports"] = call.has_right("reports.view");
    // Nav links only to the pages this person can use (a viewer has no queue).
    values["nav_can_process"] = call.has_right("tickets.take");
    values["nav_can_create"] = call.has_right("tickets.write");
  }
}

}  // namespace

Result<Response> render(const WebCall& call, const std::string& page, nlohmann::json values, int status) {
  add_common(call, values);
  if (!values.contains("title")) values["title"] = call.say(page + "_title");
  // The layout gets only what it shows: converting a page's rows for mustache a second
  // time was a good part of a list page's cost.
  static const std::set<std::string> kLayoutKeys = {"lang", "title", "t", "assets", "signed_in", "me", "is_staff",
                                                    "is_customer", "is_admin", "can_reports", "csrf", "subnav",
                                                    "has_subnav"};
  nlohmann::json layout = nlohmann::json::object();
  for (auto& [key, value] : values.items()) {
    if (kLayoutKeys.contains(key) || key.starts_with("nav_")) layout[key] = value;
  }
  layout["nav_" + values.value("nav", page)] = true;
  layout["content"] = REDRESS_TRY(render_text(page, values));
  return html(status, REDRESS_TRY(render_text("layout", layout)));
}

Result<Response> render_fragment(const WebCall& call, const std::string& page, nlohmann::json values) {
  add_common(call, values);
  return html(200, REDRESS_TRY(render_text(page, values)));
}

Response redirect(const std::string& location) {
  Response r;
  r.status = 303;
  r.content_type = "text/plain; charset=utf-8";
  r.headers.emplace_back("Location", location);
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

Result<Response> error_page(const WebCall& call, const ApiReply& reply) {
  nlohmann::json values = {{"error", reply.error()}, {"title", call.say("error_title")}, {"nav", "none"}};
  return render(call, "error", std::move(values), reply.status >= 400 ? reply.status : 500);
}

nlohmann::json id_or_key(const std::string& s) {
  if (!s.empty() && s.size() < 18 && s.find_first_not_of("0123456789") == std::string::npos) return std::stoll(s);
  return s;
}

std::string channel_label(const WebCall& call, const std::string& channel) {
  const std::string key = "channel_" + channel;
  const std::string label = call.say(key);
  return label == key ? channel : label;
}

nlohmann::json options(const nlohmann::json& items, const std::string& id_key, const std::string& label_key,
                       const std::string& selected) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& i : items) {
    const std::string id = i[id_key].is_string() ? i[id_key].get<std::string>() : i[id_key].dump();
    out.push_back({{"value", id}, {"label", i.value(label_key, id)}, {"selected", id == selected}});
  }
  return out;
}

nlohmann::json language_options(const WebCall& call, const std::string& selected) {
  nlohmann::json out = nlohmann::json::array();
  bool known = selected.empty();
  for (const char* l : {"en", "fr"}) {
    known = known || selected == l;
    out.push_back({{"value", l}, {"label", call.say(std::string("language_") + l)}, {"selected", selected == l}});
  }
  if (!known) out.push_back({{"value", selected}, {"label", selected}, {"selected", true}});
  return out;
}

bool assignable(const nlohmann::json& user) {
  const std::string role = user.value("role", "");
  return user.value("active", true) && (role == "agent" || role == "admin");
}

std::string format_when(const nlohmann::json& rfc3339) {
  if (!rfc3339.is_string()) return "";
  std::string s = rfc3339.get<std::string>();
  if (s.size() < 16) return s;
  return s.substr(0, 10) + " " + s.substr(11, 5);
}

void add_times(nlohmann::json& item, std::initializer_list<const char*> keys) {
  for (const char* k : keys) {
    if (item.contains(k)) item[std::string(k) + "_text"] = format_when(item[k]);
  }
}

nlohmann::json attachments_json(const std::vector<FormFile>& files) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& f : files)
    out.push_back({{"filename", f.filename}, {"content_type", f.content_type}, {"content_base64", crypto::base64_encode(f.bytes)}});
  return out;
}

std::string size_text(const WebCall& call, int64_t bytes) {
  auto with_n = [&](const std::string& key, const std::string& n) {
    std::string words = call.say(key);
    if (auto at = words.find("{n}"); at != std::string::npos) words.replace(at, 3, n);
    return words;
  };
  if (bytes < 1000) return with_n("size_bytes", std::to_string(bytes));
  // One decimal below 10 (1.2 MB), none above (340 KB); French writes the decimal comma.
  auto scaled = [&](double v) {
    std::string text = v < 10 ? fmt::format("{:.1f}", v) : fmt::format("{:.0f}", v);
    if (call.lang == "fr") std::replace(text.begin(), text.end(), '.', ',');
    return text;
  };
  if (bytes < 1000 * 1000) return with_n("size_kb", scaled(static_cast<double>(bytes) / 1000));
  return with_n("size_mb", scaled(static_cast<double>(bytes) / (1000 * 1000)));
}

void add_files(const WebCall& call, nlohmann::json& message) {
  nlohmann::json files = nlohmann::json::array();
  const nlohmann::json* attachments = message.contains("attachments") ? &message["attachments"] : nullptr;
  if (attachments && attachments->is_array()) {
    for (const auto& a : *attachments) {
      const std::string type = a.value("content_type", "");
      const std::string url = "/api/v1/attachments/" + std::to_string(a.value("id", int64_t{0}));
      const bool image = may_show_inline(type) && type.starts_with("image/");
      nlohmann::json f = {{"name", a.value("filename", "").empty() ? call.say("files") : a.value("filename", "")},
                          {"size_text", size_text(call, a.value("size", int64_t{0}))},
                          {"kind", image ? "image" : type == "application/pdf" ? "pdf" : type.starts_with("text/") ? "text" : "other"},
                          {"dropped", a.value("dropped", false)},
                          {"url", url}};
      if (may_show_inline(type)) f["open_url"] = url + "?disposition=inline";
      if (image) f["thumb"] = url + "?disposition=inline";
      // An image the mail's HTML shows itself (cid:) is shown there, through the same door.
      const std::string cid = a.contains("content_id") && a["content_id"].is_string() ? a["content_id"].get<std::string>() : "";
      if (!cid.empty() && image && message.contains("html") && message["html"].is_string()) {
        std::string html = message["html"].get<std::string>();
        const std::string ref = "cid:" + cid;
        for (size_t at = html.find(ref); at != std::string::npos; at = html.find(ref, at + url.size()))
          html.replace(at, ref.size(), url + "?disposition=inline");
        message["html"] = html;
      }
      files.push_back(std::move(f));
    }
  }
  message["has_files"] = !files.empty();
  message["files"] = std::move(files);
}

}  // namespace redress::http
