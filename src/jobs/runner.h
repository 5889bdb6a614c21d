#pragma once
// Runs due jobs. Each `redress serve` runs one JobRunner with N worker threads; any number
// of processes may share one database. A handler either runs inside the transaction that
// marks the job done (transactional: its database effects and the completion commit
// together, so it takes effect exactly once) or outside it (external effects such as SMTP:
// at least once, so those handlers must be idempotent by the job's id/key).
//
// Failures retry with exponential backoff (base * 2^(attempts-1), capped, with jitter) and
// park the job as failed after max_attempts, its last error kept for the API.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "store/database.h"
#include "store/job_store.h"

namespace redress::jobs {

struct RunnerOptions {
  std::string worker_id;  // unique per process, e.g. host:pid; empty: host:pid
  int threads = 2;
  std::chrono::milliseconds poll_interval{250};  // also the latency bound for new/due jobs
  std::chrono::seconds lease{60};
  std::chrono::seconds backoff_base{5};
  std::chrono::seconds backoff_cap{3600};
  int batch = 16;
};

// A handler's error with reason store::kPermanentFailure parks the job at once.
using TransactionalHandler = std::function<Result<void>(store::Connection&, const store::Job&)>;
using ExternalHandler = std::function<Result<void>(const store::Job&)>;

class JobRunner {
 public:
  JobRunner(store::Database& db, const Clock& clock, RunnerOptions options);
  ~JobRunner();

  // Register before start(). A job whose kind has no handler fails with that reason.
  void on_transactional(std::string kind, TransactionalHandler handler);
  void on_external(std::string kind, ExternalHandler handler);

  void start();
  // Finishes the jobs in hand, then joins the threads. Idempotent.
  void stop();
  // Wakes the workers now (after enqueueing, or after the clock moved).
  void poke();

  // Claims and runs everything due now on the calling thread; returns how many ran
  // (successfully or not). For tests with a FakeClock.
  Result<int> run_due_once();

  // The backoff before attempt n+1 after n failed attempts (no jitter), for tests.
  std::chrono::seconds backoff_after(int attempts) const;

 private:
  // holder is what the lease records: worker_id plus the thread, so that a job re-claimed
  // by another thread of the same process still counts as lost to the first one.
  void worker_loop(std::string holder);
  Result<int> run_batch(const std::string& holder);
  void run_one(const store::Job& job, const std::string& holder);
  void record_failure(const store::Job& job, const std::string& holder, const Error& failure);

  // Constant after start().
  store::Database& db_;
  const Clock& clock_;
  const RunnerOptions options_;
  std::map<std::string, TransactionalHandler> transactional_;
  std::map<std::string, ExternalHandler> external_;

  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by mutex_
  uint64_t pokes_ = 0;     // guarded by mutex_; each poke() wakes every worker once
  std::vector<std::thread> threads_;  // touched by start() and stop() only
};

}  // namespace redress::jobs
