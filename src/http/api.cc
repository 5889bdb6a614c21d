#include "http/api.h"
#include "http/api_support.h"

#include <charconv>

#include "core/embedded.h"
#include "core/log.h"
#include "domain/validation.h"
#include "http/error_response.h"
#include "http/json_input.h"
#include "http/views.h"

namespace redress::http {

Response json_response(int status, const nlohmann::json& body) {
  return Response::json(status, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

std::optional<int64_t> parse_positive(const std::string& text) {
  int64_t n = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || p != text.data() + text.size() || n <= 0) return std::nullopt;
  return n;
}

void refuse_unknown_params(const Request& r, const std::set<std::string>& known, const std::string& why,
                           std::map<std::string, std::string>& errors) {
  for (const auto& [k, v] : r.query) {
    if (!known.contains(k)) errors[k] = why;
  }
}

Result<int> read_limit(const Request& r, int fallback, int max) {
  auto text = r.query_param("limit");
  if (!text) return fallback;
  auto n = parse_positive(*text);
  if (!n || *n > max) return fail(Error::invalid_field("limit", "an integer from 1 to " + std::to_string(max)));
  return static_cast<int>(*n);
}

std::string url_without_secrets(const std::string& url) {
  const auto scheme_end = url.find("://");
  const size_t authority = scheme_end == std::string::npos ? 0 : scheme_end + 3;
  std::string out = url.substr(0, authority);
  std::string rest = url.substr(authority);
  rest = rest.substr(0, rest.find_first_of("?#"));
  // Userinfo ends at the authority's last '@'. Any '@' counts, in case a password holds a
  // '/': a path with an '@' loses its start here rather than a password being shown.
  if (const auto at = rest.rfind('@'); at != std::string::npos) rest = rest.substr(at + 1);
  return out + rest;
}

std::string host_of(const std::string& url) {
  std::string clean = url_without_secrets(url);
  if (const auto scheme_end = clean.find("://"); scheme_end != std::string::npos) clean = clean.substr(scheme_end + 3);
  return clean.substr(0, clean.find('/'));
}

Result<void> require_admin(const service::Actor& actor, const std::string& what) {
  if (!actor.has_right(domain::rights::kAdmin)) return fail(Error::forbidden(what + " is for admins", "right_missing"));
  return {};
}

namespace {

std::optional<service::Ref> to_ref(const std::optional<std::pair<std::optional<int64_t>, std::string>>& v) {
  if (!v) return std::nullopt;
  return service::Ref{v->first, v->second};
}

// Reads a contacts array into inputs; errors go to the reader under contacts[i].
std::vector<service::ContactInput> read_contacts(ObjectReader& reader, const nlohmann::json& array) {
  std::vector<service::ContactInput> out;
  if (!array.is_array()) {
    reader.add_error("contacts", "must be a list of contacts");
    return out;
  }
  for (size_t i = 0; i < array.size(); ++i) {
    const auto& item = array[i];
    const std::string name = "contacts[" + std::to_string(i) + "]";
    if (!item.is_object()) {
      reader.add_error(name, "must be an object");
      continue;
    }
    ObjectReader c = reader.nested(item, name);
    service::ContactInput in;
    in.id = c.integer("id");
    in.email = c.string("email");
    in.name = c.string("name");
    in.phone = c.string("phone");
    in.language = c.string("language");
    in.main = c.boolean("main").value_or(false);
    (void)c.finish();
    out.push_back(std::move(in));
  }
  return out;
}

std::string cookie_header(const std::string& value, int max_age, bool secure) {
  std::string h = std::string(kSessionCookie) + "=" + value + "; Path=/; HttpOnly; SameSite=Lax; Max-Age=" +
                  std::to_string(max_age);
  if (secure) h += "; Secure";
  return h;
}

}  // namespace

// Customers get the portal view of a ticket: no staff data, no other people's addresses.
TicketViewer viewer_of(const Api::Call& call) {
  const auto& u = call.caller.user;
  TicketViewer v;
  v.language = u ? u->language : "en";
  if (u && !u->has_right(domain::rights::kTicketsViewAll)) v.customer_email = u->email;
  return v;
}

service::Actor Api::Call::actor() const { return service::Actor::of(*caller.user); }
std::string Api::Call::language() const { return caller.user ? caller.user->language : "en"; }

Api::Api(service::Context& ctx, ApiOptions options, Metrics* metrics)
    : ctx_(ctx),
      options_(options),
      metrics_(metrics),
      accounts_(ctx),
      tickets_(ctx),
      directory_(ctx),
      transitions_(ctx),
      jobs_(ctx),
      intake_(ctx),
      acknowledgements_(ctx),
      queue_(ctx),
      messages_(ctx),
      routing_(ctx),
      templates_(ctx),
      reports_(ctx),
      sign_in_links_(ctx),
      login_limiter_(ctx.clock, options.login_attempts_per_minute) {
  route("GET", "/healthz", Auth::kNone, &Api::healthz);
  route("GET", "/metrics", Auth::kNone, &Api::metrics);
  route("GET", "/api/openapi.json", Auth::kNone, &Api::openapi);
  route("POST", "/api/v1/session", Auth::kNone, &Api::login);
  route("GET", "/api/v1/session", Auth::kRequired, &Api::current_session);
  route("DELETE", "/api/v1/session", Auth::kNone, &Api::logout);
  route("POST", "/api/v1/session/link", Auth::kNone, &Api::request_sign_in_link);
  route("POST", "/api/v1/session/link/{token}", Auth::kNone, &Api::use_sign_in_link);
  route("POST", "/api/v1/tickets", Auth::kRequired, &Api::create_ticket);
  route("GET", "/api/v1/tickets", Auth::kRequired, &Api::list_tickets);
  route("GET", "/api/v1/tickets/{id}", Auth::kRequired, &Api::get_ticket);
  route("PATCH", "/api/v1/tickets/{id}", Auth::kRequired, &Api::patch_ticket);
  route("GET", "/api/v1/tickets/{id}/history", Auth::kRequired, &Api::ticket_history);
  route("PUT", "/api/v1/tickets/{id}/messaging", Auth::kRequired, &Api::set_messaging);
  route("GET", "/api/v1/tickets/{id}/messages", Auth::kRequired, &Api::list_messages);
  route("POST", "/api/v1/tickets/{id}/messages", Auth::kRequired, &Api::post_message);
  route("GET", "/api/v1/attachments/{id}", Auth::kRequired, &Api::download_attachment);
  route("GET", "/api/v1/contacts", Auth::kRequired, &Api::list_contacts);
  route("POST", "/api/v1/contacts", Auth::kRequired, &Api::create_contact);
  route("GET", "/api/v1/contacts/{id}", Auth::kRequired, &Api::get_contact);
  route("PATCH", "/api/v1/contacts/{id}", Auth::kRequired, &Api::patch_contact);
  route("GET", "/api/v1/users", Auth::kRequired, &Api::list_users);
  route("POST", "/api/v1/users", Auth::kRequired, &Api::create_user);
  route("GET", "/api/v1/users/{id}", Auth::kRequired, &Api::get_user);
  route("PATCH", "/api/v1/users/{id}", Auth::kRequired, &Api::patch_user);
  route("POST", "/api/v1/tickets/{id}/take", Auth::kRequired, &Api::take_ticket);
  route("DELETE", "/api/v1/tickets/{id}/take", Auth::kRequired, &Api::release_ticket);
  route("GET", "/api/v1/queue", Auth::kRequired, &Api::my_queue);
  route("POST", "/api/v1/queue/next", Auth::kRequired, &Api::process_next);
  route("GET", "/api/v1/reasons", Auth::kRequired, &Api::list_reasons);
  route("POST", "/api/v1/reasons", Auth::kRequired, &Api::create_reason);
  route("GET", "/api/v1/reasons/{id}", Auth::kRequired, &Api::get_reason);
  route("PATCH", "/api/v1/reasons/{id}", Auth::kRequired, &Api::patch_reason);
  route("GET", "/api/v1/workflows", Auth::kRequired, &Api::list_workflows);
  route("POST", "/api/v1/tickets/{id}/transitions", Auth::kRequired, &Api::run_transition);
  route("PUT", "/api/v1/tickets/{id}/assignees/{role}", Auth::kRequired, &Api::set_assignee);
  route("DELETE", "/api/v1/tickets/{id}/assignees/{role}", Auth::kRequired, &Api::clear_assignee);
  route("GET", "/api/v1/jobs", Auth::kRequired, &Api::list_jobs);
  route("POST", "/api/v1/jobs/{id}/retry", Auth::kRequired, &Api::retry_job);
  route("POST", "/api/v1/dev/clock", Auth::kRequired, &Api::move_clock);
  route("POST", "/api/v1/inbound/mail", Auth::kRequired, &Api::inbound_mail);
  // A review platform, not a user: the handler checks its source's token.
  route("POST", "/api/v1/inbound/reviews", Auth::kNone, &Api::inbound_review);
  route("POST", "/api/v1/tickets/{id}/acknowledgement", Auth::kRequired, &Api::acknowledge);
  route("GET", "/api/v1/mail/failed", Auth::kRequired, &Api::list_failed_mails);
  route("POST", "/api/v1/mail/failed/{id}/retry", Auth::kRequired, &Api::retry_failed_mail);
  route("GET", "/api/v1/routing", Auth::kRequired, &Api::get_routing);
  route("PUT", "/api/v1/routing", Auth::kRequired, &Api::put_routing);
  route("GET", "/confirm/{token}", Auth::kNone, &Api::show_action_link);
  route("POST", "/confirm/{token}", Auth::kNone, &Api::use_action_link);
  route("GET", "/api/v1/templates", Auth::kRequired, &Api::list_templates);
  route("POST", "/api/v1/templates", Auth::kRequired, &Api::create_template);
  route("GET", "/api/v1/templates/{id}", Auth::kRequired, &Api::get_template);
  route("PATCH", "/api/v1/templates/{id}", Auth::kRequired, &Api::patch_template);
  route("GET", "/api/v1/reports", Auth::kRequired, &Api::report);
  // The name API.md gives the same report.
  route("GET", "/api/v1/reports/summary", Auth::kRequired, &Api::report);
  route("GET", "/api/v1/templates/{id}/preview", Auth::kRequired, &Api::preview_template);
  route("GET", "/api/v1/mailboxes", Auth::kRequired, &Api::list_mailboxes);
  route("GET", "/api/v1/review-sources", Auth::kRequired, &Api::list_review_sources);
}

uint64_t max_message_body_bytes(const MessageSettings& settings) {
  // Two files of the largest size, base64 (4/3), and the rest of the JSON.
  return static_cast<uint64_t>(settings.max_upload_bytes) * 2 * 4 / 3 + (1 << 20);
}

std::vector<std::pair<std::string, uint64_t>> large_body_routes(const Settings& settings) {
  return {{"/api/v1/inbound/mail", static_cast<uint64_t>(settings.mail.max_message_bytes)},
          {"/api/v1/tickets/*/messages", max_message_body_bytes(settings.messages)},
          // A customer's new request with its evidence, from the API or the portal's form.
          {"/api/v1/tickets", max_message_body_bytes(settings.messages)},
          {"/portal/new", max_message_body_bytes(settings.messages)},
          // The desk's reply form, whose files the page hands to the route above.
          {"/desk/tickets/*/message", max_message_body_bytes(settings.messages)}};
}

void Api::route(std::string method, std::string pattern, Auth auth, ApiHandler handler) {
  router_.add(std::move(method), std::move(pattern), [this, auth, handler](const Request& req, const PathParams& params) {
    Call call{req, params, {}};
    Result<Response> result = [&]() -> Result<Response> {
      // Public routes ignore credentials: a stale token must not break /healthz or login.
      if (auth == Auth::kRequired) {
        call.caller = REDRESS_TRY(authenticate(accounts_, req));
        if (!call.caller.user) return fail(ErrorCode::kUnauthenticated, "log in or send Authorization: Bearer TOKEN");
      }
      return (this->*handler)(call);
    }();
    if (result) return std::move(*result);
    if (result.error().code == ErrorCode::kInternal || result.error().code == ErrorCode::kUnavailable)
      log::error("request_failed", {{"path", req.path}, {"error", result.error().message}});
    return error_response(result.error());
  });
}

Response Api::dispatch(Request& request) {
  auto match = router_.match(request.method, request.path);
  Response response;
  if (match.route) {
    response = match.route->handler(request, match.params);
    response.route = match.route->pattern;
  } else if (match.path_known) {
    response = error_response(Error(ErrorCode::kConflict, "method not allowed"));
    response.status = 405;
    std::string allow;
    for (const auto& m : match.allowed_methods) allow += (allow.empty() ? "" : ", ") + m;
    response.headers.emplace_back("Allow", allow);
    nlohmann::json body = {{"error", {{"code", "method_not_allowed"}, {"message", request.method + " is not allowed here; use " + allow}}}};
    response.body = body.dump();
  } else {
    response = error_response(Error::not_found("endpoint " + request.path));
  }
  response.headers.emplace_back("Cache-Control", "no-store");
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  return response;
}

Result<Response> Api::healthz(Call&) {
  auto ok = ctx_.db.transact(store::TxMode::kRead, [](store::Connection& c) -> Result<void> {
    REDRESS_CHECK(c.query("SELECT 1"));
    return {};
  });
  if (!ok) return json_response(503, {{"status", "unavailable"}, {"database", ok.error().message}});
  return json_response(200, {{"status", "ok"}});
}

Result<Response> Api::metrics(Call&) {
  Response r;
  r.content_type = "text/plain; version=0.0.4";
  r.body = metrics_ ? metrics_->render() : "";
  return r;
}

Result<Response> Api::openapi(Call&) {
  auto doc = embedded_file("src/http/openapi.json");
  if (!doc) return fail(Error::internal("openapi document missing from the build"));
  return Response::json(200, std::string(*doc));
}

Result<Response> Api::login(Call& call) {
  auto body = REDRESS_TRY(parse_json_body(call.request));
  ObjectReader in(body);
  auto email = in.string("email", true);
  auto password = in.string("password", true);
  REDRESS_CHECK(in.finish());
  const std::string email_key = "email:" + domain::lower_ascii(*email);
  const std::string addr_key = "addr:" + call.request.remote_address;
  if (auto refused = rate_limited({email_key, addr_key}, "too many failed logins; try again later")) return *refused;
  auto session = accounts_.login(*email, *password);
  if (!session) {
    if (session.error().code == ErrorCode::kUnauthenticated) {
      login_limiter_.record_failure(email_key);
      login_limiter_.record_failure(addr_key);
    }
    return fail(std::move(session).error());
  }
  login_limiter_.reset(email_key);
  return session_response(*session);
}

Result<Response> Api::request_sign_in_link(Call& call) {
  auto body = REDRESS_TRY(parse_json_body(call.request));
  ObjectReader in(body);
  auto email = in.string("email", true);
  REDRESS_CHECK(in.finish());
  // Every request counts, as each may send a mail; in buckets apart from password logins',
  // so that a customer who forgot their password can still ask for a link.
  const std::vector<std::string> keys = {"link:email:" + domain::lower_ascii(domain::trim(*email)),
                                         "link:addr:" + call.request.remote_address};
  if (auto refused = rate_limited(keys, "too many sign-in links asked for; try again later")) return *refused;
  for (const auto& key : keys) login_limiter_.record_failure(key);
  REDRESS_CHECK(sign_in_links_.request(*email));
  // The same answer whether or not the address has an account.
  return json_response(202, {{"status", "sent"}});
}

Result<Response> Api::use_sign_in_link(Call& call) {
  auto session = REDRESS_TRY(sign_in_links_.redeem(call.params.at("token")));
  return session_response(session);
}

Response Api::session_response(const service::NewSession& session) const {
  Response r = json_response(200, {{"user", user_json(session.user)},
                                   {"csrf_token", session.csrf_token},
                                   {"expires_at", format_rfc3339(session.expires_at)}});
  r.headers.emplace_back("Set-Cookie", cookie_header(session.cookie_value, options_.session_ttl_hours * 3600,
                                                     options_.secure_cookies));
  return r;
}

std::optional<Response> Api::rate_limited(const std::vector<std::string>& keys, const std::string& message) {
  int64_t wait = 0;
  for (const auto& key : keys) wait = std::max(wait, login_limiter_.retry_after(key));
  if (wait == 0) return std::nullopt;
  Response r = error_response(Error(ErrorCode::kRateLimited, message));
  r.headers.emplace_back("Retry-After", std::to_string(wait));
  return r;
}

Result<Response> Api::current_session(Call& call) {
  nlohmann::json j = {{"user", user_json(*call.caller.user)}};
  if (call.caller.via_cookie) j["csrf_token"] = call.caller.csrf_token;
  return json_response(200, j);
}

Result<Response> Api::logout(Call& call) {
  if (auto cookie = call.request.cookie(kSessionCookie)) REDRESS_CHECK(accounts_.logout(*cookie));
  Response r = Response::no_content();
  r.headers.emplace_back("Set-Cookie", cookie_header("", 0, options_.secure_cookies));
  return r;
}

Result<Response> Api::create_ticket(Call& call) {
  if (call.request.body_truncated)
    return fail(Error(ErrorCode::kTooLarge, "the files together are too large: at most two of " +
                                                std::to_string(ctx_.messages.max_upload_bytes) +
                                                " bytes (attachments.max_upload_bytes) per request"));
  auto body = REDRESS_TRY(parse_json_body(call.request));
  ObjectReader in(body);
  service::NewTicket t;
  t.workflow = in.string("workflow", true).value_or("");
  t.subject = in.string("subject", true).value_or("");
  t.description = in.string("description").value_or("");
  if (const auto* contacts = in.raw("contacts"); contacts && !contacts->is_null()) t.contacts = read_contacts(in, *contacts);
  t.customer = to_ref(in.id_or_key("customer"));
  t.reason = to_ref(in.id_or_key("reason"));
  t.channel = in.string("channel");
  t.language = in.string("language");
  if (const auto* assignees = in.raw("assignees"); assignees && !assignees->is_null()) {
    if (!assignees->is_object()) {
      in.add_error("assignees", "must be an object {role: user}");
    } else {
      ObjectReader a = in.nested(*assignees, "assignees");
      for (auto& [role, v] : assignees->items()) {
        if (auto ref = to_ref(a.id_or_key(role))) t.assignees[role] = *ref;
      }
    }
  }
  if (const auto* fields = in.raw("fields"); fields && !fields->is_null()) t.fields = *fields;
  t.files = read_files(in);
  REDRESS_CHECK(in.finish());
  auto detail = REDRESS_TRY(tickets_.create(call.actor(), t));
  Response r = json_response(201, ticket_json(detail, viewer_of(call)));
  r.headers.emplace_back("Location", "/api/v1/tickets/" + std::to_string(detail.ticket.id));
  return r;
}

Result<Response> Api::list_tickets(Call& call) {
  const auto& r = call.request;
  service::ListQuery q;
  auto& f = q.filter;
  std::map<std::string, std::string> errors;
  static const std::set<std::string> kKnown = {"status", "workflow", "reason", "assignee", "channel", "q",
                                               "created_from", "created_to", "cursor", "limit"};
  refuse_unknown_params(r, kKnown, "unknown filter", errors);
  for (auto [it, end] = r.query.equal_range("status"); it != end; ++it) {
    // status=a,b and status=a&status=b both mean "either".
    std::string_view rest = it->second;
    while (!rest.empty()) {
      auto comma = rest.find(',');
      if (auto part = rest.substr(0, comma); !part.empty()) f.statuses.emplace_back(part);
      rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    }
  }
  f.workflow = r.query_param("workflow").value_or("");
  f.channel = r.query_param("channel").value_or("");
  f.text = r.query_param("q").value_or("");
  if (f.text.size() > 500) errors["q"] = "at most 500 characters";
  if (auto reason = r.query_param("reason")) {
    auto id = parse_positive(*reason);
    q.reason = service::Ref{id, id ? "" : *reason};
  }
  if (auto assignee = r.query_param("assignee")) {
    if (*assignee == "me") {
      f.assignee_user_id = call.caller.user->id;
    } else if (auto id = parse_positive(*assignee)) {
      f.assignee_user_id = *id;
    } else {
      errors["assignee"] = "'me' or a user id";
    }
  }
  for (const char* name : {"created_from", "created_to"}) {
    if (auto v = r.query_param(name)) {
      TimePoint t;
      if (!parse_rfc3339(*v, t)) {
        errors[name] = "a date (YYYY-MM-DD) or an RFC 3339 time";
      } else if (std::string_view(name) == "created_from") {
        f.created_from = t;
      } else {
        f.created_to = t;
      }
    }
  }
  if (auto cursor = r.query_param("cursor")) {
    auto id = parse_positive(*cursor);
    if (!id) {
      errors["cursor"] = "not a cursor returned by this endpoint";
    } else {
      f.before_id = *id;
    }
  }
  auto limit = read_limit(r, 50, 200);
  if (!limit) errors["limit"] = limit.error().fields.begin()->second;
  if (!errors.empty()) {
    Error e(ErrorCode::kInvalid, "bad query parameters");
    e.fields = std::move(errors);
    return fail(std::move(e));
  }
  f.limit = *limit;
  auto page = REDRESS_TRY(tickets_.list(call.actor(), std::move(q)));
  return json_response(200, ticket_page_json(page, ctx_.workflows, viewer_of(call)));
}

Result<Response> Api::get_ticket(Call& call) {
  auto detail = REDRESS_TRY(tickets_.get(call.actor(), call.params.at("id")));
  return json_response(200, ticket_json(detail, viewer_of(call)));
}

Result<Response> Api::patch_ticket(Call& call) {
  auto body = REDRESS_TRY(parse_json_body(call.request));
  ObjectReader in(body);
  service::TicketPatch p;
  if (in.is_null("reason")) {
    in.raw("reason");
    p.clear_reason = true;
  } else {
    p.reason = to_ref(in.id_or_key("reason"));
  }
  p.language = in.string("language");
  if (in.is_null("customer")) {
    in.raw("customer");
    p.clear_customer = true;
  } else {
    p.customer = to_ref(in.id_or_key("customer"));
  }
  if (const auto* contacts = in.raw("contacts"); contacts) p.contacts = read_contacts(in, *contacts);
  if (const auto* fields = in.raw("fields"); fields && !fields->is_null()) p.fields = *fields;
  REDRESS_CHECK(in.finish());
  auto detail = REDRESS_TRY(tickets_.patch(call.actor(), call.params.at("id"), p));
  return json_response(200, ticket_json(detail, viewer_of(call)));
}

Result<Response> Api::set_messaging(Call& call) {
  auto body = REDRESS_TRY(parse_json_body(call.request));
  ObjectReader in(body);
  auto blocked = in.boolean("blocked");
  if (!blocked && !in.errors().contains("blocked")) in.add_error("blocked", "required: true or false");
  REDRESS_CHECK(in.finish());
  auto detail = REDRESS_TRY(tickets_.set_messaging_blocked(call.actor(), call.params.at("id"), *blocked));
  return json_response(200, ticket_json(detail, viewer_of(call)));
}

Result<Response> Api::ticket_history(Call& call) {
  auto history = REDRESS_TRY(tickets_.history(call.actor(), call.params.at("id")));
  nlohmann::json items = nlohmann::json::array();
  for (const auto& e : history.events) {
    auto j = event_json(e);
    if (e.actor_user_id) {
      if (auto it = history.actors.find(*e.actor_user_id); it != history.actors.end())
        j["actor"] = user_ref_json(it->second);
    }
    items.push_back(std::move(j));
  }
  return json_response(200, {{"items", items}});
}

namespace {

// {language: label}; nullopt when absent or not an object (the error is noted).
std::optional<std::map<std::string, std::string>> read_labels(ObjectReader& in) {
  const auto* labels = in.raw("labels");
  if (!labels || labels->is_null()) return std::nullopt;
  if (!labels->is_object()) {
    in.add_error("labels", "must be an object {language: label}");
    return std::nullopt;
  }
  std::map<std::string, std::string> out;
  for (auto& [lang, text] : labels->items()) {
    if (!text.is_string()) {
      in.add_error("labels." + lang, "must be a string");
    } else {
      out[lang] = text.get<std::string>();
    }
  }
  return out;
}

}  // namespace

Result<Response> Api::list_contacts(Call& call) {
  auto limit = REDRESS_TRY(read_limit(call.request, 20, 100));
  auto q = call.request.query_param("q").value_or("");
  auto contacts = REDRESS_TRY(directory_.search_contacts(call.actor(), q, limit));
  nlohmann::json items = nlohmann::json::array();
  for (const auto& c : contacts) items.push_back(contact_json(c));
  return json_response(200, {{"items", items}});
}

Result<Response> Api::create_contact(Call& call) {
  auto body = REDRESS_TRY(parse_json_body(call.request));
  ObjectReader in(body);
  service::NewContact c;
  c.name = in.string("name", true).value_or("");
  c.email = in.string("email");
  c.phone = in.string("phone");
  c.language = in.string("language").value_or("en");
  c.customer = to_ref(in.id_or_key("customer"));
  REDRESS_CHECK(in.finish());
  auto profile = REDRESS_TRY(directory_.create_contact(call.actor(), c));
  auto j = contact_json(profile.contact);
  j["customer"] = customer_json(profile.customer);
  return json_response(201, j);
}

Result<Response> Api::get_contact(Call& call) {
  auto id = parse_positive(call.params.at("id"));
  if (!id) return fail(Error::not_found("contact"));
  auto profile = REDRESS_TRY(directory_.get_contact(call.actor(), *id));
  return json_response(200, contact_profile_json(profile, ctx_.workflows, call.language()));
}

Result<Response> Api::patch_contact(Call& call) {
  auto id = parse_positive(call.params.at("id"));
  if (!id) return fail(Error::not_found("contact"));
  auto body = REDRESS_TRY(parse_json_body(call.request));
  ObjectReader in(body);
  service::ContactChanges changes;
  changes.name = in.string("name");
  changes.email = in.nullable_string("email");
  changes.phone = in.nullable_string("phone");
  changes.language = in.string("language");
  if (in.is_null("customer")) {
    in.raw("customer");
    changes.customer = std::optional<service::Ref>();
  } else if (auto ref = to_ref(in.id_or_key("customer"))) {
    changes.customer = std::optional<service::Ref>(*ref);
  }
  REDRESS_CHECK(in.finish());
  REDRESS_CHECK(directory_.update_contact(call.actor(), *id, changes));
  auto profile = REDRESS_TRY(directory_.get_contact(call.actor(), *id));
  return json_response(200, contact_profile_json(profile, ctx_.workflows, call.language()));
}

Result<Response> Api::list_users(Call& call) {
  auto limit = REDRESS_TRY(read_limit(call.request, 100, 500));
  auto users = REDRESS_TRY(accounts_.list_users(call.actor(), limit, 0));
  nlohmann::json items = nlohmann::json::array();
  for (const auto& u : users) items.push_back(user_json(u));
  return json_response(200, {{"items", items}});
}

Result<Response> Api::create_user(Call& call) {
  auto body = REDRESS_TRY(parse_json_body(call.request));
  ObjectReader in(body);
  service::NewUser u;
  u.email = in.string("email", true).value_or("");
  u.name = in.string("name", true).value_or("");
  u.role = in.string("role", true).value_or("");
  if (const auto* rights = in.raw("rights"); rights && !rights->is_null()) {
    if (!rights->is_array()) {
      in.add_error("rights", "must be a list of right names");
    } else {
      for (const auto& r : *rights) {
        if (!r.is_string()) {
          in.add_error("rights", "must be a list of right names");
          break;
        }
        u.rights += (u.rights.empty() ? "" : ",") + r.get<std::string>();
      }
    }
  }
  u.password = in.string("password");
  u.language = in.string("language").value_or("en");
  REDRESS_CHECK(in.finish());
  auto user = REDRESS_TRY(accounts_.create_user(call.actor(), u));
  return json_response(201, user_json(user));
}

Result<Response> Api::get_user(Call& call) {
  auto id = parse_positive(call.params.at("id"));
  if (!id) return fail(Error::not_found("user"));
  auto user = REDRESS_TRY(accounts_.get_user(call.actor(), *id));
  return json_response(200, user_json(user));
}

Result<Response> Api::get_reason(Call& call) {
  auto id = parse_positive(call.params.at("id"));
  if (!id) return fail(Error::not_found("reason"));
  auto [reason, events] = REDRESS_TRY(directory_.get_reason(call.actor(), *id));
  auto j = reason_json(reason, call.language());
  j["history"] = nlohmann::json::array();
  for (const auto& e : events) j["history"].push_back(event_json(e));
  return json_response(200, j);
}

Result<Response> Api::patch_reason(Call& call) {
  auto id = parse_positive(call.params.at("id"));
  if (!id) return fail(Error::not_found("reason"));
  auto body = REDRESS_TRY(parse_json_body(call.request));
  ObjectReader in(body);
  service::ReasonChanges changes;
  changes.labels = read_labels(in);
  if (in.is_null("labels")) in.add_error("labels", "cannot be emptied; needs at least an English label (en)");
  changes.active = in.boolean("active");
  for (const char* fixed : {"workflow", "code"}) {
    if (in.has(fixed)) {
      in.raw(fixed);
      in.add_error(fixed, "cannot be changed: tickets and templates refer to it; add a new reason instead");
    }
  }
  REDRESS_CHECK(in.finish());
  auto reason = REDRESS_TRY(directory_.update_reason(call.actor(), *id, changes));
  return json_response(200, reason_json(reason, call.language()));
}

Result<Response> Api::list_reasons(Call& call) {
  auto workflow = call.request.query_param("workflow").value_or("");
  bool all = call.request.query_param("include_inactive").value_or("") == "true";
  auto reasons = REDRESS_TRY(directory_.list_reasons(call.actor(), workflow, all));
  nlohmann::json items = nlohmann::json::array();
  for (const auto& r : reasons) items.push_back(reason_json(r, call.language()));
  return json_response(200, {{"items", items}});
}

Result<Response> Api::create_reason(Call& call) {
  auto body = REDRESS_TRY(parse_json_body(call.request));
  ObjectReader in(body);
  service::NewReason r;
  r.workflow = in.string("workflow", true).value_or("");
  r.code = in.string("code", true).value_or("");
  if (auto labels = read_labels(in)) {
    r.labels = std::move(*labels);
  } else if (!in.has("labels")) {
    in.add_error("labels", "required");
  }
  r.active = in.boolean("active").value_or(true);
  REDRESS_CHECK(in.finish());
  auto reason = REDRESS_TRY(directory_.create_reason(call.actor(), r));
  return json_response(201, reason_json(reason, call.language()));
}

Result<Response> Api::list_workflows(Call& call) {
  nlohmann::json items = nlohmann::json::array();
  for (const auto& wf : ctx_.workflows.all()) items.push_back(workflow_json(wf, call.language()));
  return json_response(200, {{"items", items}});
}

namespace {

nlohmann::json job_json(const store::Job& j) {
  return {{"id", j.id},
          {"kind", j.kind},
          {"status", j.status},
          {"attempts", j.attempts},
          {"max_attempts", j.max_attempts},
          {"due_at", format_rfc3339(j.due_at)},
          {"last_error", j.last_error ? nlohmann::json(*j.last_error) : nlohmann::json(nullptr)},
          {"payload", j.payload},
          {"created_at", format_rfc3339(j.created_at)},
          {"finished_at", j.finished_at ? nlohmann::json(format_rfc3339(*j.finished_at)) : nlohmann::json(nullptr)}};
}

}  // namespace

Result<Response> Api::run_transition(Call& call) {
  auto body = REDRESS_TRY(parse_json_body(call.request));
  ObjectReader in(body);
  service::TransitionInput t;
  t.transition = in.string("transition", true).value_or("");
  t.note = in.string("note").value_or("");
  if (const auto* fields = in.raw("fields"); fields && !fields->is_null()) {
    if (!fields->is_object()) {
      in.add_error("fields", "must be an object");
    } else {
      // API.md: fields set in the same step, custom ones by id and "assignees": {role: user}.
      for (auto& [k, v] : fields->items()) {
        if (k != "assignees") {
          t.fields[k] = v;
          continue;
        }
        if (!v.is_object()) {
          in.add_error("fields.assignees", "must be an object {role: user}");
          continue;
        }
        ObjectReader a = in.nested(v, "fields.assignees");
        for (auto& [role, user] : v.items()) {
          if (auto ref = to_ref(a.id_or_key(role))) t.assignees[role] = *ref;
        }
      }
    }
  }
  REDRESS_CHECK(in.finish());
  auto detail = REDRESS_TRY(transitions_.run(call.actor(), call.params.at("id"), t));
  return json_response(200, ticket_json(detail, viewer_of(call)));
}

Result<Response> Api::set_assignee(Call& call) {
  auto body = REDRESS_TRY(parse_json_body(call.request));
  ObjectReader in(body);
  auto user = to_ref(in.id_or_key("user"));
  if (!user && !in.has("user")) in.add_error("user", "required: a user id or email");
  REDRESS_CHECK(in.finish());
  auto detail = REDRESS_TRY(transitions_.set_assignee(call.actor(), call.params.at("id"), call.params.at("role"), user));
  return json_response(200, ticket_json(detail, viewer_of(call)));
}

Result<Response> Api::clear_assignee(Call& call) {
  auto detail =
      REDRESS_TRY(transitions_.set_assignee(call.actor(), call.params.at("id"), call.params.at("role"), std::nullopt));
  return json_response(200, ticket_json(detail, viewer_of(call)));
}

Result<Response> Api::list_jobs(Call& call) {
  auto limit = REDRESS_TRY(read_limit(call.request, 100, 1000));
  auto jobs = REDRESS_TRY(jobs_.list(call.actor(), call.request.query_param("status").value_or(""), limit));
  nlohmann::json items = nlohmann::json::array();
  for (const auto& j : jobs) items.push_back(job_json(j));
  return json_response(200, {{"items", items}});
}

Result<Response> Api::retry_job(Call& call) {
  auto id = parse_positive(call.params.at("id"));
  if (!id) return fail(Error::not_found("job"));
  auto job = REDRESS_TRY(jobs_.retry(call.actor(), *id));
  if (options_.clock_moved) options_.clock_moved();
  return json_response(200, job_json(job));
}

Result<Response> Api::move_clock(Call& call) {
  if (!options_.dev_clock) return fail(Error::not_found("endpoint (start the server with --dev-clock)"));
  auto body = REDRESS_TRY(parse_json_body(call.request));
  ObjectReader in(body);
  auto seconds = in.integer("advance_seconds", true);
  REDRESS_CHECK(in.finish());
  auto now = REDRESS_TRY(jobs_.advance_clock(call.actor(), *options_.dev_clock, *seconds));
  if (options_.clock_moved) options_.clock_moved();
  return json_response(200, {{"now", format_rfc3339(now)},
                             {"offset_seconds", std::chrono::duration_cast<std::chrono::seconds>(options_.dev_clock->offset()).count()}});
}

}  // namespace redress::http
