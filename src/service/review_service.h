#pragma once
// The reviews channel (seed 004): a review from a feedback platform becomes a request in
// its source's workflow, channel "review", its text the first message. Taking a review is
// idempotent on (source, external_id): the same review twice, one after the other or at
// once, makes one request. The HTTP endpoint and `redress import reviews` both come here.
#include <map>
#include <optional>
#include <string>

#include "core/config.h"
#include "domain/review.h"
#include "service/context.h"

namespace redress::service {

// The configured source of that name, or null.
const ReviewSourceSettings* find_review_source(const Context& ctx, const std::string& name);

struct ReviewInput {
  std::string source;
  std::string external_id;
  std::string author_name;
  std::string author_email;
  std::optional<double> rating;  // none: the platform gave no rating
  std::string text;
  std::string url;
  std::optional<TimePoint> created_at;  // when it was written; none: now
  std::optional<std::string> language;  // none: the source's language
};

struct ReviewIntake {
  bool created = false;  // false: the review was already taken
  domain::Review review;
  std::string ticket_number;
};

class ReviewService {
 public:
  explicit ReviewService(Context& ctx) : ctx_(ctx) {}

  // In its own transaction. Errors: Invalid naming every bad field (source, external_id,
  // rating, text, author.name, author.email, url, language; "source" also for a source
  // that is not configured); Unavailable when the database is.
  Result<ReviewIntake> submit(const ReviewInput& input);

 private:
  Result<ReviewIntake> submit_in(store::Connection& c, const ReviewSourceSettings& source, const ReviewInput& input);

  Context& ctx_;
};

// Every problem with a review, by field (empty: none), as submit() reports them.
std::map<std::string, std::string> review_problems(const ReviewInput& input);

// What a review request is called in lists: "Review 2/5 from Jane D.: The parcel came…".
std::string review_subject(const domain::Review& review);

}  // namespace redress::service
