#pragma once
// A review from a feedback platform (seed 004) and how a reply to it is delivered. Plain
// types: rules live in service/review_service.h, storage in store/review_store.h.
#include <cstdint>
#include <optional>
#include <string>

#include "core/clock.h"

namespace redress::domain {

struct Review {
  int64_t id = 0;
  std::string source;  // the [[review_sources]] name
  std::string external_id;
  int64_t ticket_id = 0;
  std::optional<double> rating;  // 0..5
  std::string url;
  std::string author_name;
  std::string author_email;  // lower-cased; "" when the platform gave none
  std::string text;
  TimePoint received_at;
};

// The delivery of one message that does not go out by mail (a reply posted to a review
// platform). Updated at each attempt of its job.
struct MessageDelivery {
  int64_t message_id = 0;
  std::string channel;  // review
  std::string target;   // the review source's name
  std::string status;   // pending | delivered | failed
  int attempts = 0;
  std::optional<std::string> last_error;
  TimePoint updated_at;
  std::optional<TimePoint> delivered_at;
};

}  // namespace redress::domain
