// The durable job queue, on both engines: enqueue and dedupe, due times under a FakeClock,
// retries with backoff and parking, leases, cancellation, and exactly-once execution of
// transactional handlers under many concurrent workers.
#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <thread>

#include "jobs/runner.h"
#include "store/job_store.h"
#include "support/test_db.h"

namespace redress {
namespace {

using namespace std::chrono_literals;
using jobs::JobRunner;
using jobs::RunnerOptions;
using store::Connection;
using store::Job;
using store::JobStore;
using store::NewJob;
using store::TxMode;
using test::EngineParam;

const TimePoint kNow = from_micros(1'795'000'000'000'000);  // 2026-11-18

class JobQueueTest : public ::testing::TestWithParam<EngineParam> {
 protected:
  void SetUp() override { REDRESS_OPEN_TEST_DB(GetParam(), tdb_); }
  store::Database& db() { return tdb_->db(); }

  std::optional<int64_t> enqueue(NewJob job, TimePoint now = kNow) {
    auto id = db().transact_value<std::optional<int64_t>>(TxMode::kWrite,
                                                          [&](Connection& c) { return JobStore(c).enqueue(job, now); });
    EXPECT_TRUE(id) << id.error().message;
    return id ? *id : std::nullopt;
  }

  int64_t enqueue_due(const std::string& kind, TimePoint due, int max_attempts = 8) {
    NewJob j;
    j.kind = kind;
    j.payload = {{"n", 1}};
    j.due_at = due;
    j.max_attempts = max_attempts;
    auto id = enqueue(j);
    EXPECT_TRUE(id.has_value());
    return id.value_or(0);
  }

  Job find(int64_t id) {
    auto j = db().transact_value<std::optional<Job>>(TxMode::kRead, [&](Connection& c) { return JobStore(c).find(id); });
    EXPECT_TRUE(j && *j) << "job " << id;
    return j && *j ? **j : Job{};
  }

  template <typename T, typename F>
  T read(F&& fn) {
    auto r = db().transact_value<T>(TxMode::kRead, std::forward<F>(fn));
    EXPECT_TRUE(r) << r.error().message;
    return r ? *r : T{};
  }

  template <typename T, typename F>
  T write(F&& fn) {
    auto r = db().transact_value<T>(TxMode::kWrite, std::forward<F>(fn));
    EXPECT_TRUE(r) << r.error().message;
    return r ? *r : T{};
  }

  void exec(const std::string& sql) {
    auto r = db().with_connection([&](Connection& c) { return c.execute_script(sql); });
    ASSERT_TRUE(r) << r.error().message;
  }

  int64_t count(const std::string& sql) {
    auto n = db().transact_value<int64_t>(TxMode::kRead, [&](Connection& c) -> Result<int64_t> {
      auto row = REDRESS_TRY(c.query_one(sql));
      return row ? row->integer(0) : 0;
    });
    EXPECT_TRUE(n) << n.error().message;
    return n.value_or(-1);
  }

  RunnerOptions options() {
    RunnerOptions o;
    o.worker_id = "test";
    o.threads = 1;
    o.backoff_base = 10s;
    o.backoff_cap = 3600s;
    return o;
  }

  FakeClock clock_{kNow};
  std::unique_ptr<test::TestDatabase> tdb_;
};

TEST_P(JobQueueTest, EnqueueWithATakenIdempotencyKeyDoesNothing) {
  NewJob j;
  j.kind = "mail.send";
  j.payload = {{"to", "ann@example.com"}, {"subject", "Réclamation"}};
  j.due_at = kNow;
  j.idempotency_key = "ticket:1:ack";
  auto first = enqueue(j);
  ASSERT_TRUE(first.has_value());
  EXPECT_FALSE(enqueue(j).has_value());
  // Jobs without a key never collide.
  j.idempotency_key.reset();
  EXPECT_TRUE(enqueue(j).has_value());
  EXPECT_TRUE(enqueue(j).has_value());

  Job back = find(*first);
  EXPECT_EQ(back.kind, "mail.send");
  EXPECT_EQ(back.payload["subject"], "Réclamation");
  EXPECT_EQ(back.status, "pending");
  EXPECT_EQ(back.attempts, 0);
  EXPECT_EQ(back.max_attempts, 8);
  EXPECT_EQ(back.due_at, kNow);
  EXPECT_EQ(back.created_at, kNow);
  EXPECT_EQ(back.idempotency_key, "ticket:1:ack");
  EXPECT_FALSE(back.locked_by.has_value());
  auto counts = write<std::map<std::string, int64_t>>([](Connection& c) { return JobStore(c).counts(); });
  EXPECT_EQ(counts["pending"], 3);
}

TEST_P(JobQueueTest, AJobIsClaimedOnlyOnceItIsDue) {
  int64_t id = enqueue_due("test.noop", kNow + 5min);
  int ran = 0;
  JobRunner runner(db(), clock_, options());
  runner.on_external("test.noop", [&](const Job&) -> Result<void> {
    ++ran;
    return {};
  });
  auto next = write<std::optional<TimePoint>>([](Connection& c) { return JobStore(c).next_due(); });
  EXPECT_EQ(next, kNow + 5min);

  EXPECT_EQ(runner.run_due_once().value(), 0);
  clock_.advance(5min - 1us);
  EXPECT_EQ(runner.run_due_once().value(), 0);
  clock_.advance(1us);
  EXPECT_EQ(runner.run_due_once().value(), 1);
  EXPECT_EQ(ran, 1);
  Job done = find(id);
  EXPECT_EQ(done.status, "done");
  EXPECT_EQ(done.attempts, 1);
  EXPECT_EQ(done.finished_at, kNow + 5min);
  EXPECT_EQ(done.locked_by, std::optional<std::string>("test/caller"));  // which worker ran it stays recorded
  EXPECT_EQ(runner.run_due_once().value(), 0);
}

TEST_P(JobQueueTest, AFailingJobRetriesWithDoublingBackoffThenParksWithItsError) {
  int64_t id = enqueue_due("mail.send", kNow, 4);
  JobRunner runner(db(), clock_, options());
  runner.on_external("mail.send", [](const Job&) -> Result<void> {
    return fail(Error::unavailable("smtp: connection refused"));
  });
  for (int attempt = 1; attempt <= 3; ++attempt) {
    ASSERT_EQ(runner.run_due_once().value(), 1) << "attempt " << attempt;
    Job j = find(id);
    EXPECT_EQ(j.status, "pending");
    EXPECT_EQ(j.attempts, attempt);
    EXPECT_EQ(j.last_error, "smtp: connection refused");
    EXPECT_FALSE(j.locked_by.has_value());
    // base, 2*base, 4*base, plus at most a tenth of jitter.
    auto expected = std::chrono::microseconds(10s) * (1 << (attempt - 1));
    auto delay = j.due_at - clock_.now();
    EXPECT_GE(delay, expected) << "attempt " << attempt;
    EXPECT_LE(delay, expected + expected / 10) << "attempt " << attempt;
    // Not due before its time.
    clock_.set(j.due_at - 1us);
    EXPECT_EQ(runner.run_due_once().value(), 0);
    clock_.set(j.due_at);
  }
  ASSERT_EQ(runner.run_due_once().value(), 1);
  Job parked = find(id);
  EXPECT_EQ(parked.status, "failed");
  EXPECT_EQ(parked.attempts, 4);
  EXPECT_EQ(parked.last_error, "smtp: connection refused");
  EXPECT_EQ(parked.finished_at, clock_.now());
  clock_.advance(std::chrono::hours(24 * 365));
  EXPECT_EQ(runner.run_due_once().value(), 0);

  auto failed = write<std::vector<Job>>([](Connection& c) { return JobStore(c).list("failed", 10); });
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[0].id, id);
  EXPECT_EQ(failed[0].last_error, "smtp: connection refused");
  EXPECT_TRUE(write<std::vector<Job>>([](Connection& c) { return JobStore(c).list("pending", 10); }).empty());
  EXPECT_EQ(write<std::vector<Job>>([](Connection& c) { return JobStore(c).list("", 10); }).size(), 1u);
}

TEST_P(JobQueueTest, RetryPutsAParkedJobBackWithItsAttemptsReset) {
  int64_t id = enqueue_due("mail.send", kNow, 1);
  bool smtp_up = false;
  JobRunner runner(db(), clock_, options());
  runner.on_external("mail.send", [&](const Job&) -> Result<void> {
    if (!smtp_up) return fail(Error::unavailable("smtp down"));
    return {};
  });
  ASSERT_EQ(runner.run_due_once().value(), 1);
  ASSERT_EQ(find(id).status, "failed");

  clock_.advance(1h);
  EXPECT_TRUE(write<bool>([&](Connection& c) { return JobStore(c).retry(id, clock_.now()); }));
  Job back = find(id);
  EXPECT_EQ(back.status, "pending");
  EXPECT_EQ(back.attempts, 0);
  EXPECT_EQ(back.due_at, clock_.now());
  EXPECT_FALSE(back.finished_at.has_value());
  // Only parked jobs can be retried.
  EXPECT_FALSE(write<bool>([&](Connection& c) { return JobStore(c).retry(id, clock_.now()); }));

  smtp_up = true;
  ASSERT_EQ(runner.run_due_once().value(), 1);
  EXPECT_EQ(find(id).status, "done");
  EXPECT_FALSE(write<bool>([&](Connection& c) { return JobStore(c).retry(id, clock_.now()); }));
}

TEST_P(JobQueueTest, ATransactionalHandlersWritesCommitOnlyWithTheCompletion) {
  exec("CREATE TABLE effects (job_id BIGINT NOT NULL)");
  int64_t id = enqueue_due("test.effect", kNow);
  int calls = 0;
  JobRunner runner(db(), clock_, options());
  runner.on_transactional("test.effect", [&](Connection& c, const Job& job) -> Result<void> {
    REDRESS_CHECK(c.execute("INSERT INTO effects (job_id) VALUES (?)", {job.id}));
    ++calls;
    if (calls == 1) return fail(Error::conflict("refused", "test"));
    if (calls == 2) throw std::runtime_error("handler threw");
    return {};
  });

  ASSERT_EQ(runner.run_due_once().value(), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM effects"), 0);
  Job j = find(id);
  EXPECT_EQ(j.status, "pending");
  EXPECT_EQ(j.last_error, "refused");

  clock_.set(j.due_at);
  ASSERT_EQ(runner.run_due_once().value(), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM effects"), 0);
  j = find(id);
  EXPECT_EQ(j.status, "pending");
  EXPECT_EQ(j.attempts, 2);
  EXPECT_EQ(j.last_error, "handler threw");

  clock_.set(j.due_at);
  ASSERT_EQ(runner.run_due_once().value(), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM effects"), 1);
  EXPECT_EQ(find(id).status, "done");
}

TEST_P(JobQueueTest, AnExternalHandlerThatThrowsCountsAsAFailure) {
  int64_t id = enqueue_due("webhook.post", kNow);
  JobRunner runner(db(), clock_, options());
  runner.on_external("webhook.post", [](const Job&) -> Result<void> { throw std::runtime_error("boom"); });
  ASSERT_EQ(runner.run_due_once().value(), 1);
  Job j = find(id);
  EXPECT_EQ(j.status, "pending");
  EXPECT_EQ(j.last_error, "boom");
}

TEST_P(JobQueueTest, AJobOfUnknownKindFailsWithTheReasonAndParks) {
  int64_t id = enqueue_due("nobody.handles.this", kNow, 2);
  JobRunner runner(db(), clock_, options());
  ASSERT_EQ(runner.run_due_once().value(), 1);
  EXPECT_EQ(find(id).status, "pending");
  clock_.set(find(id).due_at);
  ASSERT_EQ(runner.run_due_once().value(), 1);
  Job j = find(id);
  EXPECT_EQ(j.status, "failed");
  EXPECT_EQ(j.last_error, "no handler for kind nobody.handles.this");
}

TEST_P(JobQueueTest, AnExpiredLeaseIsReclaimedAndTheFirstWorkerHasLostIt) {
  int64_t id = enqueue_due("test.slow", kNow);
  auto claim = [&](const std::string& worker, TimePoint now) {
    return write<std::vector<Job>>([&](Connection& c) { return JobStore(c).claim(worker, now, 10, 30s); });
  };
  auto first = claim("w1", kNow);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].id, id);
  EXPECT_EQ(first[0].status, "running");
  EXPECT_EQ(first[0].attempts, 1);
  EXPECT_EQ(first[0].locked_by, "w1");
  EXPECT_EQ(first[0].locked_until, kNow + 30s);

  EXPECT_TRUE(claim("w2", kNow + 30s).empty());  // the lease still holds at its last instant
  auto second = claim("w2", kNow + 31s);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].locked_by, "w2");
  EXPECT_EQ(second[0].attempts, 2);

