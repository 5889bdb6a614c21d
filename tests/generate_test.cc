// `redress generate` (issue 8) on both engines: the tickets it writes are ones the product
// reads like any other (API, search, queue, history), statuses are reachable ones with
// closed_at where they should be, contacts recur, both languages appear, the counters and
// id sequences move past the rows, the same seed gives the same data, and a bad count is
// refused with nothing written.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <sstream>
#include <string>

#include "app/demo.h"
#include "app/generate.h"
#include "support/test_app.h"

namespace redress {
namespace {

using test::EngineParam;
using json = nlohmann::json;

class GenerateTest : public ::testing::TestWithParam<EngineParam> {
 protected:
  void SetUp() override {
    REDRESS_START_TEST_APP(GetParam(), app_);
    admin_ = app_->add_user("admin@example.com", "admin");
  }

  app::GenerateSummary generate(test::TestApp& app, int64_t tickets, uint64_t seed) {
    std::ostringstream progress;
    auto sum = app::generate(app.runtime(), {tickets, seed, 5, false}, progress);
    EXPECT_TRUE(sum.has_value()) << (sum ? "" : sum.error().message);
    EXPECT_NE(progress.str().find("100% (" + std::to_string(tickets) + " tickets"), std::string::npos)
        << progress.str();
    return sum ? *sum : app::GenerateSummary{};
  }

  store::Rows rows(const std::string& sql) {
    store::Rows out;
    EXPECT_TRUE(app_->db().transact(store::TxMode::kRead, [&](store::Connection& c) -> Result<void> {
      out = REDRESS_TRY(c.query(sql));
      return {};
    }));
    return out;
  }
  int64_t scalar(const std::string& sql) { return rows(sql).at(0).integer(0); }

  std::unique_ptr<test::TestApp> app_;
  test::TestUser admin_;
};

TEST_P(GenerateTest, WritesTicketsTheProductReadsLikeItsOwn) {
  ASSERT_TRUE(app::seed_demo(app_->context()));
  const int64_t before = app_->count("tickets");
  const auto sum = generate(*app_, 600, 7);
  EXPECT_EQ(sum.tickets, 600);
  EXPECT_EQ(app_->count("tickets"), before + 600);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM messages WHERE ticket_id > " + std::to_string(before)), sum.messages);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM events WHERE ticket_id > " + std::to_string(before)), sum.events);
  const std::string generated = " WHERE id > " + std::to_string(before);

  // Every status is one of its workflow's, closed exactly when its category is closed.
  std::map<std::string, std::set<std::string>> statuses;
  int closed = 0;
  for (const auto& r : rows("SELECT workflow, status, closed_at, updated_at, created_at FROM tickets" + generated)) {
    const auto* wf = app_->context().workflows.find(r.text(0));
    ASSERT_NE(wf, nullptr) << r.text(0);
    ASSERT_NE(wf->status(r.text(1)), nullptr) << r.text(0) << " " << r.text(1);
    EXPECT_EQ(wf->is_closed(r.text(1)), !r.is_null(2)) << r.text(1);
    EXPECT_GE(r.integer(3), r.integer(4));
    statuses[r.text(0)].insert(r.text(1));
    closed += wf->is_closed(r.text(1)) ? 1 : 0;
  }
  // Like a desk that keeps up: nearly all of it closed, the open part spread over statuses.
  EXPECT_EQ(statuses.size(), 3u);
  size_t pairs = 0;
  for (const auto& [wf, seen] : statuses) pairs += seen.size();
  EXPECT_GE(pairs, 7u);
  EXPECT_GE(statuses["support-request"].size(), 3u);
  EXPECT_GT(closed, 480);
  EXPECT_LT(closed, 590);

