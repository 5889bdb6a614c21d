#include "jobs/runner.h"

#include <unistd.h>

#include <exception>
#include <random>

#include "core/log.h"

namespace redress::jobs {
namespace {

RunnerOptions with_defaults(RunnerOptions o) {
  if (o.worker_id.empty()) {
    char host[256] = {};
    if (gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
    o.worker_id = std::string(*host ? host : "localhost") + ":" + std::to_string(getpid());
  }
  if (o.threads < 1) o.threads = 1;
  if (o.batch < 1) o.batch = 1;
  return o;
}

// Up to a tenth of the backoff, so that jobs failing together (a mail server down) do not
// all come back in the same instant.
std::chrono::microseconds jitter_for(std::chrono::microseconds backoff) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  int64_t span = backoff.count() / 10;
  if (span <= 0) return std::chrono::microseconds(0);
  return std::chrono::microseconds(std::uniform_int_distribution<int64_t>(0, span)(rng));
}

template <typename F>
Result<void> guarded(F&& handler) {
  try {
    return handler();
  } catch (const std::exception& e) {
    return fail(Error::internal(e.what()));
  } catch (...) {
    return fail(Error::internal("unknown exception"));
  }
}

}  // namespace

JobRunner::JobRunner(store::Database& db, const Clock& clock, RunnerOptions options)
    : db_(db), clock_(clock), options_(with_defaults(std::move(options))) {}

JobRunner::~JobRunner() { stop(); }

void JobRunner::on_transactional(std::string kind, TransactionalHandler handler) {
  transactional_[std::move(kind)] = std::move(handler);
}

void JobRunner::on_external(std::string kind, ExternalHandler handler) {
  external_[std::move(kind)] = std::move(handler);
}

void JobRunner::start() {
  if (!threads_.empty()) return;
  {
    std::lock_guard lock(mutex_);
    stopping_ = false;
  }
  for (int i = 0; i < options_.threads; ++i) {
    threads_.emplace_back(&JobRunner::worker_loop, this, options_.worker_id + "/" + std::to_string(i + 1));
  }
}

void JobRunner::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
}

void JobRunner::poke() {
  {
    std::lock_guard lock(mutex_);
    ++pokes_;
  }
  wake_.notify_all();
}

std::chrono::seconds JobRunner::backoff_after(int attempts) const {
  if (attempts < 1) attempts = 1;
  // 2^30 seconds is decades: any cap is reached long before the shift could overflow.
  int shift = std::min(attempts - 1, 30);
  int64_t seconds = options_.backoff_base.count() * (int64_t{1} << shift);
  return std::min(options_.backoff_cap, std::chrono::seconds(seconds));
}

void JobRunner::worker_loop(std::string holder) {
  uint64_t seen_pokes = 0;
  for (;;) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
      seen_pokes = pokes_;
    }
    auto ran = run_batch(holder);
    if (!ran) log::warn("job_claim_failed", {{"worker", holder}, {"error", ran.error().message}});
    // A full batch means more may be due right now.
    if (ran && *ran >= options_.batch) continue;
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, options_.poll_interval, [&] { return stopping_ || pokes_ != seen_pokes; });
  }
}

Result<int> JobRunner::run_due_once() {
  int total = 0;
  const std::string holder = options_.worker_id + "/caller";
  for (;;) {
    int ran = REDRESS_TRY(run_batch(holder));
    total += ran;
    if (ran == 0) return total;
  }
}

Result<int> JobRunner::run_batch(const std::string& holder) {
  auto jobs = REDRESS_TRY(db_.transact_value<std::vector<store::Job>>(store::TxMode::kWrite, [&](store::Connection& c) {
    return store::JobStore(c).claim(holder, clock_.now(), options_.batch, options_.lease);
  }));
  // Every claimed job runs, even when stop() was asked meanwhile: a claimed job left alone
  // would wait for its lease to expire.
  for (const auto& job : jobs) run_one(job, holder);
  return static_cast<int>(jobs.size());
}

void JobRunner::run_one(const store::Job& job, const std::string& holder) {
  if (auto t = transactional_.find(job.kind); t != transactional_.end()) {
    bool lost = false;
    auto r = db_.transact(store::TxMode::kWrite, [&](store::Connection& c) -> Result<void> {
      lost = false;
      store::JobStore jobs(c);
      if (auto held = jobs.check_held(job.id, holder); !held) {
        lost = held.error().reason == "lease_lost";
        return held;
      }
      REDRESS_CHECK(guarded([&] { return t->second(c, job); }));
      auto done = jobs.complete(job.id, holder, clock_.now());
      if (!done) lost = done.error().reason == "lease_lost";
      return done;
    });
    if (r) return;
    if (lost) {
      // Another holder has it now; whatever it does with the job stands.
      log::warn("job_lease_lost", {{"id", std::to_string(job.id)}, {"kind", job.kind}, {"worker", holder}});
      return;
    }
    record_failure(job, holder, r.error());
    return;
  }
  if (auto e = external_.find(job.kind); e != external_.end()) {
    auto r = guarded([&] { return e->second(job); });
    if (!r) {
      record_failure(job, holder, r.error());
      return;
    }
    auto done = db_.transact(store::TxMode::kWrite, [&](store::Connection& c) {
      return store::JobStore(c).complete(job.id, holder, clock_.now());
    });
    if (!done) {
      // The effect happened; the job may run again (at least once), hence idempotent handlers.
      log::warn("job_complete_failed",
                {{"id", std::to_string(job.id)}, {"kind", job.kind}, {"error", done.error().message}});
    }
    return;
  }
  record_failure(job, holder, Error(ErrorCode::kInternal, "no handler for kind " + job.kind));
}

void JobRunner::record_failure(const store::Job& job, const std::string& holder, const Error& failure) {
  const TimePoint now = clock_.now();
  const std::string& error = failure.message;
  const bool permanent = failure.reason == store::kPermanentFailure;
  std::chrono::microseconds backoff = backoff_after(job.attempts);
  // At least a millisecond, so that run_due_once() under a still FakeClock terminates.
  backoff = std::max(backoff + jitter_for(backoff), std::chrono::microseconds(1000));
  bool parked = permanent || job.attempts >= job.max_attempts;
  log::warn("job_failed", {{"id", std::to_string(job.id)},
                           {"kind", job.kind},
                           {"attempt", std::to_string(job.attempts)},
                           {"parked", parked ? "true" : "false"},
                           {"error", error}});
  auto r = db_.transact(store::TxMode::kWrite, [&](store::Connection& c) {
    return store::JobStore(c).fail(job.id, holder, error, now + backoff, now, permanent);
  });
  if (!r) {
    // The lease will expire and the job be claimed again.
    log::warn("job_fail_not_recorded", {{"id", std::to_string(job.id)}, {"error", r.error().message}});
  }
}

}  // namespace redress::jobs