  auto lost = db().transact(TxMode::kWrite, [&](Connection& c) { return JobStore(c).complete(id, "w1", kNow + 32s); });
  ASSERT_FALSE(lost);
  EXPECT_EQ(lost.error().code, ErrorCode::kConflict);
  EXPECT_EQ(lost.error().reason, "lease_lost");
  auto lost_fail = db().transact(TxMode::kWrite, [&](Connection& c) {
    return JobStore(c).fail(id, "w1", "late", kNow + 1h, kNow + 32s);
  });
  ASSERT_FALSE(lost_fail);
  EXPECT_EQ(lost_fail.error().reason, "lease_lost");
  auto lost_check = db().transact(TxMode::kWrite, [&](Connection& c) { return JobStore(c).check_held(id, "w1"); });
  ASSERT_FALSE(lost_check);
  EXPECT_EQ(lost_check.error().reason, "lease_lost");

  auto done = db().transact(TxMode::kWrite, [&](Connection& c) { return JobStore(c).complete(id, "w2", kNow + 33s); });
  ASSERT_TRUE(done) << done.error().message;
  EXPECT_EQ(find(id).status, "done");
  // A finished job is lost to everyone, its last holder included.
  auto again = db().transact(TxMode::kWrite, [&](Connection& c) { return JobStore(c).complete(id, "w2", kNow + 34s); });
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().reason, "lease_lost");
}

