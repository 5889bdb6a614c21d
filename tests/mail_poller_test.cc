// IMAP intake against a real Dovecot, on both engines: mail is taken by UID whatever its
// \Seen flag, stored once, marked (or moved) on the server only after the commit; a
// renumbered mailbox (new UIDVALIDITY) is read again without doubling anything; a mail
// that cannot be taken is kept in the failed list and polling goes on.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include "jobs/mailbox_poller.h"
#include "mail/imap.h"
#include "store/mail_store.h"
#include "core/crypto.h"
#include "support/mail_samples.h"
#include "support/mail_servers.h"
#include "support/test_app.h"

namespace redress {
namespace {

using test::EngineParam;

std::string mail_numbered(int n) {
  return fmt::format(
      "From: Customer {0} <customer{0}@example.com>\r\nTo: support@desk.example\r\nSubject: Question {0}\r\n"
      "Message-ID: <q{0}.{1}@example.com>\r\nDate: Wed, 18 Nov 2026 09:00:00 +0000\r\n\r\nWhat about item {0}?\r\n",
      n, ::getpid());
}

class MailPollerTest : public ::testing::TestWithParam<EngineParam> {
 protected:
  void SetUp() override {
    std::string url;
    REDRESS_REQUIRE_IMAP(url);
    imap_ = test::fresh_imap_mailbox(url);
    box_.name = "support";
    box_.url = imap_.url;
    box_.username = imap_.username;
    box_.password = imap_.password;
    box_.after = "move";
    box_.move_to = "Processed";
    Settings s;
    s.mail.from_address = "support@desk.example";
    s.mailboxes.push_back(box_);
    REDRESS_START_TEST_APP(GetParam(), app_, s);
    poller_ = std::make_unique<jobs::MailboxPoller>(app_->context(), s.mailboxes, nullptr);
  }

  jobs::PollStats poll() {
    auto stats = poller_->poll_once(box_);
    EXPECT_TRUE(stats) << stats.error().message;
    return stats ? *stats : jobs::PollStats{};
  }

  size_t count_in(const std::string& folder) {
    mail::ImapSettings s = imap_;
    s.mailbox = folder;
    mail::ImapClient client(s);
    auto uids = client.uids_from(1);
    if (!uids) return 0;  // the folder does not exist yet
    return uids->size();
  }

