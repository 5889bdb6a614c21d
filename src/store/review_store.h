#pragma once
// Reviews (seed 004) and the delivery records of messages sent through a connector
// instead of by mail. Runs inside the caller's transaction.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "domain/review.h"
#include "store/connection.h"

namespace redress::store {

class ReviewStore {
 public:
  explicit ReviewStore(Connection& c) : c_(c) {}

  Result<std::optional<domain::Review>> find(const std::string& source, const std::string& external_id);
  Result<std::optional<domain::Review>> find_by_ticket(int64_t ticket_id);
  // Conflict "unique_violation" when the source already has a review with this id.
  Result<domain::Review> insert(domain::Review review);

  // A new delivery record, pending, no attempt yet.
  Result<void> add_delivery(int64_t message_id, const std::string& channel, const std::string& target, TimePoint now);
  Result<std::optional<domain::MessageDelivery>> delivery(int64_t message_id);
  // The delivery records of these messages (those that have one), by message id.
  Result<std::map<int64_t, domain::MessageDelivery>> deliveries(const std::vector<int64_t>& message_ids);
  // One more attempt: its outcome (status), the error it met ("" none), and when it was
  // delivered (status delivered).
  Result<void> record_attempt(int64_t message_id, const std::string& status, const std::string& error, TimePoint now);

 private:
  Connection& c_;
};

}  // namespace redress::store
