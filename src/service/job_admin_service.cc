#include "service/job_admin_service.h"

#include <set>

#include "store/event_store.h"

namespace redress::service {

Result<std::vector<store::Job>> JobAdminService::list(const Actor& actor, const std::string& status, int limit) {
  if (!actor.has_right(domain::rights::kAdmin)) return fail(Error::forbidden("only admins see jobs", "right_missing"));
  static const std::set<std::string> kStatuses = {"", "pending", "running", "done", "failed", "cancelled"};
  if (!kStatuses.contains(status))
    return fail(Error::invalid_field("status", "pending, running, done, failed or cancelled"));
  return ctx_.db.transact_value<std::vector<store::Job>>(store::TxMode::kRead, [&](store::Connection& c) {
    return store::JobStore(c).list(status, limit);
  });
}

Result<store::Job> JobAdminService::retry(const Actor& actor, int64_t id) {
  if (!actor.has_right(domain::rights::kAdmin)) return fail(Error::forbidden("only admins retry jobs", "right_missing"));
  auto now = ctx_.clock.now();
  return ctx_.db.transact_value<store::Job>(store::TxMode::kWrite, [&](store::Connection& c) -> Result<store::Job> {
    store::JobStore jobs(c);
    auto job = REDRESS_TRY(jobs.find(id));
    if (!job) return fail(Error::not_found("job"));
    if (!REDRESS_TRY(jobs.retry(id, now))) return fail(Error::conflict("only a failed job can be retried", "job_not_failed"));
    REDRESS_CHECK(store::EventStore(c).append(event_by(actor, now, "job", id, "job.retried",
        {{"kind", job->kind}, {"last_error", job->last_error.value_or("")}})));
    auto again = REDRESS_TRY(jobs.find(id));
    return *again;
  });
}

Result<TimePoint> JobAdminService::advance_clock(const Actor& actor, OffsetClock& clock, int64_t seconds) {
  if (!actor.has_right(domain::rights::kAdmin)) return fail(Error::forbidden("only admins move the clock", "right_missing"));
  if (seconds <= 0 || seconds > 10LL * 365 * 86400)
    return fail(Error::invalid_field("advance_seconds", "a positive number of seconds, at most ten years"));
  const auto next = clock.offset() + std::chrono::seconds(seconds);
  REDRESS_CHECK(ctx_.db.transact(store::TxMode::kWrite, [&](store::Connection& c) -> Result<void> {
    REDRESS_CHECK(c.execute(
        "INSERT INTO dev_clock (id, offset_us) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET offset_us = excluded.offset_us",
        {static_cast<int64_t>(next.count())}));
    return {};
  }));
  clock.advance(std::chrono::seconds(seconds));
  return clock.now();
}

Result<std::chrono::microseconds> JobAdminService::saved_offset(store::Database& db) {
  return db.transact_value<std::chrono::microseconds>(store::TxMode::kRead, [](store::Connection& c) -> Result<std::chrono::microseconds> {
    auto row = REDRESS_TRY(c.query_one("SELECT offset_us FROM dev_clock WHERE id = 1"));
    return std::chrono::microseconds(row ? row->integer(0) : 0);
  });
}

}  // namespace redress::service
