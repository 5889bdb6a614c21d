// Signing in and out: password form, one-time link by mail (customers), the profile
// page, and "/" sending each person to their home.
#include "http/safe_redirect.h"
#include "http/web_pages.h"
#include "http/web_support.h"

namespace redress::http {
namespace {

// A user's start page: customers their requests, staff who process requests the queue,
// other staff (viewers) the list of tickets, the queue being closed to them.
std::string home_for(const nlohmann::json& user) {
  if (user.value("role", "") == "customer") return "/portal";
  for (const auto& r : user.value("rights", nlohmann::json::array())) {
    if (r == "tickets.take") return "/desk";
  }
  return "/desk/tickets";
}

std::string home_of(const WebCall& call) {
  if (!call.signed_in()) return "/login";
  return home_for(call.user);
}

Response with_cookies(Response r, const ApiReply& reply) {
  for (const auto& [name, value] : reply.headers) {
    if (name == "Set-Cookie") r.headers.emplace_back(name, value);
  }
  return r;
}

Result<Response> login_page(WebCall& call, nlohmann::json error, int status) {
  // The form carries "next" on only when it is a path of this site.
  const std::string next = call.request.method == "GET" ? call.query("next") : call.field("next");
  nlohmann::json v = {{"next", same_site_or(next, "")},
                      {"email", call.field("email")},
                      {"nav", "none"}};
  if (!error.is_null()) v["error"] = std::move(error);
  if (call.query("expired") == "1") v["notice"] = call.say("session_expired");
  return render(call, "login", std::move(v), status);
}

Result<Response> login(WebCall& call) {
  auto reply = call.send("POST", "/api/v1/session", {{"email", call.field("email")}, {"password", call.field("password")}});
  if (!reply.ok()) {
    nlohmann::json error = reply.error();
    if (reply.status == 401) error["message"] = call.say("login_failed");
    if (reply.status == 429) error["message"] = call.say("login_rate_limited");
    return login_page(call, std::move(error), reply.status);
  }
  return with_cookies(redirect(same_site_or(call.field("next"), home_for(reply.body["user"]))), reply);
}

Result<Response> logout(WebCall& call) {
  auto reply = call.send("DELETE", "/api/v1/session", nullptr);
  return with_cookies(redirect("/login"), reply);
}

Result<Response> link_request_page(WebCall& call) {
  return render(call, "login_link", {{"nav", "none"}, {"ask", true}});
}

Result<Response> send_link(WebCall& call) {
  auto reply = call.send("POST", "/api/v1/session/link", {{"email", call.field("email")}});
  if (!reply.ok()) {
    return render(call, "login_link", {{"nav", "none"}, {"ask", true}, {"email", call.field("email")}, {"error", reply.error()}},
                  reply.status);
  }
  return render(call, "login_link", {{"nav", "none"}, {"sent", true}});
}

// GET only shows a button: mail scanners open links, and must not use them up.
Result<Response> link_landing(WebCall& call) {
  return render(call, "login_link", {{"nav", "none"}, {"use", true}, {"token", call.params.at("token")}});
}

Result<Response> use_link(WebCall& call) {
  auto reply = call.send("POST", "/api/v1/session/link/" + url_encode(call.params.at("token")), nullptr);
  if (!reply.ok()) {
    nlohmann::json error = reply.error();
    if (reply.status == 404 || reply.status == 410) error["message"] = call.say("link_unusable");
    return render(call, "login_link", {{"nav", "none"}, {"ask", true}, {"error", error}}, reply.status);
  }
  return with_cookies(redirect("/portal"), reply);
}

Result<Response> profile_page(WebCall& call, nlohmann::json extra) {
  nlohmann::json v = {{"user", call.user}, {"nav", "profile"}};
  v["languages"] = language_options(call, call.user.value("language", ""));
  v.update(extra);
  return render(call, "profile", std::move(v), extra.contains("error") ? 422 : 200);
}

Result<Response> save_profile(WebCall& call) {
  nlohmann::json patch = {{"name", call.field("name")}, {"language", call.field("language")}};
  if (call.staff()) patch["signature"] = call.field("signature");
  auto reply = call.send("PATCH", "/api/v1/users/" + std::to_string(call.user.value("id", 0)), patch);
  if (!reply.ok()) return profile_page(call, {{"error", reply.error()}});
  return redirect("/profile?saved=1");
}

}  // namespace

void add_session_pages(const PageRoutes& add) {
  add("GET", "/", Access::kAnyone, [](WebCall& call) -> Result<Response> { return redirect(home_of(call)); });
  add("GET", "/login", Access::kAnyone, [](WebCall& call) -> Result<Response> {
    if (call.signed_in()) return redirect(same_site_or(call.query("next"), home_of(call)));
    return login_page(call, nullptr, 200);
  });
  add("POST", "/login", Access::kAnyone, login);
  add("POST", "/logout", Access::kSignedIn, logout);
  add("GET", "/login/link", Access::kAnyone, link_request_page);
  add("POST", "/login/link", Access::kAnyone, send_link);
  add("GET", "/login/link/{token}", Access::kAnyone, link_landing);
  add("POST", "/login/link/{token}", Access::kAnyone, use_link);
  add("GET", "/profile", Access::kSignedIn, [](WebCall& call) {
    return profile_page(call, call.query("saved") == "1" ? nlohmann::json{{"saved", true}} : nlohmann::json::object());
  });
  add("POST", "/profile", Access::kSignedIn, save_profile);
}

}  // namespace redress::http
