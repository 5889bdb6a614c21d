#pragma once
// The JSON API and operations endpoints: routes, authentication, and translation
// between HTTP and service calls. Handlers hold no state of their own; everything
// shared is built once and read-only, so dispatch() runs on any I/O thread at once.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "http/auth.h"
#include "http/metrics.h"
#include "http/router.h"
#include "http/views.h"
#include "service/account_service.h"
#include "service/context.h"
#include "service/directory_service.h"
#include "service/job_admin_service.h"
#include "service/acknowledgement_service.h"
#include "service/mail_intake_service.h"
#include "service/queue_service.h"
#include "service/message_service.h"
#include "service/report_service.h"
#include "service/routing_service.h"
#include "service/sign_in_link_service.h"
#include "service/template_service.h"
#include "service/transition_service.h"
#include "service/ticket_service.h"

namespace redress::http {

struct ApiOptions {
  int login_attempts_per_minute = 10;
  bool secure_cookies = false;
  int session_ttl_hours = 12;
  // serve --dev-clock: the clock POST /api/v1/dev/clock moves (null: the endpoint is 404),
  // and what to wake once it moved (the job runner).
  OffsetClock* dev_clock = nullptr;
  std::function<void()> clock_moved;
};

// The API's routes that take more than server.max_body_bytes, with their limits (for
// ServerOptions::large_body_routes): whole mails, and messages with files (base64 in JSON,
// up to two files of attachments.max_upload_bytes).
std::vector<std::pair<std::string, uint64_t>> large_body_routes(const Settings& settings);
uint64_t max_message_body_bytes(const MessageSettings& settings);

class Api {
 public:
  Api(service::Context& ctx, ApiOptions options, Metrics* metrics);

  Response dispatch(Request& request);
  const Router& router() const { return router_; }

 public:
  struct Call {
    const Request& request;
    const PathParams& params;
    Caller caller;
    service::Actor actor() const;
    std::string language() const;
  };

 private:
  using ApiHandler = Result<Response> (Api::*)(Call&);
  enum class Auth { kNone, kRequired };
  void route(std::string method, std::string pattern, Auth auth, ApiHandler handler);

  Result<Response> healthz(Call&);
  Result<Response> metrics(Call&);
  Result<Response> openapi(Call&);
  Result<Response> login(Call&);
  Result<Response> current_session(Call&);
  Result<Response> logout(Call&);
  Result<Response> request_sign_in_link(Call&);
  Result<Response> use_sign_in_link(Call&);
  Result<Response> create_ticket(Call&);
  Result<Response> list_tickets(Call&);
  Result<Response> get_ticket(Call&);
  Result<Response> patch_ticket(Call&);
  Result<Response> ticket_history(Call&);
  Result<Response> set_messaging(Call&);
  Result<Response> list_contacts(Call&);
  Result<Response> create_contact(Call&);
  Result<Response> get_contact(Call&);
  Result<Response> patch_contact(Call&);
  Result<Response> list_users(Call&);
  Result<Response> create_user(Call&);
  Result<Response> get_user(Call&);
  Result<Response> patch_user(Call&);        // api_desk.cc
  Result<Response> take_ticket(Call&);       // api_desk.cc
  Result<Response> release_ticket(Call&);    // api_desk.cc
  Result<Response> my_queue(Call&);          // api_desk.cc
  Result<Response> process_next(Call&);      // api_desk.cc
  Result<Response> list_reasons(Call&);
  Result<Response> create_reason(Call&);
  Result<Response> get_reason(Call&);
  Result<Response> patch_reason(Call&);
  Result<Response> list_workflows(Call&);
  Result<Response> run_transition(Call&);
  Result<Response> set_assignee(Call&);
  Result<Response> clear_assignee(Call&);
  Result<Response> list_jobs(Call&);
  Result<Response> retry_job(Call&);
  Result<Response> move_clock(Call&);
  Result<Response> inbound_mail(Call&);
  Result<Response> inbound_review(Call&);  // api_reviews.cc
  Result<Response> acknowledge(Call&);
  Result<Response> list_failed_mails(Call&);
  Result<Response> retry_failed_mail(Call&);
  Result<Response> list_messages(Call&);  // api_messages.cc
  Result<Response> post_message(Call&);
  Result<Response> download_attachment(Call&);
  Result<Response> get_routing(Call&);  // api_routing.cc
  Result<Response> put_routing(Call&);
  Result<Response> show_action_link(Call&);  // api_links.cc
  Result<Response> use_action_link(Call&);
  Result<Response> list_templates(Call&);  // api_templates.cc
  Result<Response> create_template(Call&);
  Result<Response> get_template(Call&);
  Result<Response> patch_template(Call&);
  Result<Response> report(Call&);  // api_reports.cc

  // The answer to every way of logging in: the session as JSON, and its cookie.
  Response session_response(const service::NewSession& session) const;
  // 429 with Retry-After when any of keys is over its limit in login_limiter_.
  std::optional<Response> rate_limited(const std::vector<std::string>& keys, const std::string& message);
  Result<Response> preview_template(Call&);
  Result<Response> list_mailboxes(Call&);       // api_mail.cc
  Result<Response> list_review_sources(Call&);  // api_reviews.cc

  service::Context& ctx_;
  const ApiOptions options_;
  Metrics* const metrics_;
  service::AccountService accounts_;
  service::TicketService tickets_;
  service::DirectoryService directory_;
  service::TransitionService transitions_;
  service::JobAdminService jobs_;
  service::MailIntakeService intake_;
  service::AcknowledgementService acknowledgements_;
  service::QueueService queue_;
  service::MessageService messages_;
  service::RoutingService routing_;
  service::TemplateService templates_;
  service::ReportService reports_;
  service::SignInLinkService sign_in_links_;
  LoginRateLimiter login_limiter_;
  Router router_;
};

// How the caller sees tickets: customers get the portal view (api.cc).
TicketViewer viewer_of(const Api::Call& call);

}  // namespace redress::http