TEST_P(JobQueueTest, CancelPendingMatchesTheKeyPrefixLiterally) {
  auto keyed = [&](const std::string& key) {
    NewJob j;
    j.kind = "timer.fire";
    j.due_at = kNow + 1h;
    j.idempotency_key = key;
    auto id = enqueue(j);
    EXPECT_TRUE(id.has_value()) << key;
    return id.value_or(0);
  };
  int64_t a = keyed("ticket:1:timer:reminder");
  int64_t b = keyed("ticket:1:timer:close");
  int64_t other = keyed("ticket:10:timer:close");
  int64_t upper = keyed("TICKET:1:timer:x");
  int64_t wild = keyed("ticketx1:timer:y");
  int64_t running = keyed("ticket:1:timer:running");
  // Claim only the "running" one: make it due first.
  ASSERT_TRUE(db().transact(TxMode::kWrite, [&](Connection& c) -> Result<void> {
    REDRESS_CHECK(c.execute("UPDATE jobs SET due_at = ? WHERE id = ?", {to_micros(kNow), running}));
    return {};
  }));
  ASSERT_EQ(write<std::vector<Job>>([&](Connection& c) { return JobStore(c).claim("w", kNow, 10, 60s); }).size(), 1u);

  EXPECT_EQ(write<int64_t>([&](Connection& c) { return JobStore(c).cancel_pending("ticket:1:", kNow); }), 2);
  EXPECT_EQ(find(a).status, "cancelled");
  EXPECT_EQ(find(a).finished_at, kNow);
  EXPECT_EQ(find(b).status, "cancelled");
  EXPECT_EQ(find(other).status, "pending");
  EXPECT_EQ(find(upper).status, "pending");
  EXPECT_EQ(find(running).status, "running");
  // '_' and '%' in a prefix are plain characters.
  EXPECT_EQ(write<int64_t>([&](Connection& c) { return JobStore(c).cancel_pending("ticket_1", kNow); }), 0);
  EXPECT_EQ(write<int64_t>([&](Connection& c) { return JobStore(c).cancel_pending("ticket%", kNow); }), 0);
  EXPECT_EQ(find(wild).status, "pending");
  ASSERT_TRUE(db().transact(TxMode::kWrite, [&](Connection& c) { return JobStore(c).complete(running, "w", kNow); }));
  // Cancelled jobs never run.
  clock_.advance(2h);
  JobRunner runner(db(), clock_, options());
  runner.on_external("timer.fire", [](const Job&) -> Result<void> { return {}; });
  EXPECT_EQ(runner.run_due_once().value(), 3);  // other, upper, wild
  EXPECT_EQ(find(a).status, "cancelled");
}

