#pragma once
// What admins see of the job queue: failed (parked) jobs with their errors, and retrying
// them. Also the development clock, which only `serve --dev-clock` enables.
#include <optional>
#include <string>
#include <vector>

#include "service/context.h"
#include "store/job_store.h"

namespace redress::service {

class JobAdminService {
 public:
  explicit JobAdminService(Context& ctx) : ctx_(ctx) {}

  Result<std::vector<store::Job>> list(const Actor& actor, const std::string& status, int limit);
  Result<store::Job> retry(const Actor& actor, int64_t id);

  // Moves clock forward by seconds and keeps the offset in the database, so that a
  // restarted server is still "in the future" and its due timers fire once.
  Result<TimePoint> advance_clock(const Actor& actor, OffsetClock& clock, int64_t seconds);
  // The offset saved by advance_clock, zero when none.
  static Result<std::chrono::microseconds> saved_offset(store::Database& db);

 private:
  Context& ctx_;
};

}  // namespace redress::service
