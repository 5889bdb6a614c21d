#include "store/review_store.h"

namespace redress::store {
namespace {

constexpr const char* kReviewColumns =
    "id, source, external_id, ticket_id, rating, url, author_name, author_email, text, received_at";
constexpr const char* kDeliveryColumns =
    "message_id, channel, target, status, attempts, last_error, updated_at, delivered_at";

domain::Review review_from(const Row& r) {
  domain::Review out;
  out.id = r.integer(0);
  out.source = r.text(1);
  out.external_id = r.text(2);
  out.ticket_id = r.integer(3);
  if (!r.is_null(4)) out.rating = r.real(4);
  out.url = r.text(5);
  out.author_name = r.text(6);
  out.author_email = r.text(7);
  out.text = r.text(8);
  out.received_at = from_micros(r.integer(9));
  return out;
}

domain::MessageDelivery delivery_from(const Row& r) {
  domain::MessageDelivery out;
  out.message_id = r.integer(0);
  out.channel = r.text(1);
  out.target = r.text(2);
  out.status = r.text(3);
  out.attempts = static_cast<int>(r.integer(4));
  out.last_error = r.opt_text(5);
  out.updated_at = from_micros(r.integer(6));
  if (auto at = r.opt_integer(7)) out.delivered_at = from_micros(*at);
  return out;
}

}  // namespace

Result<std::optional<domain::Review>> ReviewStore::find(const std::string& source, const std::string& external_id) {
  auto row = REDRESS_TRY(c_.query_one(
      std::string("SELECT ") + kReviewColumns + " FROM reviews WHERE source = ? AND external_id = ?",
      {source, external_id}));
  if (!row) return std::optional<domain::Review>();
  return std::optional<domain::Review>(review_from(*row));
}

Result<std::optional<domain::Review>> ReviewStore::find_by_ticket(int64_t ticket_id) {
  auto row = REDRESS_TRY(c_.query_one(
      std::string("SELECT ") + kReviewColumns + " FROM reviews WHERE ticket_id = ? ORDER BY id LIMIT 1", {ticket_id}));
  if (!row) return std::optional<domain::Review>();
  return std::optional<domain::Review>(review_from(*row));
}

Result<domain::Review> ReviewStore::insert(domain::Review review) {
  auto row = REDRESS_TRY(c_.query_one(
      "INSERT INTO reviews (source, external_id, ticket_id, rating, url, author_name, author_email, text, "
      "received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
      {review.source, review.external_id, review.ticket_id, review.rating ? Value(*review.rating) : Value(Null{}),
       review.url, review.author_name, review.author_email, review.text, to_micros(review.received_at)}));
  review.id = row->integer(0);
  return review;
}

Result<void> ReviewStore::add_delivery(int64_t message_id, const std::string& channel, const std::string& target,
                                       TimePoint now) {
  REDRESS_CHECK(c_.execute(
      "INSERT INTO message_deliveries (message_id, channel, target, status, attempts, updated_at) "
      "VALUES (?, ?, ?, 'pending', 0, ?)",
      {message_id, channel, target, to_micros(now)}));
  return {};
}

Result<std::optional<domain::MessageDelivery>> ReviewStore::delivery(int64_t message_id) {
  auto row = REDRESS_TRY(c_.query_one(
      std::string("SELECT ") + kDeliveryColumns + " FROM message_deliveries WHERE message_id = ?", {message_id}));
  if (!row) return std::optional<domain::MessageDelivery>();
  return std::optional<domain::MessageDelivery>(delivery_from(*row));
}

Result<std::map<int64_t, domain::MessageDelivery>> ReviewStore::deliveries(const std::vector<int64_t>& message_ids) {
  std::map<int64_t, domain::MessageDelivery> out;
  if (message_ids.empty()) return out;
  std::string sql = std::string("SELECT ") + kDeliveryColumns + " FROM message_deliveries WHERE message_id IN (";
  Params params;
  for (size_t i = 0; i < message_ids.size(); ++i) {
    sql += i ? ", ?" : "?";
    params.emplace_back(message_ids[i]);
  }
  sql += ")";
  auto rows = REDRESS_TRY(c_.query(sql, params));
  for (const auto& r : rows) {
    auto d = delivery_from(r);
    out.emplace(d.message_id, std::move(d));
  }
  return out;
}

Result<void> ReviewStore::record_attempt(int64_t message_id, const std::string& status, const std::string& error,
                                         TimePoint now) {
  const bool delivered = status == "delivered";
  REDRESS_CHECK(c_.execute(
      "UPDATE message_deliveries SET status = ?, attempts = attempts + 1, last_error = ?, updated_at = ?, "
      "delivered_at = ? WHERE message_id = ?",
      {status, error.empty() ? Value(Null{}) : Value(error), to_micros(now),
       delivered ? Value(to_micros(now)) : Value(Null{}), message_id}));
  return {};
}

}  // namespace redress::store
