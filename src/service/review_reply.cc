#include "service/review_reply.h"

#include <curl/curl.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/crypto.h"
#include "core/log.h"
#include "mail/curl_init.h"
#include "service/review_service.h"
#include "store/review_store.h"
#include "store/ticket_store.h"

namespace redress::service {
namespace {

using store::Connection;

constexpr size_t kErrorExcerpt = 300;  // of the platform's answer, kept as last_error

struct HttpAnswer {
  long status = 0;     // 0: no answer (connection refused, timeout)
  std::string detail;  // curl's error, or the start of the answer's body
};

size_t collect(char* data, size_t size, size_t count, void* out) {
  auto* body = static_cast<std::string*>(out);
  const size_t n = size * count;
  if (body->size() < kErrorExcerpt) body->append(data, std::min(n, kErrorExcerpt - body->size()));
  return n;
}

HttpAnswer post_json(const std::string& url, const std::string& body, const std::vector<std::string>& headers,
                     int timeout_seconds) {
  mail::ensure_curl();
  HttpAnswer out;
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) {
    out.detail = "curl_easy_init failed";
    return out;
  }
  curl_slist* list = nullptr;
  for (const auto& h : headers) list = curl_slist_append(list, h.c_str());
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> owned(list, curl_slist_free_all);
  char error[CURL_ERROR_SIZE] = {0};
  std::string answer;
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_POST, 1L);
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, static_cast<long>(timeout_seconds));
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, static_cast<long>(timeout_seconds));
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &answer);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
  const CURLcode rc = curl_easy_perform(c);
  if (rc != CURLE_OK) {
    out.detail = error[0] ? error : curl_easy_strerror(rc);
    return out;
  }
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out.status);
  out.detail = answer;
  return out;
}

bool worth_retrying(long status) { return status == 0 || status == 408 || status == 429 || status >= 500; }

struct Outgoing {
  domain::MessageDelivery delivery;
  domain::Message message;
  domain::Review review;
  std::string ticket_number;
};

Result<std::optional<Outgoing>> load(Connection& c, int64_t message_id) {
  store::ReviewStore reviews(c);
  auto delivery = REDRESS_TRY(reviews.delivery(message_id));
  if (!delivery) return std::optional<Outgoing>();
  auto row = REDRESS_TRY(c.query_one("SELECT ticket_id, body, created_at FROM messages WHERE id = ?", {message_id}));
  if (!row) return std::optional<Outgoing>();
  Outgoing out;
  out.delivery = std::move(*delivery);
  out.message.id = message_id;
  out.message.ticket_id = row->integer(0);
  out.message.body = row->text(1);
  out.message.created_at = from_micros(row->integer(2));
  auto review = REDRESS_TRY(reviews.find_by_ticket(out.message.ticket_id));
  if (!review) return std::optional<Outgoing>();
  out.review = std::move(*review);
  auto t = REDRESS_TRY(store::TicketStore(c).find(out.message.ticket_id));
  out.ticket_number = t ? t->number : "";
  return std::optional<Outgoing>(std::move(out));
}

}  // namespace

Result<std::optional<ReplyConnector>> reply_connector(const Context& ctx, Connection& c, const domain::Ticket& t) {
  if (t.channel != "review") return std::optional<ReplyConnector>();
  auto no_connector = [](const std::string& why) {
    return fail(Error::conflict("this request came from a review and is answered on its platform, but " + why,
                                "no_reply_connector"));
  };
  auto review = REDRESS_TRY(store::ReviewStore(c).find_by_ticket(t.id));
  if (!review) return no_connector("no review is recorded for it");
  const ReviewSourceSettings* source = find_review_source(ctx, review->source);
  if (!source) return no_connector("its source '" + review->source + "' is no longer configured");
  if (source->reply_url.empty()) return no_connector("its source '" + review->source + "' has no reply_url");
  return std::optional<ReplyConnector>(ReplyConnector{std::move(*review), source});
}

