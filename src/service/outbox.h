#pragma once
// Outgoing mail. A mail is composed, stored and queued in the transaction of the change
// that causes it (so a rolled-back change sends nothing); a "mail.send" job delivers it
// by SMTP afterwards, with retry and backoff, at most once per Message-ID.
#include <optional>
#include <string>
#include <vector>

#include "mail/compose.h"
#include "mail/parse.h"
#include "mail/smtp.h"
#include "service/context.h"
#include "store/job_store.h"
#include "store/mail_store.h"

namespace redress::service {

inline constexpr const char* kMailSendJobKind = "mail.send";

struct OutboundMail {
  // The ticket the mail is about; none for a mail about an account (a sign-in link), which
  // carries no [#NUMBER] tag, threads to nothing and never joins a thread.
  std::optional<int64_t> ticket_id;
  std::string ticket_number;
  std::vector<mail::Address> to;
  std::vector<mail::Address> cc;
  std::string subject;  // without the [#NUMBER] tag: it is added
  std::string text;
  std::string html;
  std::string language;
  std::string auto_submitted;  // "auto-generated" / "auto-replied", "" when a person wrote it
  std::string purpose;         // acknowledgement, alert, reply, ...
  std::optional<int64_t> author_user_id;
  // Customer-facing mails join the ticket's thread; alerts to staff do not.
  bool on_thread = true;
  std::vector<mail::OutgoingFile> files;  // a reply's attachments
};

// In the caller's write transaction: composes the mail (signed Message-ID, References to
// the ticket's earlier mails), stores it, adds it to the thread and enqueues its job.
Result<store::MailRecord> queue_mail(const Context& ctx, store::Connection& c, const OutboundMail& mail);

// Whether an automatic mail may go to address now, counting it when it may: not to robots
// or our own addresses, and at most the configured number per address per day. The
// reason it may not, or "".
Result<std::string> claim_auto_reply(const Context& ctx, store::Connection& c, const std::string& address);

// The "mail.send" job: idempotent (a mail already sent is not sent again). With no SMTP
// server configured the mail stays queued as "held" and the job ends.
class MailSender {
 public:
  MailSender(Context& ctx, mail::SmtpSettings smtp) : ctx_(ctx), smtp_(std::move(smtp)) {}
  Result<void> send(const store::Job& job);

 private:
  Context& ctx_;
  mail::SmtpSettings smtp_;
};

}  // namespace redress::service