  mail::ImapSettings imap_;
  MailboxSettings box_;
  std::unique_ptr<test::TestApp> app_;
  std::unique_ptr<jobs::MailboxPoller> poller_;
};

TEST_P(MailPollerTest, MailIsTakenOnceAndMovedAfterCommitWhateverItsReadFlag) {
  for (int i = 1; i <= 3; ++i) ASSERT_TRUE(test::append_message(imap_, mail_numbered(i)));
  // Someone read the first mail in their mail client: it must be taken all the same.
  {
    mail::ImapClient reader(imap_);
    auto uids = reader.uids_from(1);
    ASSERT_TRUE(uids && !uids->empty());
    ASSERT_TRUE(reader.add_flag(uids->front(), "\\Seen"));
  }
  auto stats = poll();
  EXPECT_EQ(stats.fetched, 3);
  EXPECT_EQ(stats.stored, 3);
  EXPECT_EQ(stats.marked, 3);
  EXPECT_EQ(app_->count("tickets"), 3);
  EXPECT_EQ(count_in("INBOX"), 0u);
  EXPECT_EQ(count_in("Processed"), 3u);
  EXPECT_EQ(app_->count("mailbox_pending_marks"), 0);

  ASSERT_TRUE(test::append_message(imap_, mail_numbered(4)));
  stats = poll();
  EXPECT_EQ(stats.fetched, 1);
  EXPECT_EQ(app_->count("tickets"), 4);
  EXPECT_EQ(poll().fetched, 0);
}

TEST_P(MailPollerTest, FlaggingLeavesMailInPlaceAndTheUidPositionDecides) {
  box_.after = "flag";
  box_.flag = "$Redress";
  for (int i = 1; i <= 2; ++i) ASSERT_TRUE(test::append_message(imap_, mail_numbered(i)));
  EXPECT_EQ(poll().stored, 2);
  EXPECT_EQ(count_in("INBOX"), 2u);
  // Still there, and still not taken twice.
  auto again = poll();
  EXPECT_EQ(again.fetched, 0);
  EXPECT_EQ(app_->count("tickets"), 2);
}

TEST_P(MailPollerTest, ANewUidValidityRereadsWithoutDoubling) {
  box_.after = "flag";
  for (int i = 1; i <= 2; ++i) ASSERT_TRUE(test::append_message(imap_, mail_numbered(i)));
  EXPECT_EQ(poll().stored, 2);
  // As if the server had renumbered the mailbox: our position no longer matches.
  auto r = app_->db().transact(store::TxMode::kWrite, [&](store::Connection& c) -> Result<void> {
    REDRESS_CHECK(c.execute("UPDATE mailbox_state SET uid_validity = uid_validity + 1 WHERE mailbox = 'support'"));
    return {};
  });
  ASSERT_TRUE(r);
  auto stats = poll();
  EXPECT_EQ(stats.fetched, 2);
  EXPECT_EQ(stats.duplicates, 2);
  EXPECT_EQ(app_->count("tickets"), 2);
}

TEST_P(MailPollerTest, AMailThatCannotBeTakenIsKeptAndPollingGoesOn) {
  ASSERT_TRUE(test::append_message(imap_, "Subject: no sender at all\r\n\r\nbody\r\n"));
  ASSERT_TRUE(test::append_message(imap_, mail_numbered(7)));
  auto stats = poll();
  EXPECT_EQ(stats.failed, 1);
  EXPECT_EQ(stats.stored, 1);
  EXPECT_EQ(app_->count("failed_mails"), 1);
  EXPECT_EQ(app_->count("tickets"), 1);
  EXPECT_EQ(count_in("INBOX"), 0u);  // kept by us, so off the server's inbox too
}

// Issue 17: a mail is taken up to mail.max_message_bytes whatever the door; over it, it is
// kept in the failed list (its beginning) and polling goes on.
TEST_P(MailPollerTest, LargeMailWithFilesIsTakenAndOneOverTheLimitIsKeptAsTooLarge) {
  const std::string png = "\x89PNG\r\n\x1a\n" + test::noise(20 << 20, 7);
  const std::string pdf = "%PDF-1.4\n" + test::noise(8 << 20, 8);
  const std::string big = test::mail_with_files(fmt::format("big.{}@example.com", ::getpid()), png, pdf);
  ASSERT_GT(big.size(), 38u << 20);
  ASSERT_LT(big.size(), 40u << 20);
  std::string over = test::mail_with_files(fmt::format("over.{}@example.com", ::getpid()), test::noise(31 << 20, 9), "%PDF");
  ASSERT_GT(over.size(), 40u << 20);
  ASSERT_TRUE(test::append_message(imap_, big));
  ASSERT_TRUE(test::append_message(imap_, over));
  auto stats = poll();
  EXPECT_EQ(stats.stored, 1);
  EXPECT_EQ(stats.failed, 1);
  auto admin = app_->add_user("admin@example.com", "admin");
  auto failed = app_->call(admin.token, "GET", "/api/v1/mail/failed").json();
  ASSERT_EQ(failed["items"].size(), 1u) << failed.dump();
  EXPECT_EQ(failed["items"][0]["reason"], "too_large");
  // The stored mail's files, byte for byte.
  auto tickets = app_->call(admin.token, "GET", "/api/v1/tickets").json();
  ASSERT_EQ(tickets["items"].size(), 1u);
  auto thread = app_->call(admin.token, "GET",
                           "/api/v1/tickets/" + std::to_string(tickets["items"][0]["id"].get<int64_t>()) + "/messages");
  const auto files = thread.json()["items"][0]["attachments"];
  ASSERT_EQ(files.size(), 2u) << thread.body.substr(0, 1000);
  auto photo = app_->call(admin.token, "GET", "/api/v1/attachments/" + std::to_string(files[0]["id"].get<int64_t>()));
  EXPECT_EQ(crypto::sha256_hex(photo.body), crypto::sha256_hex(png));
  EXPECT_EQ(count_in("INBOX"), 0u);
}

TEST_P(MailPollerTest, WrongPasswordIsAnErrorAndChangesNothing) {
  box_.password = "wrong";
  ASSERT_TRUE(test::append_message(imap_, mail_numbered(1)));
  auto stats = poller_->poll_once(box_);
  ASSERT_FALSE(stats);
  EXPECT_EQ(stats.error().code, ErrorCode::kUnauthenticated) << stats.error().message;
  EXPECT_EQ(app_->count("tickets"), 0);
  EXPECT_EQ(count_in("INBOX"), 1u);
}

INSTANTIATE_TEST_SUITE_P(Engines, MailPollerTest, ::testing::Values(EngineParam::kSqlite, EngineParam::kPostgres),
                         [](const auto& info) { return test::engine_name(info.param); });

}  // namespace
}  // namespace redress
