#pragma once
// Replies to reviews (seed 004: "répondre par Critizr"). A public reply on a review
// request is not mailed: the post records a pending delivery and enqueues a
// "review.reply" job in its own transaction; the job POSTs the reply to the source's
// reply_url, signed, and records each attempt on the delivery.
//
// The request: JSON {"source","external_id","ticket","message_id","body","author",
// "sent_at"} with X-Redress-Timestamp (unix seconds) and X-Redress-Signature
// "sha256=" + hex HMAC-SHA256(reply_secret, timestamp + "." + body). 2xx is delivered;
// 408, 429, 5xx and network errors are retried with the job queue's backoff; any other
// answer fails for good.
#include <optional>
#include <string>

#include "core/config.h"
#include "domain/review.h"
#include "domain/ticket.h"
#include "service/context.h"
#include "store/connection.h"
#include "store/job_store.h"

namespace redress::service {

inline constexpr const char* kReviewReplyJobKind = "review.reply";

struct ReplyConnector {
  domain::Review review;
  const ReviewSourceSettings* source = nullptr;
};

// In the caller's transaction: how a public reply on t goes out. nullopt for a ticket
// that is not a review request (mail, as usual). Conflict "no_reply_connector" for a
// review request whose replies cannot be sent (no review behind it, its source is no
// longer configured or has no reply_url).
Result<std::optional<ReplyConnector>> reply_connector(const Context& ctx, store::Connection& c,
                                                      const domain::Ticket& t);

// In the caller's transaction: the pending delivery of message m and its job. author is
// who the platform shows as having answered (as customers see staff, [messages]).
Result<void> queue_review_reply(const Context& ctx, store::Connection& c, const ReplyConnector& connector,
                                const domain::Message& m, const std::optional<std::string>& author);

// The "review.reply" job. At least once: a delivered reply is not sent again, but a
// crash between the platform's answer and the record would send it twice, so platforms
// should treat message_id as the reply's identity.
class ReviewReplySender {
 public:
  explicit ReviewReplySender(Context& ctx) : ctx_(ctx) {}
  Result<void> send(const store::Job& job);

 private:
  Context& ctx_;
};

}  // namespace redress::service
