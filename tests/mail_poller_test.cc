// IMAP intake against a real Dovecot, on both engines: mail is taken by UID whatever its
// \Seen flag, stored once, marked (or moved) on the server only after the commit; a
// renumbered mailbox (new UIDVALIDITY) is read again without doubling anything; a mail
// that cannot be taken is kept in the failed list and polling goes on.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include "jobs/mailbox_poller.h"
#include "mail/imap.h"
#include "store/mail_store.h"
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
