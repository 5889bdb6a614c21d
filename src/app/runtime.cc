#include "app/runtime.h"

#include <iostream>

#include "core/log.h"
#include "service/job_admin_service.h"
#include "service/outbox.h"
#include "service/review_reply.h"
#include "service/transition_service.h"
#include "store/migrations.h"

namespace redress::app {

Result<std::unique_ptr<Runtime>> open_runtime(const Settings& settings, const Clock* clock, bool report_migrations) {
  auto rt = std::make_unique<Runtime>();
  rt->settings = settings;
  if (clock) {
    rt->clock = clock;
  } else {
    rt->owned_clock = std::make_unique<SystemClock>();
    rt->clock = rt->owned_clock.get();
  }
  auto format = REDRESS_TRY(domain::TicketNumberFormat::parse(settings.tickets.number_format));
  rt->workflows = REDRESS_TRY(workflow::WorkflowCatalog::load(settings.workflows.directory));
  rt->db = REDRESS_TRY(store::open_database(settings.database.url, settings.database.pool_size));
  auto applied = REDRESS_TRY(store::migrate(*rt->db));
  if (settings.server.dev_clock) {
    // The offset survives restarts, so a timer made due by moving the clock fires once
    // after the server comes back.
    auto offset = REDRESS_TRY(service::JobAdminService::saved_offset(*rt->db));
    rt->dev_clock = std::make_unique<OffsetClock>(*rt->clock, offset);
    rt->clock = rt->dev_clock.get();
  }
  for (const auto& m : applied) {
    if (report_migrations) std::cout << "applied migration " << m.version << " " << m.name << "\n";
    log::info("migration_applied", {{"version", std::to_string(m.version)}, {"name", m.name}});
  }
  if (report_migrations && applied.empty()) std::cout << "schema up to date\n";
  for (const auto& box : settings.mailboxes) {
    const std::string wf = box.workflow.empty() ? settings.mail.default_workflow : box.workflow;
    if (!rt->workflows.find(wf))
      return fail(ErrorCode::kInvalid, "mailbox " + box.name + ": unknown workflow '" + wf + "'");
  }
  for (const auto& source : settings.review_sources) {
    if (!rt->workflows.find(source.workflow))
      return fail(ErrorCode::kInvalid, "review source " + source.name + ": unknown workflow '" + source.workflow + "'");
  }
  if (!rt->workflows.find(settings.mail.default_workflow))
    return fail(ErrorCode::kInvalid, "mail.default_workflow: unknown workflow '" + settings.mail.default_workflow + "'");
  rt->mail = std::make_unique<service::MailConfig>(REDRESS_TRY(service::MailConfig::load(settings, *rt->db)));
  rt->context = std::make_unique<service::Context>(service::Context{
      *rt->db, *rt->clock, rt->workflows, format, crypto::parse_password_cost(settings.auth.password_cost),
      settings.auth.session_ttl_hours, rt->mail.get(), settings.messages});
  rt->context->taker_inactive_hours = settings.queue.taker_inactive_hours;
  rt->context->review_sources = settings.review_sources;
  rt->context->session_idle_minutes = settings.auth.session_idle_minutes;
  return rt;
}

http::ApiOptions api_options(const Settings& s) {
  return http::ApiOptions{s.auth.login_attempts_per_minute, s.auth.secure_cookies, s.auth.session_ttl_hours, nullptr, {}};
}

void register_job_handlers(Runtime& rt, jobs::JobRunner& runner) {
  auto* ctx = rt.context.get();
  runner.on_transactional(service::kTimerJobKind, [ctx](store::Connection& c, const store::Job& job) {
    return service::TransitionService(*ctx).fire_timer(c, job.payload);
  });
  const auto& m = rt.settings.mail;
  auto sender = std::make_shared<service::MailSender>(
      *ctx, mail::SmtpSettings{m.smtp_url, m.smtp_username, m.smtp_password, m.smtp_starttls, m.smtp_timeout_seconds, ""});
  runner.on_external(service::kMailSendJobKind, [sender](const store::Job& job) { return sender->send(job); });
  auto replies = std::make_shared<service::ReviewReplySender>(*ctx);
  runner.on_external(service::kReviewReplyJobKind, [replies](const store::Job& job) { return replies->send(job); });
}

}  // namespace redress::app
