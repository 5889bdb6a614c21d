#pragma once
// What the page handlers (web_*.cc) share: the in-process API call with the browser's
// session, form fields, rendering a page inside the layout, and redirects.
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "http/api.h"
#include "http/message.h"
#include "http/multipart_form.h"
#include "http/router.h"
#include "service/context.h"

namespace redress::http {

// The answer of one in-process API call.
struct ApiReply {
  int status = 0;
  nlohmann::json body;  // parsed JSON, or null
  std::vector<std::pair<std::string, std::string>> headers;
  std::string raw;  // the body as sent, for non-JSON answers (CSV)
  std::string content_type;

  bool ok() const { return status >= 200 && status < 300; }
  // The error's message and per-field reasons, for the page's error box.
  nlohmann::json error() const;
};

// application/x-www-form-urlencoded; nullopt when the encoding is broken.
std::optional<std::multimap<std::string, std::string>> parse_form(std::string_view body);
// Percent-encodes a query parameter value.
std::string url_encode(std::string_view s);

class WebCall {
 public:
  WebCall(const Request& request, const PathParams& params, Api& api, const service::Context& ctx)
      : request(request), params(params), api(api), ctx(ctx) {}

  const Request& request;
  const PathParams& params;
  Api& api;
  const service::Context& ctx;

  nlohmann::json user;  // GET /api/v1/session's user, null when nobody is signed in
  std::string csrf;     // the session's CSRF token, put in every form
  std::string lang;     // the user's language, else the browser's
  std::multimap<std::string, std::string> form;
  std::vector<FormFile> files;  // a multipart form's files

  bool signed_in() const { return user.is_object(); }
  std::string role() const { return signed_in() ? user.value("role", "") : ""; }
  bool staff() const { return signed_in() && role() != "customer"; }
  bool has_right(const std::string& right) const;
  const nlohmann::json& t() const;  // this page's words
  std::string say(const std::string& key) const;

  std::string field(const std::string& name) const;  // "" when absent
  std::vector<std::string> fields(const std::string& name) const;
  std::string query(const std::string& name) const;

  ApiReply get(const std::string& target) const;
  // A change, sent with the session's CSRF token (the page checked the form's already).
  ApiReply send(const std::string& method, const std::string& target, const nlohmann::json& body) const;
  ApiReply call(Request internal) const;
};

// Renders web/pages/<page>.mustache inside the layout (nav, words, CSRF token).
Result<Response> render(const WebCall& call, const std::string& page, nlohmann::json values, int status = 200);
// The fragment only, for htmx partial updates.
Result<Response> render_fragment(const WebCall& call, const std::string& page, nlohmann::json values);
Response redirect(const std::string& location);
// A page saying what went wrong, with the status the API gave.
Result<Response> error_page(const WebCall& call, const ApiReply& reply);

// A form's id as the API takes it: a number when it is digits, else the text (a key or
// something the API will refuse by name).
nlohmann::json id_or_key(const std::string& s);

// <option>s for a select: {value, label, selected} from items' id_key and label_key.
nlohmann::json options(const nlohmann::json& items, const std::string& id_key, const std::string& label_key,
                       const std::string& selected);
// <option>s for the languages of the UI (en, fr), in the page's words; a selected
// language the UI does not know is listed too, so that saving a form keeps it.
nlohmann::json language_options(const WebCall& call, const std::string& selected);

// Staff who can hold a role on a ticket: active agents and admins.
bool assignable(const nlohmann::json& user);

// "Mail", "Portal"...: a channel in the page's words; an unknown one as it is.
std::string channel_label(const WebCall& call, const std::string& channel);

// Shared view helpers.
std::string format_when(const nlohmann::json& rfc3339);  // "2026-11-23 14:05" (UTC), "" for null
void add_times(nlohmann::json& item, std::initializer_list<const char*> keys);  // key_text beside each

// A thread message's files as the pages show them (files, has_files: name, size in the
// page's words, a kind for the icon, the download link, a thumbnail link for images), and
// its mail HTML's cid: images pointed at the same endpoint.
void add_files(const WebCall& call, nlohmann::json& message);
// A form's files as the API's attachments field takes them.
nlohmann::json attachments_json(const std::vector<FormFile>& files);
// "1.2 MB" / "1,2 Mo": a size in the page's language.
std::string size_text(const WebCall& call, int64_t bytes);

}  // namespace redress::http