TEST_P(JobQueueTest, ManyWorkersRunEveryJobExactlyOnce) {
  exec("CREATE TABLE job_effects (job_id BIGINT NOT NULL, worker TEXT NOT NULL)");
  constexpr int kJobs = 2000;
  SystemClock clock;
  ASSERT_TRUE(db().transact(TxMode::kWrite, [&](Connection& c) -> Result<void> {
    JobStore jobs(c);
    for (int i = 0; i < kJobs; ++i) {
      NewJob j;
      j.kind = "test.effect";
      j.payload = {{"i", i}};
      j.due_at = clock.now();
      REDRESS_CHECK(jobs.enqueue(j, clock.now()));
    }
    return {};
  }));

  std::vector<std::unique_ptr<JobRunner>> runners;
  for (int r = 0; r < 4; ++r) {
    RunnerOptions o;
    o.worker_id = "runner-" + std::to_string(r);
    o.threads = 2;
    o.poll_interval = 20ms;
    auto runner = std::make_unique<JobRunner>(db(), clock, o);
    std::string worker = o.worker_id;
    runner->on_transactional("test.effect", [worker](Connection& c, const Job& job) -> Result<void> {
      REDRESS_CHECK(c.execute("INSERT INTO job_effects (job_id, worker) VALUES (?, ?)", {job.id, worker}));
      return {};
    });
    runners.push_back(std::move(runner));
  }
  for (auto& r : runners) r->start();

  int64_t done = 0;
  auto deadline = std::chrono::steady_clock::now() + 180s;
  while (std::chrono::steady_clock::now() < deadline) {
    auto counts = read<std::map<std::string, int64_t>>([](Connection& c) { return JobStore(c).counts(); });
    done = counts["done"];
    if (done + counts["failed"] >= kJobs) break;
    std::this_thread::sleep_for(20ms);  // bounded polling for the workers' progress
  }
  for (auto& r : runners) r->stop();

  EXPECT_EQ(done, kJobs);
  EXPECT_EQ(count("SELECT COUNT(*) FROM job_effects"), kJobs);
  EXPECT_EQ(count("SELECT COUNT(DISTINCT job_id) FROM job_effects"), kJobs);
  EXPECT_EQ(count("SELECT COUNT(*) FROM (SELECT job_id FROM job_effects GROUP BY job_id HAVING COUNT(*) <> 1) d"),
            0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM jobs WHERE status <> 'done' OR attempts <> 1"), 0);
  EXPECT_GE(count("SELECT COUNT(DISTINCT worker) FROM job_effects"), 2);
}

TEST_P(JobQueueTest, PokeWakesAnIdleWorkerAndStopDoesNotWaitForThePoll) {
  RunnerOptions o = options();
  o.poll_interval = std::chrono::hours(1);
  JobRunner runner(db(), clock_, o);
  std::atomic<int> ran = 0;
  runner.on_external("test.noop", [&](const Job&) -> Result<void> {
    ++ran;
    return {};
  });
  runner.start();
  int64_t id = enqueue_due("test.noop", kNow);
  runner.poke();
  auto deadline = std::chrono::steady_clock::now() + 30s;
  while (find(id).status != "done" && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(10ms);  // bounded polling for the worker's progress
  }
  EXPECT_EQ(find(id).status, "done");
  auto before_stop = std::chrono::steady_clock::now();
  runner.stop();
  runner.stop();
  EXPECT_LT(std::chrono::steady_clock::now() - before_stop, 10s);
  EXPECT_EQ(ran.load(), 1);
}

INSTANTIATE_TEST_SUITE_P(Engines, JobQueueTest, ::testing::Values(EngineParam::kSqlite, EngineParam::kPostgres),
                         [](const auto& info) { return test::engine_name(info.param); });

TEST(JobRunnerBackoff, DoublesFromTheBaseUpToTheCap) {
  SystemClock clock;
  auto db = store::open_database("sqlite::memory:", 1);
  ASSERT_TRUE(db) << db.error().message;
  RunnerOptions o;
  o.backoff_base = 5s;
  o.backoff_cap = 60s;
  JobRunner runner(**db, clock, o);
  EXPECT_EQ(runner.backoff_after(1), 5s);
  EXPECT_EQ(runner.backoff_after(2), 10s);
  EXPECT_EQ(runner.backoff_after(3), 20s);
  EXPECT_EQ(runner.backoff_after(4), 40s);
  EXPECT_EQ(runner.backoff_after(5), 60s);
  EXPECT_EQ(runner.backoff_after(1000), 60s);
}

}  // namespace
}  // namespace redress
