// The promise of the intake, tested the hard way: 2,000 mails wait in a real Dovecot;
// `redress serve` is killed with SIGKILL at random moments while it polls, then started
// again until it is done. Every mail must end up stored exactly once, on one ticket each,
// and marked on the server.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <fstream>
#include <random>
#include <set>
#include <thread>

#include "mail/imap.h"
#include "support/paths.h"
#include "support/mail_servers.h"
#include "support/server_process.h"
#include "support/test_db.h"

namespace redress {
namespace {

using test::EngineParam;
namespace fs = std::filesystem;

constexpr int kMails = 2000;
constexpr int kKills = 6;

class MailCrashTest : public ::testing::TestWithParam<EngineParam> {
 protected:
  void SetUp() override {
    std::string url;
    REDRESS_REQUIRE_IMAP(url);
    REDRESS_OPEN_TEST_DB(GetParam(), db_);
    imap_ = test::fresh_imap_mailbox(url);
    std::string pattern = (fs::temp_directory_path() / "redress-crash-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    std::error_code ec;
    if (!dir_.empty()) fs::remove_all(dir_, ec);
  }

  int64_t scalar(const std::string& sql) {
    int64_t n = -1;
    auto r = db_->db().transact(store::TxMode::kRead, [&](store::Connection& c) -> Result<void> {
      auto row = REDRESS_TRY(c.query_one(sql));
      n = row ? row->integer(0) : -1;
      return {};
    });
    EXPECT_TRUE(r) << r.error().message;
    return n;
  }

  std::unique_ptr<test::TestDatabase> db_;
  mail::ImapSettings imap_;
  fs::path dir_;
};

TEST_P(MailCrashTest, KilledAtRandomWhilePollingEveryMailEndsUpOnExactlyOneTicketOnce) {
  std::set<std::string> expected_ids;
  {
    mail::ImapClient client(imap_);
    for (int i = 0; i < kMails; ++i) {
      const std::string id = fmt::format("crash-{}-{}@example.com", i, ::getpid());
      expected_ids.insert(id);
      const std::string raw = fmt::format(
          "From: Customer {0} <c{0}@example.com>\r\nTo: support@desk.example\r\nSubject: Parcel {0} missing\r\n"
          "Message-ID: <{1}>\r\nDate: Wed, 18 Nov 2026 09:00:00 +0000\r\n\r\nWhere is parcel {0}?\r\n",
          i, id);
      auto appended = client.append(raw);
      ASSERT_TRUE(appended) << appended.error().message;
    }
  }
  const fs::path config = dir_ / "redress.toml";
  std::ofstream(config) << fmt::format(
      "[mail]\nfrom_address = \"support@desk.example\"\n\n"
      "[[mailboxes]]\nname = \"support\"\nurl = \"{}\"\nusername = \"{}\"\npassword = \"{}\"\npoll_seconds = 1\n",
      imap_.url, imap_.username, imap_.password);
  const fs::path log = dir_ / "serve.log";
  const std::vector<std::string> args = {"--config", config.string(), "--db", db_->url()};

  std::random_device seed_source;
  const unsigned seed = seed_source();
  std::mt19937 random(seed);
  std::uniform_int_distribution<int> pause_ms(150, 1500);
  SCOPED_TRACE("random seed " + std::to_string(seed));
  const std::string count_in = "SELECT COUNT(*) FROM mail_messages WHERE direction = 'in'";
  int kills = 0;
  for (; kills < kKills; ++kills) {
    test::ServerProcess server(test::redress_binary(), args, log);
    std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms(random)));
    server.kill_hard();
    const int64_t stored = scalar(count_in);
    std::cout << "kill " << kills + 1 << ": " << stored << " mails stored so far\n";
    if (stored >= kMails) break;  // all in before the kills ran out: the rest proves nothing new
  }
  EXPECT_GE(kills, 2) << "the server finished too fast for the kills to land while it worked";

  {
    test::ServerProcess server(test::redress_binary(), args, log);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(5);
    while (scalar(count_in) < kMails && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    // Its last marks on the server follow each commit closely.
    while (scalar("SELECT COUNT(*) FROM mailbox_pending_marks") > 0 && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    EXPECT_EQ(server.stop(), std::optional<int>(0));
  }

  EXPECT_EQ(scalar(count_in), kMails);
  EXPECT_EQ(scalar("SELECT COUNT(DISTINCT message_id) FROM mail_messages WHERE direction = 'in'"), kMails);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM tickets"), kMails);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM messages WHERE kind = 'mail_in'"), kMails);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM (SELECT ticket_id FROM messages WHERE kind = 'mail_in' GROUP BY ticket_id "
                   "HAVING COUNT(*) <> 1) AS doubled"),
            0);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM failed_mails"), 0);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM mailbox_pending_marks"), 0);
  // One acknowledgement per ticket, even for mails whose first attempt died with the process.
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM mail_messages WHERE direction = 'out' AND purpose = 'acknowledgement'"), kMails);

  std::set<std::string> stored_ids;
  auto r = db_->db().transact(store::TxMode::kRead, [&](store::Connection& c) -> Result<void> {
    auto rows = REDRESS_TRY(c.query("SELECT message_id FROM mail_messages WHERE direction = 'in'"));
    for (const auto& row : rows) stored_ids.insert(row.text(0));
    return {};
  });
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_TRUE(stored_ids == expected_ids) << "stored " << stored_ids.size() << " distinct ids";

  // And on the server every one of them is marked as taken.
  mail::ImapClient client(imap_);
  auto uids = client.uids_from(1);
  ASSERT_TRUE(uids) << uids.error().message;
  ASSERT_EQ(uids->size(), static_cast<size_t>(kMails));
  int unmarked = 0;
  for (uint32_t uid : *uids) {
    auto flags = client.flags(uid);
    ASSERT_TRUE(flags) << flags.error().message;
    if (std::find(flags->begin(), flags->end(), "\\Seen") == flags->end()) ++unmarked;
  }
  EXPECT_EQ(unmarked, 0);
}

INSTANTIATE_TEST_SUITE_P(Engines, MailCrashTest, ::testing::Values(EngineParam::kSqlite, EngineParam::kPostgres),
                         [](const auto& info) { return test::engine_name(info.param); });

}  // namespace
}  // namespace redress
