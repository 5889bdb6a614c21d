// Exactly once across processes: two worker processes (this binary, spawned again with
// --job-child) share one PostgreSQL database and run a few thousand transactional jobs;
// every job's effect must be written exactly once and both processes must take part.
//
// The children are spawned (fork + exec), not forked alone: each opens its own pool from
// the URL, so no connection or thread of the parent leaks into them.
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <thread>

#include "jobs/runner.h"
#include "store/job_store.h"
#include "support/job_child.h"
#include "support/test_db.h"

extern char** environ;

namespace redress::two_process {

using namespace std::chrono_literals;
using store::Connection;
using store::JobStore;
using store::TxMode;

constexpr const char* kChildFlag = test::kJobChildFlag;
constexpr int kJobs = 3000;
constexpr auto kTimeout = 180s;

// A worker process: runs jobs until `expected` jobs are finished and none is left.
int run_child(const std::string& url, const std::string& worker, int expected) {
  auto db = store::open_database(url, 4);
  if (!db) {
    std::fprintf(stderr, "child %s: %s\n", worker.c_str(), db.error().message.c_str());
    return 2;
  }
  SystemClock clock;
  jobs::RunnerOptions o;
  o.worker_id = worker + ":" + std::to_string(getpid());
  o.threads = 2;
  o.poll_interval = 20ms;
  jobs::JobRunner runner(**db, clock, o);
  runner.on_transactional("test.effect", [worker](Connection& c, const store::Job& job) -> Result<void> {
    REDRESS_CHECK(c.execute("INSERT INTO job_effects (job_id, worker) VALUES (?, ?)", {job.id, worker}));
    return {};
  });
  runner.start();
  auto ready = (*db)->transact(TxMode::kWrite, [&](Connection& c) -> Result<void> {
    REDRESS_CHECK(c.execute("INSERT INTO job_workers (worker) VALUES (?)", {worker}));
    return {};
  });
  if (!ready) {
    std::fprintf(stderr, "child %s: %s\n", worker.c_str(), ready.error().message.c_str());
    return 2;
  }
  auto deadline = std::chrono::steady_clock::now() + kTimeout;
  while (std::chrono::steady_clock::now() < deadline) {
    auto counts = (*db)->transact_value<std::map<std::string, int64_t>>(
        TxMode::kRead, [](Connection& c) { return JobStore(c).counts(); });
    if (counts && (*counts)["pending"] + (*counts)["running"] == 0 &&
        (*counts)["done"] + (*counts)["failed"] + (*counts)["cancelled"] >= expected) {
      runner.stop();
      return 0;
    }
    std::this_thread::sleep_for(20ms);
  }
  runner.stop();
  std::fprintf(stderr, "child %s: timed out\n", worker.c_str());
  return 3;
}

namespace {

pid_t spawn_child(const std::string& url, const std::string& worker) {
  std::string self = std::filesystem::read_symlink("/proc/self/exe").string();
  std::string expected = std::to_string(kJobs);
  std::vector<char*> argv = {self.data(), const_cast<char*>(kChildFlag), const_cast<char*>(url.c_str()),
                             const_cast<char*>(worker.c_str()), expected.data(), nullptr};
  pid_t pid = 0;
  int rc = posix_spawn(&pid, self.c_str(), nullptr, nullptr, argv.data(), environ);
  return rc == 0 ? pid : -1;
}

// The child's exit code, or -1 when it had to be killed after the deadline.
int wait_child(pid_t pid, std::chrono::steady_clock::time_point deadline) {
  int status = 0;
  while (waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      return -1;
    }
    std::this_thread::sleep_for(20ms);
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(JobTwoProcessTest, TwoWorkerProcessesRunEveryJobExactlyOnce) {
  std::string skip;
  auto tdb = test::TestDatabase::create(test::EngineParam::kPostgres, skip);
  if (!tdb) GTEST_SKIP() << skip;
  store::Database& db = tdb->db();
  auto sql = [&](const std::string& text) -> int64_t {
    auto n = db.transact_value<int64_t>(TxMode::kRead, [&](Connection& c) -> Result<int64_t> {
      auto row = REDRESS_TRY(c.query_one(text));
      return row ? row->integer(0) : 0;
    });
    EXPECT_TRUE(n) << n.error().message;
    return n.value_or(-1);
  };
  auto made = db.with_connection([](Connection& c) {
    return c.execute_script(
        "CREATE TABLE job_effects (job_id BIGINT NOT NULL, worker TEXT NOT NULL);"
        "CREATE TABLE job_workers (worker TEXT NOT NULL)");
  });
  ASSERT_TRUE(made) << made.error().message;

  pid_t a = spawn_child(tdb->url(), "A");
  pid_t b = spawn_child(tdb->url(), "B");
  ASSERT_GT(a, 0);
  ASSERT_GT(b, 0);
  auto deadline = std::chrono::steady_clock::now() + kTimeout;
  // Both workers are polling before the jobs appear, so that neither can drain the queue
  // alone while the other is still starting.
  while (sql("SELECT COUNT(*) FROM job_workers") < 2 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(20ms);
  }
  ASSERT_EQ(sql("SELECT COUNT(*) FROM job_workers"), 2) << "a worker process did not start";

  SystemClock clock;
  auto enqueued = db.transact(TxMode::kWrite, [&](Connection& c) -> Result<void> {
    JobStore jobs(c);
    for (int i = 0; i < kJobs; ++i) {
      store::NewJob j;
      j.kind = "test.effect";
      j.payload = {{"i", i}};
      j.due_at = clock.now();
      j.idempotency_key = "two-process:" + std::to_string(i);
      REDRESS_CHECK(jobs.enqueue(j, clock.now()));
    }
    return {};
  });
  ASSERT_TRUE(enqueued) << enqueued.error().message;
  auto started = std::chrono::steady_clock::now();
  while (sql("SELECT COUNT(*) FROM jobs WHERE status IN ('pending', 'running')") > 0 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(10ms);
  }
  auto elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  EXPECT_EQ(wait_child(a, deadline), 0);
  EXPECT_EQ(wait_child(b, deadline), 0);

  EXPECT_EQ(sql("SELECT COUNT(*) FROM jobs WHERE status = 'done'"), kJobs);
  EXPECT_EQ(sql("SELECT COUNT(*) FROM job_effects"), kJobs);
  EXPECT_EQ(sql("SELECT COUNT(DISTINCT job_id) FROM job_effects"), kJobs);
  EXPECT_EQ(sql("SELECT COUNT(*) FROM (SELECT job_id FROM job_effects GROUP BY job_id HAVING COUNT(*) > 1) d"), 0);
  EXPECT_EQ(sql("SELECT COUNT(*) FROM jobs j WHERE NOT EXISTS (SELECT 1 FROM job_effects e WHERE e.job_id = j.id)"),
            0);
  int64_t by_a = sql("SELECT COUNT(*) FROM job_effects WHERE worker = 'A'");
  int64_t by_b = sql("SELECT COUNT(*) FROM job_effects WHERE worker = 'B'");
  EXPECT_GT(by_a, 0);
  EXPECT_GT(by_b, 0);
  int64_t retried = sql("SELECT COUNT(*) FROM jobs WHERE attempts > 1");
  std::printf("two-process job queue: %d jobs in %.2f s = %.0f jobs/s; worker A %lld, worker B %lld; "
              "jobs needing more than one attempt: %lld\n",
              kJobs, elapsed, kJobs / elapsed, static_cast<long long>(by_a), static_cast<long long>(by_b),
              static_cast<long long>(retried));
}

}  // namespace
}  // namespace redress::two_process

namespace redress::test {

int job_child_main(int argc, char** argv) {
  if (argc != 5) return 2;
  return two_process::run_child(argv[2], argv[3], std::atoi(argv[4]));
}

}  // namespace redress::test
