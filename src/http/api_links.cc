// Pages behind the signed links in customer mails (seed 002's "Issue Resolved"). GET only
// shows what the button does; the POST runs it. Every outcome is a page in the customer's
// language with a status code that says what happened, and nothing changes unless the
// link is genuine, unexpired and the ticket still waits for it.
#include "http/api.h"
#include "http/pages.h"
#include "service/customer_link_service.h"

namespace redress::http {
namespace {

using State = service::LinkPage::State;

// A link that proves nothing tells us nothing about its reader either: the browser's
// language is the best guess for its page.
Result<Response> link_page(service::LinkPage p, const Request& request) {
  if (p.state == State::kInvalid) p.language = page_language(request.header("Accept-Language"));
  const nlohmann::json words = page_messages(p.language).value("action_link", nlohmann::json::object());
  auto say = [&](const std::string& key) { return words.value(key, key); };
  std::string key;
  int status = 200;
  switch (p.state) {
    case State::kReady: key = "ready"; break;
    case State::kDone: key = "done"; break;
    case State::kNotWaiting: key = "not_waiting"; status = 409; break;
    case State::kExpired: key = "expired"; status = 410; break;
    case State::kInvalid: key = "invalid"; status = 404; break;
  }
  const bool known = p.state != State::kInvalid;
  return html_page(status, "action_link",
                   {{"lang", p.language},
                    {"title", say(key + "_title")},
                    {"text", say(key + "_text")},
                    {"ready", p.state == State::kReady},
                    {"action", p.action_label},
                    {"has_ticket", known},
                    {"ticket_label", say("ticket")},
                    {"number", p.ticket_number},
                    {"subject", p.subject},
                    {"has_status", known && p.state != State::kReady},
                    {"status_label", say("status")},
                    {"status", p.status_label}});
}

}  // namespace

Result<Response> Api::show_action_link(Call& call) {
  auto page = REDRESS_TRY(service::CustomerLinkService(ctx_).inspect(call.params.at("token")));
  return link_page(std::move(page), call.request);
}

Result<Response> Api::use_action_link(Call& call) {
  auto page = REDRESS_TRY(service::CustomerLinkService(ctx_).act(call.params.at("token")));
  return link_page(std::move(page), call.request);
}

}  // namespace redress::http
