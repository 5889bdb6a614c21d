// End to end with real `redress serve` processes and the development clock: an
// unconfirmed complaint closes itself within two seconds of jumping four days, and a timer
// that falls due while the server is down fires once after it comes back.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "app/runtime.h"
#include "service/account_service.h"
#include "support/paths.h"
#include "support/http_client.h"
#include "support/server_process.h"
#include "support/test_db.h"

namespace redress {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using test::EngineParam;

class DevClockEndToEndTest : public ::testing::TestWithParam<EngineParam> {
 protected:
  void SetUp() override {
    REDRESS_OPEN_TEST_DB(GetParam(), db_);
    log_ = fs::temp_directory_path() / ("redress-e2e-" + std::to_string(::getpid()) + "-" + test::engine_name(GetParam()) + ".log");
    // Accounts are made through the library on the same database, as `redress user` would.
    Settings s;
    s.database.url = db_->url();
    s.auth.password_cost = "min";
    auto rt = app::open_runtime(s, nullptr, false);
    ASSERT_TRUE(rt) << rt.error().message;
    service::AccountService accounts(*(*rt)->context);
    for (auto [email, role] : {std::pair{"admin@example.com", "admin"}, {"member@example.com", "agent"}}) {
      ASSERT_TRUE(accounts.create_user(service::Actor::cli(), {email, email, role, "", std::nullopt, "en"}));
      auto token = accounts.create_token(service::Actor::cli(), email, "e2e");
      ASSERT_TRUE(token);
      tokens_[role] = *token;
    }
    member_id_ = 2;
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove(log_, ec);
  }

  std::unique_ptr<test::ServerProcess> start() {
    return std::make_unique<test::ServerProcess>(test::redress_binary(),
                                                 std::vector<std::string>{"--db", db_->url(), "--dev-clock"}, log_);
  }

  test::TestResponse call(test::HttpClient& c, const std::string& role, const std::string& method,
                          const std::string& path, const json& body = nullptr) {
    std::vector<std::pair<std::string, std::string>> h = {{"Authorization", "Bearer " + tokens_.at(role)}};
    if (!body.is_null()) h.emplace_back("Content-Type", "application/json");
    return c.request(method, path, body.is_null() ? "" : body.dump(), h);
  }

  // Creates a complaint and walks it to confirmation; returns its id.
  int to_confirmation(test::HttpClient& c) {
    auto t = call(c, "admin", "POST", "/api/v1/tickets",
                  {{"workflow", "customer-complaint"}, {"subject", "Broken vase"},
                   {"contacts", json::array({{{"email", "claire@example.fr"}, {"name", "Claire"}}})}});
    EXPECT_EQ(t.status, 201) << t.body;
    int id = t.json()["id"];
    const std::string path = "/api/v1/tickets/" + std::to_string(id) + "/transitions";
    EXPECT_EQ(call(c, "admin", "POST", path, {{"transition", "assign"}, {"fields", {{"assignees", {{"team_member", "member@example.com"}}}}}}).status, 200);
    EXPECT_EQ(call(c, "agent", "POST", path, {{"transition", "accept"}}).status, 200);
    EXPECT_EQ(call(c, "agent", "POST", path, {{"transition", "resolve"}, {"note", "Replaced"}}).status, 200);
    return id;
  }

  // Polls the ticket's status for up to `within`.
  std::string status_within(test::HttpClient& c, int id, std::chrono::milliseconds within, const std::string& want) {
    const auto deadline = std::chrono::steady_clock::now() + within;
    std::string status;
    do {
      auto r = call(c, "admin", "GET", "/api/v1/tickets/" + std::to_string(id));
      status = r.json()["status"]["id"];
      if (status == want) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    } while (std::chrono::steady_clock::now() < deadline);
    return status;
  }

  int auto_closes(test::HttpClient& c, int id) {
    auto h = call(c, "admin", "GET", "/api/v1/tickets/" + std::to_string(id) + "/history");
    const json body = h.json();
    int n = 0;
    for (const auto& e : body["items"]) n += e["kind"] == "transition" && e["data"]["transition"] == "auto_close";
    return n;
  }

  std::unique_ptr<test::TestDatabase> db_;
  fs::path log_;
  std::map<std::string, std::string> tokens_;
  int64_t member_id_ = 0;
};

TEST_P(DevClockEndToEndTest, JumpingFourDaysClosesAnUnconfirmedComplaintWithinTwoSeconds) {
  auto server = start();
  test::HttpClient c("127.0.0.1", server->port());
  int id = to_confirmation(c);
  EXPECT_EQ(call(c, "agent", "POST", "/api/v1/dev/clock", {{"advance_seconds", 3600}}).status, 403);
  auto moved = call(c, "admin", "POST", "/api/v1/dev/clock", {{"advance_seconds", 4 * 86400 + 60}});
  ASSERT_EQ(moved.status, 200) << moved.body;
  EXPECT_EQ(status_within(c, id, std::chrono::seconds(2), "closed"), "closed");
  EXPECT_EQ(auto_closes(c, id), 1);
  EXPECT_EQ(server->stop(), 0);
}

TEST_P(DevClockEndToEndTest, TimerDueWhileTheServerIsDownFiresOnceAfterRestart) {
  int id = 0;
  {
    auto server = start();
    test::HttpClient c("127.0.0.1", server->port());
    id = to_confirmation(c);
    ASSERT_EQ(server->stop(), 0);
  }
  // Four days pass while nothing runs: the saved clock offset moves, as the API would.
  ASSERT_TRUE(db_->db().transact(store::TxMode::kWrite, [](store::Connection& conn) -> Result<void> {
    REDRESS_CHECK(conn.execute(
        "INSERT INTO dev_clock (id, offset_us) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET offset_us = excluded.offset_us",
        {int64_t{(4LL * 86400 + 60) * 1'000'000}}));
    return {};
  }));
  auto server = start();
  test::HttpClient c("127.0.0.1", server->port());
  EXPECT_EQ(status_within(c, id, std::chrono::seconds(2), "closed"), "closed");
  // And once only, even after another restart.
  ASSERT_EQ(server->stop(), 0);
  auto again = start();
  test::HttpClient c2("127.0.0.1", again->port());
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // give a wrongly re-armed timer its chance
  EXPECT_EQ(auto_closes(c2, id), 1);
}

INSTANTIATE_TEST_SUITE_P(Engines, DevClockEndToEndTest, ::testing::Values(EngineParam::kSqlite, EngineParam::kPostgres),
                         [](const auto& info) { return test::engine_name(info.param); });

}  // namespace
}  // namespace redress