Result<void> queue_review_reply(const Context& ctx, Connection& c, const ReplyConnector& connector,
                                const domain::Message& m, const std::optional<std::string>& author) {
  const TimePoint now = ctx.clock.now();
  REDRESS_CHECK(store::ReviewStore(c).add_delivery(m.id, "review", connector.review.source, now));
  store::NewJob job;
  job.kind = kReviewReplyJobKind;
  job.payload = {{"message_id", m.id}, {"author", author ? nlohmann::json(*author) : nlohmann::json(nullptr)}};
  job.due_at = now;
  job.max_attempts = 12;  // with backoff capped at an hour: about half a day of outage
  job.idempotency_key = "review.reply:" + std::to_string(m.id);
  REDRESS_CHECK(store::JobStore(c).enqueue(job, now));
  return {};
}

Result<void> ReviewReplySender::send(const store::Job& job) {
  const int64_t message_id = job.payload.value("message_id", int64_t{0});
  auto found = REDRESS_TRY(ctx_.db.transact_value<std::optional<Outgoing>>(
      store::TxMode::kRead, [&](Connection& c) { return load(c, message_id); }));
  if (!found) {
    Error e(ErrorCode::kNotFound, fmt::format("no review reply to deliver for message {}", message_id));
    e.reason = std::string(store::kPermanentFailure);
    return fail(std::move(e));
  }
  const Outgoing& out = *found;
  // A re-run after a crash between the answer and the job's completion.
  if (out.delivery.status == "delivered") return {};

  auto record = [&](const std::string& status, const std::string& error) {
    return ctx_.db.transact(store::TxMode::kWrite, [&](Connection& c) {
      return store::ReviewStore(c).record_attempt(message_id, status, error, ctx_.clock.now());
    });
  };
  const ReviewSourceSettings* source = find_review_source(ctx_, out.review.source);
  if (!source || source->reply_url.empty()) {
    const std::string why = "review source '" + out.review.source + "' has no reply_url configured";
    REDRESS_CHECK(record("failed", why));
    Error e(ErrorCode::kInvalid, why);
    e.reason = std::string(store::kPermanentFailure);
    return fail(std::move(e));
  }

  const nlohmann::json payload = {{"source", out.review.source},
                                  {"external_id", out.review.external_id},
                                  {"ticket", out.ticket_number},
                                  {"message_id", message_id},
                                  {"body", out.message.body},
                                  {"author", job.payload.value("author", nlohmann::json(nullptr))},
                                  {"sent_at", format_rfc3339(out.message.created_at)}};
  const std::string body = payload.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  const std::string timestamp = std::to_string(
      std::chrono::duration_cast<std::chrono::seconds>(ctx_.clock.now().time_since_epoch()).count());
  const std::string signature = crypto::hmac_sha256_hex(source->reply_secret, timestamp + "." + body);
  const HttpAnswer answer = post_json(source->reply_url, body,
                                      {"Content-Type: application/json", "X-Redress-Timestamp: " + timestamp,
                                       "X-Redress-Signature: sha256=" + signature, "Expect:"},
                                      source->reply_timeout_seconds);

  if (answer.status >= 200 && answer.status < 300) {
    REDRESS_CHECK(record("delivered", ""));
    log::info("review_reply_delivered", {{"message", std::to_string(message_id)}, {"source", source->name}});
    return {};
  }
  const std::string error =
      answer.status == 0
          ? fmt::format("{} unreachable: {}", source->reply_url, answer.detail)
          : fmt::format("{} answered {}{}", source->reply_url, answer.status,
                        answer.detail.empty() ? "" : ": " + answer.detail);
  const bool retry = worth_retrying(answer.status);
  // The last attempt the queue allows fails the delivery too.
  const bool last = !retry || job.attempts >= job.max_attempts;
  REDRESS_CHECK(record(last ? "failed" : "pending", error));
  log::warn("review_reply_failed", {{"message", std::to_string(message_id)}, {"error", error}});
  Error e(retry ? ErrorCode::kUnavailable : ErrorCode::kInvalid, error);
  if (!retry) e.reason = std::string(store::kPermanentFailure);
  return fail(std::move(e));
}

}  // namespace redress::service