  // Contacts recur, both languages, every ticket has its creation in the history and a message.
  EXPECT_LT(scalar("SELECT COUNT(DISTINCT main_contact_id) FROM tickets" + generated), 540);
  EXPECT_GT(scalar("SELECT COUNT(*) FROM tickets" + generated + " AND language = 'fr'"), 150);
  EXPECT_GT(scalar("SELECT COUNT(*) FROM tickets" + generated + " AND language = 'en'"), 150);
  EXPECT_EQ(scalar("SELECT COUNT(DISTINCT ticket_id) FROM events WHERE kind = 'ticket.created' AND ticket_id > " +
                   std::to_string(before)),
            600);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM tickets t" + std::string(" WHERE t.id > ") + std::to_string(before) +
                   " AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.ticket_id = t.id)"),
            0);
  EXPECT_GT(sum.messages, 2 * 600);
  EXPECT_GE(scalar("SELECT COUNT(*) FROM tickets" + generated + " AND taken_by IS NOT NULL"), 5);
  EXPECT_GE(scalar("SELECT COUNT(*) FROM tickets" + generated + " AND customer_waiting_since IS NOT NULL"), 5);

  // The API shows one, with its history; search finds it by its contact and by a French word.
  const auto last = rows("SELECT t.id, t.number, c.email FROM tickets t JOIN contacts c ON c.id = t.main_contact_id"
                         " ORDER BY t.id DESC LIMIT 1").at(0);
  auto got = app_->call(admin_.token, "GET", "/api/v1/tickets/" + last.text(1));
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(got.json()["id"], last.integer(0));
  EXPECT_EQ(got.json()["contacts"][0]["email"], last.text(2));
  auto history = app_->call(admin_.token, "GET", "/api/v1/tickets/" + last.text(1) + "/history");
  ASSERT_EQ(history.status, 200) << history.body;
  EXPECT_EQ(history.json()["items"][0]["kind"], "ticket.created") << history.body;
  auto found = app_->call(admin_.token, "GET", "/api/v1/tickets?q=" + last.text(2));
  ASSERT_EQ(found.status, 200) << found.body;
  bool seen = false;
  const json items = found.json()["items"];
  for (const auto& item : items) seen = seen || item["id"] == last.integer(0);
  EXPECT_TRUE(seen) << found.body;
  auto french = app_->call(admin_.token, "GET", "/api/v1/tickets?q=commande&limit=5");
  ASSERT_EQ(french.status, 200) << french.body;
  EXPECT_EQ(french.json()["items"].size(), 5u);

  // The generated agents have a queue; a ticket made afterwards gets the next number and id.
  auto next = app_->call(admin_.token, "POST", "/api/v1/tickets",
                         R"({"workflow":"support-request","subject":"After the generator","channel":"staff",)"
                         R"("contacts":[{"email":"late@example.com","name":"Late"}]})");
  ASSERT_EQ(next.status, 201) << next.body;
  EXPECT_EQ(next.json()["id"], before + 601);
  EXPECT_EQ(scalar("SELECT COUNT(DISTINCT number) FROM tickets"), app_->count("tickets"));
}

TEST_P(GenerateTest, TheSameSeedGivesTheSameData) {
  std::unique_ptr<test::TestApp> other;
  REDRESS_START_TEST_APP(GetParam(), other);
  generate(*app_, 120, 42);
  generate(*other, 120, 42);
  const std::string sql = "SELECT number, workflow, status, subject, language, closed_at FROM tickets ORDER BY id";
  store::Rows theirs;
  ASSERT_TRUE(other->db().transact(store::TxMode::kRead, [&](store::Connection& c) -> Result<void> {
    theirs = REDRESS_TRY(c.query(sql));
    return {};
  }));
  const auto mine = rows(sql);
  ASSERT_EQ(mine.size(), theirs.size());
  for (size_t i = 0; i < mine.size(); ++i) {
    for (size_t col = 0; col < 6; ++col) EXPECT_EQ(mine[i].text(col), theirs[i].text(col)) << "row " << i;
  }
}

TEST_P(GenerateTest, RefusesABadCountWithNothingWritten) {
  std::ostringstream progress;
  auto sum = app::generate(app_->runtime(), {0, 1, 5, false}, progress);
  ASSERT_FALSE(sum);
  EXPECT_EQ(sum.error().code, ErrorCode::kInvalid);
  EXPECT_TRUE(sum.error().fields.contains("tickets"));
  EXPECT_EQ(app_->count("tickets"), 0);
  EXPECT_EQ(app_->count("contacts"), 0);
  auto agents = app::generate(app_->runtime(), {10, 1, 0, false}, progress);
  ASSERT_FALSE(agents);
  EXPECT_TRUE(agents.error().fields.contains("agents"));
  EXPECT_EQ(app_->count("tickets"), 0);
}

INSTANTIATE_TEST_SUITE_P(Engines, GenerateTest, ::testing::Values(EngineParam::kSqlite, EngineParam::kPostgres),
                         [](const auto& info) { return test::engine_name(info.param); });

}  // namespace
}  // namespace redress
