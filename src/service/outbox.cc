#include "service/outbox.h"

#include <fmt/format.h>

#include "core/log.h"
#include "domain/validation.h"
#include "mail/compose.h"
#include "mail/loop_guard.h"
#include "mail/threading.h"
#include "service/mail_config.h"
#include "store/ticket_store.h"

namespace redress::service {
namespace {

// Enough of the chain for any client to thread, bounded on long-lived tickets.
constexpr int kReferencesKept = 20;

std::string utc_day(TimePoint t) { return format_rfc3339(t).substr(0, 10); }

}  // namespace

Result<store::MailRecord> queue_mail(const Context& ctx, store::Connection& c, const OutboundMail& m) {
  if (!ctx.mail) return fail(Error::internal("mail is not configured"));
  const MailConfig& cfg = *ctx.mail;
  const TimePoint now = ctx.clock.now();
  store::MailStore mails(c);

  mail::OutgoingMail out;
  out.from = cfg.from();
  out.to = m.to;
  out.cc = m.cc;
  out.subject = m.ticket_id ? mail::tagged_subject(m.subject, m.ticket_number) : m.subject;
  out.text = m.text;
  out.html = m.html;
  // Ticket 0 signs an id that names no ticket: a reply to it opens a new one.
  out.message_id = mail::make_message_id(m.ticket_id.value_or(0), cfg.secret, cfg.domain);
  if (m.ticket_id) out.references = REDRESS_TRY(mails.message_ids_of_ticket(*m.ticket_id, kReferencesKept));
  if (!out.references.empty()) out.in_reply_to = out.references.back();
  out.language = m.language;
  out.auto_submitted = m.auto_submitted;
  out.date = now;
  out.files = m.files;
  if (m.ticket_id) out.extra_headers.emplace_back("X-Redress-Ticket", m.ticket_number);
  const std::string raw = mail::compose_mail(out);

  std::optional<int64_t> message_row;
  if (m.on_thread && m.ticket_id) {
    domain::Message msg;
    msg.ticket_id = *m.ticket_id;
    msg.kind = "mail_out";
    msg.visibility = "public";
    msg.author_user_id = m.author_user_id;
    msg.body = m.text;
    msg.created_at = now;
    message_row = REDRESS_TRY(store::TicketStore(c).add_message(msg)).id;
  }

  store::MailRecord record;
  record.direction = "out";
  record.message_id = out.message_id;
  record.dedupe_key = "out:" + out.message_id;
  record.ticket_id = m.ticket_id;
  record.message_row_id = message_row;
  record.source = "outbox";
  record.from_address = cfg.settings.from_address;
  for (const auto* list : {&m.to, &m.cc}) {
    for (const auto& a : *list) record.recipients.push_back(a.email);
  }
  record.subject = out.subject;
  record.purpose = m.purpose;
  record.raw_sha256 = REDRESS_TRY(mails.put_blob(raw, now));
  record.status = "queued";
  record.created_at = now;
  record = REDRESS_TRY(mails.insert(record));

  store::NewJob job;
  job.kind = kMailSendJobKind;
  job.payload = {{"mail_id", record.id}};
  job.due_at = now;
  job.max_attempts = 12;  // with backoff capped at an hour: about half a day of SMTP outage
  job.idempotency_key = "mail:" + out.message_id;
  REDRESS_CHECK(store::JobStore(c).enqueue(job, now));
  return record;
}

Result<std::string> claim_auto_reply(const Context& ctx, store::Connection& c, const std::string& address) {
  if (!ctx.mail) return std::string("mail_not_configured");
  const std::string lower = domain::lower_ascii(address);
  if (auto why = mail::automated_address_reason(lower, ctx.mail->own_addresses); !why.empty()) return why;
  store::MailStore mails(c);
  const std::string day = utc_day(ctx.clock.now());
  const int cap = ctx.mail->settings.auto_replies_per_sender_per_day;
  if (REDRESS_TRY(mails.auto_replies(lower, day)) >= cap) return std::string("daily_cap_reached");
  REDRESS_CHECK(mails.count_auto_reply(lower, day));
  return std::string();
}

Result<void> MailSender::send(const store::Job& job) {
  const int64_t mail_id = job.payload.value("mail_id", int64_t{0});
  auto record = REDRESS_TRY(ctx_.db.transact_value<std::optional<store::MailRecord>>(
      store::TxMode::kRead, [&](store::Connection& c) { return store::MailStore(c).find(mail_id); }));
  if (!record) return fail(Error(ErrorCode::kNotFound, fmt::format("mail {} does not exist", mail_id)));
  // At least once below us (a crash between SMTP and the job's completion re-runs it):
  // the sent mark makes the re-run a no-op.
  if (record->status == "sent") return {};
  if (smtp_.url.empty()) {
    log::warn("mail_held", {{"mail", std::to_string(mail_id)}, {"why", "no mail.smtp_url configured"}});
    return ctx_.db.transact(store::TxMode::kWrite, [&](store::Connection& c) -> Result<void> {
      REDRESS_CHECK(c.execute("UPDATE mail_messages SET status = 'held' WHERE id = ? AND status = 'queued'", {mail_id}));
      return {};
    });
  }
  if (!record->raw_sha256) return fail(Error::internal(fmt::format("mail {} has no content", mail_id)));
  auto raw = REDRESS_TRY(ctx_.db.transact_value<std::optional<std::string>>(
      store::TxMode::kRead, [&](store::Connection& c) { return store::MailStore(c).blob(*record->raw_sha256); }));
  if (!raw) return fail(Error::internal(fmt::format("mail {} content is missing", mail_id)));
  std::vector<std::string> recipients;
  for (const auto& r : record->recipients) {
    if (r.is_string()) recipients.push_back(r.get<std::string>());
  }
  mail::SmtpSender sender(smtp_);
  auto sent = sender.send(record->from_address, recipients, *raw);
  if (!sent) {
    Error e = sent.error();
    const bool permanent = e.code == ErrorCode::kInvalid;
    REDRESS_CHECK(ctx_.db.transact(store::TxMode::kWrite, [&](store::Connection& c) -> Result<void> {
      if (permanent) return store::MailStore(c).mark_failed(mail_id, e.message);
      REDRESS_CHECK(c.execute("UPDATE mail_messages SET last_error = ? WHERE id = ?", {e.message, mail_id}));
      return {};
    }));
    if (permanent) e.reason = std::string(store::kPermanentFailure);
    return fail(std::move(e));
  }
  return ctx_.db.transact(store::TxMode::kWrite, [&](store::Connection& c) {
    return store::MailStore(c).mark_sent(mail_id, ctx_.clock.now());
  });
}

}  // namespace redress::service
