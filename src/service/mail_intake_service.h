#pragma once
// Taking mail in, from IMAP, the MTA pipe (mailgate) or the HTTP endpoint: one path.
// A mail is stored exactly once (by Message-ID, or a content hash when it has none),
// lands on the ticket it answers (signed Message-ID, then known Message-IDs, then the
// [#NUMBER] tag when the sender is a contact) or starts a new one, and records why.
// A mail that can never be taken is kept in the failed-mail list with the reason.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mail/parse.h"
#include "service/context.h"
#include "store/connection.h"
#include "store/mail_store.h"

namespace redress::service {

struct IntakeOptions {
  std::string mailbox;  // a configured mailbox's name, or ""
  std::string source;   // imap, mailgate, api
};

struct IntakeResult {
  std::string outcome;  // created, appended, duplicate, bounce
  int64_t mail_id = 0;
  std::optional<int64_t> ticket_id;
  std::string ticket_number;
  std::string routing;  // new_ticket, signed_message_id, known_message_id, subject_tag, bounce
  nlohmann::json routing_detail = nlohmann::json::object();
};

class MailIntakeService {
 public:
  explicit MailIntakeService(Context& ctx) : ctx_(ctx) {}

  // In its own transaction. Errors: kInvalid with reason "mail_rejected" (kept in the
  // failed list; fields.failed_mail holds its id) for a mail that cannot be taken;
  // kUnavailable when the database is; kNotFound for an unknown mailbox name.
  Result<IntakeResult> ingest(const std::string& raw, const IntakeOptions& options);

  // Inside the caller's write transaction (the IMAP poller records its position in the
  // same commit). A mail that cannot be taken comes back as kInvalid with reason
  // "mail_rejected"; the caller keeps it with keep_failed() after rolling back.
  Result<IntakeResult> ingest_in(store::Connection& c, const std::string& raw, const IntakeOptions& options);
  Result<store::FailedMail> keep_failed(store::Connection& c, const std::string& raw, const IntakeOptions& options,
                                        const Error& why);
  // A mail over mail.max_message_bytes that arrived only in part (the HTTP door reads such
  // a mail to its end but keeps its first bytes): kept in the failed list as too_large with
  // its size. Returns the refusal (kInvalid "mail_rejected", fields.failed_mail), or why it
  // could not even be kept.
  Error refuse_too_large(const std::string& head, uint64_t size, const IntakeOptions& options);

  // Admins: the failed list, and taking one again (after a fix or a configuration change).
  Result<std::vector<store::FailedMail>> failed(const Actor& actor, const std::string& status, int limit);
  Result<IntakeResult> retry_failed(const Actor& actor, int64_t id);

 private:
  Context& ctx_;
};

}  // namespace redress::service
