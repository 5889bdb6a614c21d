#pragma once
// The durable job queue: every side effect (mail, webhook, timer) is a row here, written
// in the transaction of the change that implies it. Workers claim due jobs under a lease
// (FOR UPDATE SKIP LOCKED on PostgreSQL; the single writer on SQLite), so two processes
// sharing a database never run the same job at once.
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/clock.h"
#include "store/connection.h"

namespace redress::store {

// A job handler's error with this reason parks the job at once (e.g. an SMTP 5xx answer):
// retrying cannot help; an admin may retry it by hand after fixing the cause.
inline constexpr std::string_view kPermanentFailure = "permanent";

struct NewJob {
  std::string kind;
  nlohmann::json payload = nlohmann::json::object();
  TimePoint due_at;
  int max_attempts = 8;
  // Unique among jobs: enqueuing a second job with the same key does nothing.
  std::optional<std::string> idempotency_key;
};

struct Job {
  int64_t id = 0;
  std::string kind;
  nlohmann::json payload;
  TimePoint due_at;
  int attempts = 0;
  int max_attempts = 8;
  std::string status;  // pending, running, done, failed, cancelled
  std::optional<std::string> last_error;
  std::optional<std::string> idempotency_key;
  std::optional<std::string> locked_by;
  std::optional<TimePoint> locked_until;
  TimePoint created_at;
  std::optional<TimePoint> finished_at;
};

class JobStore {
 public:
  explicit JobStore(Connection& c) : c_(c) {}

  // The new job's id, or nullopt when the idempotency key is taken.
  Result<std::optional<int64_t>> enqueue(const NewJob& job, TimePoint now);
  // Marks up to limit due jobs (pending with due_at <= now, or running with an expired
  // lease) as running for worker until now + lease, incrementing attempts; returns them.
  Result<std::vector<Job>> claim(const std::string& worker, TimePoint now, int limit, std::chrono::seconds lease);
  // Locks the job's row for the rest of the caller's transaction, so that its handler and
  // complete() run under the lease. Conflict (reason "lease_lost") when worker no longer
  // holds it (the lease expired and another worker claimed it, or it was finished).
  Result<void> check_held(int64_t id, const std::string& worker);
  // Conflict (reason "lease_lost") when the job is no longer held by worker.
  Result<void> complete(int64_t id, const std::string& worker, TimePoint now);
  // Back to pending at retry_at, or failed (parked) when attempts reached max_attempts or
  // park_now is set (a failure that retrying cannot cure).
  Result<void> fail(int64_t id, const std::string& worker, const std::string& error, TimePoint retry_at,
                    TimePoint now, bool park_now = false);
  // Pending jobs with this key prefix become cancelled (a timer whose status was left).
  Result<int64_t> cancel_pending(const std::string& key_prefix, TimePoint now);
  // Failed (parked) jobs back to pending, attempts reset.
  Result<bool> retry(int64_t id, TimePoint now);
  Result<std::optional<Job>> find(int64_t id);
  // status empty: all. Newest first.
  Result<std::vector<Job>> list(const std::string& status, int limit);
  // The earliest due_at among pending jobs, to sleep until it.
  Result<std::optional<TimePoint>> next_due();
  // How many jobs are in each status (statuses with none are absent).
  Result<std::map<std::string, int64_t>> counts();

 private:
  Connection& c_;
};

}  // namespace redress::store
