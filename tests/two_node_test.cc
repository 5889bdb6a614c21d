// Two real `redress serve` processes on one PostgreSQL database: 2,000 postponed support
// requests fall due at once, and every reopen timer fires exactly once across the nodes.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <thread>

#include "app/runtime.h"
#include "service/account_service.h"
#include "service/ticket_service.h"
#include "service/transition_service.h"
#include "support/paths.h"
#include "support/server_process.h"
#include "support/test_db.h"

namespace redress {
namespace {

namespace fs = std::filesystem;
constexpr int kTickets = 2000;

int64_t scalar(store::Database& db, const std::string& sql) {
  auto v = db.transact_value<int64_t>(store::TxMode::kRead, [&](store::Connection& c) -> Result<int64_t> {
    auto row = REDRESS_TRY(c.query_one(sql));
    return row ? row->integer(0) : 0;
  });
  return v ? *v : -1;
}

TEST(TwoNodeTest, EveryTimerFiresExactlyOnceAcrossTwoServers) {
  std::unique_ptr<test::TestDatabase> db;
  REDRESS_OPEN_TEST_DB(test::EngineParam::kPostgres, db);

  Settings s;
  s.database.url = db->url();
  s.auth.password_cost = "min";
  auto rt = app::open_runtime(s, nullptr, false);
  ASSERT_TRUE(rt) << rt.error().message;
  auto& ctx = *(*rt)->context;
  auto agent = service::AccountService(ctx).create_user(service::Actor::cli(),
                                                        {"agent@example.com", "Agent", "agent", "", std::nullopt, "en"});
  ASSERT_TRUE(agent) << agent.error().message;
  const auto actor = service::Actor::of(*agent);
  const auto reopen_at = format_rfc3339(ctx.clock.now() + std::chrono::hours(1));
  for (int i = 0; i < kTickets; ++i) {
    service::NewTicket t;
    t.workflow = "support-request";
    t.subject = "Call me back " + std::to_string(i);
    auto made = service::TicketService(ctx).create(actor, t);
    ASSERT_TRUE(made) << made.error().message;
    const auto key = std::to_string(made->ticket.id);
    ASSERT_TRUE(service::TransitionService(ctx).run(actor, key, {"open", "", nlohmann::json::object(), {}}));
    auto postponed = service::TransitionService(ctx).run(actor, key, {"postpone", "", {{"reopen_at", reopen_at}}, {}});
    ASSERT_TRUE(postponed) << postponed.error().message;
  }
  ASSERT_EQ(scalar(db->db(), "SELECT COUNT(*) FROM jobs WHERE status = 'pending'"), kTickets);
  // Two hours pass before the nodes start: every timer is due at once.
  ASSERT_TRUE(db->db().transact(store::TxMode::kWrite, [](store::Connection& c) -> Result<void> {
    REDRESS_CHECK(c.execute("INSERT INTO dev_clock (id, offset_us) VALUES (1, ?)", {int64_t{7200LL * 1'000'000}}));
    return {};
  }));

  const auto log = fs::temp_directory_path() / ("redress-two-node-" + std::to_string(::getpid()) + ".log");
  const auto started = std::chrono::steady_clock::now();
  {
    test::ServerProcess a(test::redress_binary(), {"--db", db->url(), "--dev-clock"}, log);
    test::ServerProcess b(test::redress_binary(), {"--db", db->url(), "--dev-clock"}, log);
    const auto deadline = started + std::chrono::seconds(180);
    while (scalar(db->db(), "SELECT COUNT(*) FROM jobs WHERE status IN ('pending', 'running')") > 0 &&
           std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    EXPECT_EQ(a.stop(), 0);
    EXPECT_EQ(b.stop(), 0);
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  EXPECT_EQ(scalar(db->db(), "SELECT COUNT(*) FROM jobs WHERE status = 'done'"), kTickets);
  EXPECT_EQ(scalar(db->db(), "SELECT COUNT(*) FROM tickets WHERE status = 'open'"), kTickets);
  // Exactly one reopen per ticket: no ticket reopened twice, none missed.
  EXPECT_EQ(scalar(db->db(),
                   "SELECT COUNT(*) FROM events WHERE kind = 'transition' AND actor_label = 'system' AND to_value = 'open'"),
            kTickets);
  EXPECT_EQ(scalar(db->db(),
                   "SELECT COUNT(*) FROM (SELECT ticket_id FROM events WHERE kind = 'transition' AND "
                   "actor_label = 'system' GROUP BY ticket_id HAVING COUNT(*) > 1) AS twice"),
            0);
  // Worker ids are "host:pid/thread": the part before the slash names the node.
  const auto workers =
      scalar(db->db(), "SELECT COUNT(DISTINCT split_part(locked_by, '/', 1)) FROM jobs WHERE status = 'done'");
  EXPECT_EQ(workers, 2) << "both nodes should have fired timers";
  std::cout << "two nodes fired " << kTickets << " timers in " << seconds << " s (including start-up); split: ";
  auto split = db->db().transact_value<std::string>(store::TxMode::kRead, [](store::Connection& c) -> Result<std::string> {
    std::string out;
    for (const auto& r : REDRESS_TRY(c.query("SELECT split_part(locked_by, '/', 1), COUNT(*) FROM jobs GROUP BY 1 ORDER BY 1")))
      out += r.text(0) + "=" + r.text(1) + " ";
    return out;
  });
  std::cout << split.value_or("?") << std::endl;
  std::error_code ec;
  fs::remove(log, ec);
}

}  // namespace
}  // namespace redress
