// SMTP and IMAP against real servers: the capture server and Dovecot that scripts/test.sh
// starts (see tests/support/mail_servers.h). Skips without them.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "mail/compose.h"
#include "mail/imap.h"
#include "mail/smtp.h"
#include "support/mail_servers.h"

namespace redress::test {
namespace {

using mail::ImapClient;
using mail::ImapSettings;
using mail::SmtpSender;
using mail::SmtpSettings;

bool has_flag(const std::vector<std::string>& flags, std::string_view flag) {
  return std::any_of(flags.begin(), flags.end(), [&](const std::string& f) {
    return f.size() == flag.size() && std::equal(f.begin(), f.end(), flag.begin(), [](char a, char b) {
             return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
           });
  });
}

bool all_lines_crlf(const std::string& raw) {
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '\n' && (i == 0 || raw[i - 1] != '\r')) return false;
  }
  return raw.ends_with("\r\n");
}

std::string simple_mail(const std::string& subject, const std::string& body) {
  return fmt::format(
      "From: Customer <customer@example.org>\r\nTo: support@example.com\r\nSubject: {}\r\n"
      "Message-ID: <{}@example.org>\r\nDate: Tue, 14 Nov 2023 22:13:20 +0000\r\n\r\n{}",
      subject, subject, body);
}

// ---------------------------------------------------------------------------------------
// SMTP

class SmtpTransport : public ::testing::Test {
 protected:
  void SetUp() override {
    REDRESS_REQUIRE_SMTP(url_, dir_);
    sender_ = unique_sender();
  }
  SmtpSettings settings() const {
    SmtpSettings s;
    s.url = url_;
    s.timeout_seconds = 10;
    return s;
  }
  std::string url_;
  std::filesystem::path dir_;
  std::string sender_;
};

mail::OutgoingMail sample_mail(const std::string& from) {
  mail::OutgoingMail m;
  m.from = {"Équipe Support", from};
  m.to = {{"Zoë Müller", "zoe@example.org"}};
  m.cc = {{"", "bob@example.net"}};
  m.subject = "Votre demande [#2024-0042] est résolue ✓";
  // A line that starts with a dot: SMTP's DATA must escape it and the server unescape it.
  m.text = "Bonjour Zoë,\n.\n.hidden line\nvotre café est prêt.\n";
  m.html = "<p>Bonjour Zoë,</p><p>votre café est prêt.</p>";
  m.message_id = "r.42.xyz@example.com";
  m.in_reply_to = "orig@example.org";
  m.references = {"orig@example.org"};
  m.language = "fr";
  m.auto_submitted = "auto-replied";
  m.date = TimePoint(std::chrono::seconds(1700000000));
  return m;
}

TEST_F(SmtpTransport, ComposedMailArrivesByteForByte) {
  const std::string raw = mail::compose_mail(sample_mail(sender_));
  SmtpSender smtp(settings());
  auto sent = smtp.send(sender_, {"zoe@example.org", "bob@example.net"}, raw);
  ASSERT_TRUE(sent) << sent.error().message;

  auto got = captured_from(dir_, sender_);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].mail_from, sender_);
  EXPECT_EQ(got[0].rcpt_tos, (std::vector<std::string>{"zoe@example.org", "bob@example.net"}));
  EXPECT_EQ(got[0].raw, raw);
  EXPECT_TRUE(all_lines_crlf(got[0].raw));
  EXPECT_NE(got[0].raw.find("\r\nMessage-Id: <r.42.xyz@example.com>\r\n"), std::string::npos);
  EXPECT_NE(got[0].raw.find("\r\nAuto-Submitted: auto-replied\r\n"), std::string::npos);
  EXPECT_NE(got[0].raw.find("Content-Type: multipart/alternative"), std::string::npos);
  EXPECT_NE(got[0].raw.find("\r\n.hidden line\r\n"), std::string::npos);
}

TEST_F(SmtpTransport, OneSenderSendsSeveralMailsOverOneConnection) {
  SmtpSender smtp(settings());
  for (int i = 0; i < 3; ++i) {
    auto sent = smtp.send(sender_, {"zoe@example.org"}, simple_mail(fmt::format("m{}", i), "body\r\n"));
    ASSERT_TRUE(sent) << i << ": " << sent.error().message;
  }
  auto got = captured_from(dir_, sender_);
  ASSERT_EQ(got.size(), 3u);
  for (int i = 0; i < 3; ++i) EXPECT_NE(got[i].raw.find(fmt::format("Subject: m{}\r\n", i)), std::string::npos);
  // The sender keeps its connection: a batch of mail is one SMTP session.
  EXPECT_EQ(got[1].peer_port, got[0].peer_port);
  EXPECT_EQ(got[2].peer_port, got[0].peer_port);
}

TEST_F(SmtpTransport, SendersOnSeveralThreads) {
  // One sender per thread, as the outbound workers use them; curl is set up once for all.
  std::vector<std::string> senders;
  for (int t = 0; t < 4; ++t) senders.push_back(unique_sender());
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      SmtpSender smtp(settings());
      for (int i = 0; i < 3; ++i) {
        if (!smtp.send(senders[t], {"zoe@example.org"}, simple_mail(fmt::format("t{}m{}", t, i), "x\r\n"))) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  for (const auto& sender : senders) EXPECT_EQ(captured_from(dir_, sender).size(), 3u) << sender;
}

TEST_F(SmtpTransport, EmptyEnvelopeSenderIsTheNullSender) {
  // Bounces and auto-replies go out as MAIL FROM:<>; a unique recipient tells ours apart.
  const std::string rcpt = "null-" + sender_;
  SmtpSender smtp(settings());
  auto sent = smtp.send("", {rcpt}, simple_mail("bounce", "Delivery failed.\r\n"));
  ASSERT_TRUE(sent) << sent.error().message;
  std::vector<CapturedMessage> mine;
  for (auto& m : captured_from(dir_, "")) {
    if (m.rcpt_tos == std::vector<std::string>{rcpt}) mine.push_back(m);
  }
  ASSERT_EQ(mine.size(), 1u);
  EXPECT_EQ(mine[0].mail_from, "");
}

TEST_F(SmtpTransport, TemporaryFailureIsUnavailable) {
  set_smtp_mode(dir_, sender_, "tempfail");
  SmtpSender smtp(settings());
  auto sent = smtp.send(sender_, {"zoe@example.org"}, simple_mail("t", "x\r\n"));
  ASSERT_FALSE(sent);
  EXPECT_EQ(sent.error().code, ErrorCode::kUnavailable) << sent.error().message;
  EXPECT_NE(sent.error().message.find("451"), std::string::npos) << sent.error().message;
  EXPECT_NE(sent.error().message.find("tempfail mode"), std::string::npos) << sent.error().message;
  EXPECT_TRUE(captured_from(dir_, sender_).empty());

  // The same sender works again once the server does.
  set_smtp_mode(dir_, sender_, "accept");
  auto again = smtp.send(sender_, {"zoe@example.org"}, simple_mail("t", "x\r\n"));
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(captured_from(dir_, sender_).size(), 1u);
}

TEST_F(SmtpTransport, RefusedRecipientIsInvalid) {
  set_smtp_mode(dir_, sender_, "reject");
  SmtpSender smtp(settings());
  auto sent = smtp.send(sender_, {"zoe@example.org"}, simple_mail("r", "x\r\n"));
  ASSERT_FALSE(sent);
  EXPECT_EQ(sent.error().code, ErrorCode::kInvalid) << sent.error().message;
  EXPECT_NE(sent.error().message.find("550"), std::string::npos) << sent.error().message;
  EXPECT_NE(sent.error().message.find("recipient rejected"), std::string::npos) << sent.error().message;
  EXPECT_TRUE(captured_from(dir_, sender_).empty());
}

TEST_F(SmtpTransport, AnswersAfterTheDataCountToo) {
  SmtpSender smtp(settings());
  set_smtp_mode(dir_, sender_, "tempfail-data");
  auto deferred = smtp.send(sender_, {"zoe@example.org"}, simple_mail("d", "x\r\n"));
  ASSERT_FALSE(deferred);
  EXPECT_EQ(deferred.error().code, ErrorCode::kUnavailable) << deferred.error().message;
  EXPECT_NE(deferred.error().message.find("451"), std::string::npos) << deferred.error().message;

  set_smtp_mode(dir_, sender_, "reject-data");
  auto refused = smtp.send(sender_, {"zoe@example.org"}, simple_mail("d", "x\r\n"));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kInvalid) << refused.error().message;
  EXPECT_NE(refused.error().message.find("554"), std::string::npos) << refused.error().message;
  EXPECT_TRUE(captured_from(dir_, sender_).empty());
}

TEST_F(SmtpTransport, ClosedPortIsUnavailable) {
  SmtpSettings s = settings();
  s.url = fmt::format("smtp://127.0.0.1:{}", closed_port());
  SmtpSender smtp(s);
  auto sent = smtp.send(sender_, {"zoe@example.org"}, simple_mail("c", "x\r\n"));
  ASSERT_FALSE(sent);
  EXPECT_EQ(sent.error().code, ErrorCode::kUnavailable) << sent.error().message;
}

TEST_F(SmtpTransport, RequiredStarttlsThatIsNotOfferedIsUnavailable) {
  SmtpSettings s = settings();
  s.starttls = "require";
  SmtpSender smtp(s);
  auto sent = smtp.send(sender_, {"zoe@example.org"}, simple_mail("tls", "x\r\n"));
  ASSERT_FALSE(sent);
  EXPECT_EQ(sent.error().code, ErrorCode::kUnavailable) << sent.error().message;
  EXPECT_TRUE(captured_from(dir_, sender_).empty());
}

TEST_F(SmtpTransport, AddressesThatWouldBreakTheCommandAreInvalid) {
  SmtpSender smtp(settings());
  auto bad_rcpt = smtp.send(sender_, {"zoe@example.org\r\nRSET"}, simple_mail("x", "x\r\n"));
  ASSERT_FALSE(bad_rcpt);
  EXPECT_EQ(bad_rcpt.error().code, ErrorCode::kInvalid);
  auto bad_from = smtp.send("a b@example.org", {"zoe@example.org"}, simple_mail("x", "x\r\n"));
  ASSERT_FALSE(bad_from);
  EXPECT_EQ(bad_from.error().code, ErrorCode::kInvalid);
  auto nobody = smtp.send(sender_, {}, simple_mail("x", "x\r\n"));
  ASSERT_FALSE(nobody);
  EXPECT_EQ(nobody.error().code, ErrorCode::kInvalid);
}

// ---------------------------------------------------------------------------------------
// IMAP

class ImapTransport : public ::testing::Test {
 protected:
  void SetUp() override {
    REDRESS_REQUIRE_IMAP(url_);
    inbox_ = fresh_imap_mailbox(url_);
  }
  ImapSettings folder(const std::string& name) const {
    ImapSettings s = inbox_;
    s.mailbox = name;
    return s;
  }
  // Appends three mails and returns their UIDs.
  std::vector<uint32_t> append_three(ImapClient& client) {
    for (int i = 1; i <= 3; ++i) {
      auto appended = client.append(raws_[i - 1]);
      EXPECT_TRUE(appended) << appended.error().message;
    }
    auto uids = client.uids_from(1);
    EXPECT_TRUE(uids) << uids.error().message;
    return uids ? *uids : std::vector<uint32_t>{};
  }
  std::string url_;
  ImapSettings inbox_;
  std::vector<std::string> raws_ = {
      simple_mail("first", "One.\r\n"),
      // Bytes that a careless reader would change: a dot line, 8-bit text, a long line.
      // (Not a bare LF: Dovecot stores and serves CRLF, as IMAP defines messages.)
      simple_mail("second", "Two,\r\n.\r\n..\r\nCaf\xc3\xa9 \xe2\x98\x95\r\n" + std::string(990, 'y') + "\r\n"),
      simple_mail("third", "Three.\r\n"),
  };
};

TEST_F(ImapTransport, ExamineGivesUidValidity) {
  ImapClient client(inbox_);
  auto state = client.examine();
  ASSERT_TRUE(state) << state.error().message;
  EXPECT_NE(state->uid_validity, 0u);
  EXPECT_EQ(state->exists, 0u);
  EXPECT_EQ(state->uid_next, 1u);

  ASSERT_TRUE(client.append(raws_[0]));
  auto after = client.examine();
  ASSERT_TRUE(after) << after.error().message;
  EXPECT_EQ(after->uid_validity, state->uid_validity);
  EXPECT_EQ(after->exists, 1u);
  EXPECT_EQ(after->uid_next, 2u);
}

TEST_F(ImapTransport, UidsFromListsNewMailOnly) {
  ImapClient client(inbox_);
  const auto uids = append_three(client);
  ASSERT_EQ(uids.size(), 3u);
  EXPECT_TRUE(std::is_sorted(uids.begin(), uids.end()));
  EXPECT_LT(uids[0], uids[1]);
  EXPECT_LT(uids[1], uids[2]);

  auto later = client.uids_from(uids[1]);
  ASSERT_TRUE(later) << later.error().message;
  EXPECT_EQ(*later, (std::vector<uint32_t>{uids[1], uids[2]}));
  // "UID SEARCH UID n:*" with n past the last UID still answers the last UID: not new mail.
  auto none = client.uids_from(uids[2] + 1);
  ASSERT_TRUE(none) << none.error().message;
  EXPECT_TRUE(none->empty()) << none->size();
  auto far = client.uids_from(uids[2] + 1000);
  ASSERT_TRUE(far) << far.error().message;
  EXPECT_TRUE(far->empty());
}

TEST_F(ImapTransport, FetchReturnsTheExactBytesAndLeavesMailUnread) {
  ImapClient client(inbox_);
  const auto uids = append_three(client);
  ASSERT_EQ(uids.size(), 3u);
  auto state = client.examine();
  ASSERT_TRUE(state) << state.error().message;

  auto before = client.flags(uids[1]);
  ASSERT_TRUE(before) << before.error().message;
  EXPECT_FALSE(has_flag(*before, "\\Seen")) << "APPEND must not mark mail read";

  for (size_t i = 0; i < uids.size(); ++i) {
    auto raw = client.fetch(state->uid_validity, uids[i]);
    ASSERT_TRUE(raw) << raw.error().message;
    EXPECT_EQ(*raw, raws_[i]);
  }

  // Asked on a new connection too, so that no cached state of ours can answer.
  ImapClient other(inbox_);
  for (uint32_t uid : uids) {
    auto flags = other.flags(uid);
    ASSERT_TRUE(flags) << flags.error().message;
    EXPECT_FALSE(has_flag(*flags, "\\Seen")) << "fetch marked UID " << uid << " read";
  }
}

TEST_F(ImapTransport, FetchWithAnotherUidValidityIsAConflict) {
  ImapClient client(inbox_);
  const auto uids = append_three(client);
  ASSERT_EQ(uids.size(), 3u);
  auto state = client.examine();
  ASSERT_TRUE(state);
  auto raw = client.fetch(state->uid_validity + 1, uids[0]);
  ASSERT_FALSE(raw);
  EXPECT_EQ(raw.error().code, ErrorCode::kConflict) << raw.error().message;
  EXPECT_EQ(raw.error().reason, "uidvalidity_changed");
}

TEST_F(ImapTransport, FetchOfAMissingUidIsNotFound) {
  ImapClient client(inbox_);
  const auto uids = append_three(client);
  ASSERT_EQ(uids.size(), 3u);
  auto state = client.examine();
  ASSERT_TRUE(state);
  auto raw = client.fetch(state->uid_validity, uids[2] + 5);
  ASSERT_FALSE(raw);
  EXPECT_EQ(raw.error().code, ErrorCode::kNotFound) << raw.error().message;
}

TEST_F(ImapTransport, AddFlagSetsSystemFlagsAndKeywords) {
  ImapClient client(inbox_);
  const auto uids = append_three(client);
  ASSERT_EQ(uids.size(), 3u);
  ASSERT_TRUE(client.add_flag(uids[0], "\\Seen"));
  ASSERT_TRUE(client.add_flag(uids[1], "$Redress"));
  // Again: adding a flag that is there is fine.
  ASSERT_TRUE(client.add_flag(uids[1], "$Redress"));

  ImapClient other(inbox_);
  auto first = other.flags(uids[0]);
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_TRUE(has_flag(*first, "\\Seen"));
  auto second = other.flags(uids[1]);
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_TRUE(has_flag(*second, "$Redress"));
  EXPECT_FALSE(has_flag(*second, "\\Seen"));

  auto bad = client.add_flag(uids[0], "two words");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalid);
}

TEST_F(ImapTransport, MoveTakesMailToAnotherFolder) {
  ImapClient client(inbox_);
  const auto uids = append_three(client);
  ASSERT_EQ(uids.size(), 3u);
  auto state = client.examine();
  ASSERT_TRUE(state);

  // A space and non-ASCII: quoted, and in modified UTF-7 on the wire.
  const std::string target = "Traité par Redress";
  ASSERT_TRUE(client.create_folder(target));
  ASSERT_TRUE(client.create_folder(target)) << "creating an existing folder is fine";
  auto moved = client.move(uids[1], target);
  ASSERT_TRUE(moved) << moved.error().message;

  auto left = client.uids_from(1);
  ASSERT_TRUE(left) << left.error().message;
  EXPECT_EQ(*left, (std::vector<uint32_t>{uids[0], uids[2]}));
  auto gone = client.fetch(state->uid_validity, uids[1]);
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error().code, ErrorCode::kNotFound) << gone.error().message;

  ImapClient processed(folder(target));
  auto there = processed.examine();
  ASSERT_TRUE(there) << there.error().message;
  EXPECT_EQ(there->exists, 1u);
  auto there_uids = processed.uids_from(1);
  ASSERT_TRUE(there_uids) << there_uids.error().message;
  ASSERT_EQ(there_uids->size(), 1u);
  auto raw = processed.fetch(there->uid_validity, there_uids->front());
  ASSERT_TRUE(raw) << raw.error().message;
  EXPECT_EQ(*raw, raws_[1]);

  // Moving a UID that is gone already is a no-op, so a retried move is harmless.
  EXPECT_TRUE(client.move(uids[1], target));
}

TEST_F(ImapTransport, WithoutMoveMailIsCopiedAndMarkedDeleted) {
  // Users @nomove get a server that advertises IMAP4rev1 only: no MOVE, no UIDPLUS.
  ImapSettings old_server = inbox_;
  old_server.username += "@nomove";
  ImapClient client(old_server);
  const auto uids = append_three(client);
  ASSERT_EQ(uids.size(), 3u);
  ASSERT_TRUE(client.create_folder("Done"));
  auto moved = client.move(uids[0], "Done");
  ASSERT_TRUE(moved) << moved.error().message;

  ImapSettings done = old_server;
  done.mailbox = "Done";
  ImapClient done_client(done);
  auto there = done_client.examine();
  ASSERT_TRUE(there) << there.error().message;
  EXPECT_EQ(there->exists, 1u);
  // Without UID EXPUNGE only a plain EXPUNGE could remove it, taking along whatever else
  // is marked \Deleted: the original stays, marked, for the owner's client to expunge.
  auto flags = client.flags(uids[0]);
  ASSERT_TRUE(flags) << flags.error().message;
  EXPECT_TRUE(has_flag(*flags, "\\Deleted"));
}

TEST_F(ImapTransport, MoveToAMissingFolderIsNotFound) {
  ImapClient client(inbox_);
  const auto uids = append_three(client);
  ASSERT_EQ(uids.size(), 3u);
  auto moved = client.move(uids[0], "No Such Folder");
  ASSERT_FALSE(moved);
  EXPECT_EQ(moved.error().code, ErrorCode::kNotFound) << moved.error().message;
  EXPECT_EQ(moved.error().reason, "folder_missing");
  auto still = client.uids_from(1);
  ASSERT_TRUE(still);
  EXPECT_EQ(still->size(), 3u);
}

TEST_F(ImapTransport, MissingMailboxIsNotFound) {
  ImapClient client(folder("Nowhere"));
  auto state = client.examine();
  ASSERT_FALSE(state);
  EXPECT_EQ(state.error().code, ErrorCode::kNotFound) << state.error().message;
}

TEST_F(ImapTransport, WrongPasswordIsUnauthenticated) {
  ImapSettings s = inbox_;
  s.password = "not-the-password";
  ImapClient client(s);
  auto state = client.examine();
  ASSERT_FALSE(state);
  EXPECT_EQ(state.error().code, ErrorCode::kUnauthenticated) << state.error().message;
}

TEST_F(ImapTransport, ClosedPortIsUnavailable) {
  ImapSettings s = inbox_;
  s.url = fmt::format("imap://127.0.0.1:{}", closed_port());
  ImapClient client(s);
  auto state = client.examine();
  ASSERT_FALSE(state);
  EXPECT_EQ(state.error().code, ErrorCode::kUnavailable) << state.error().message;
}

TEST_F(ImapTransport, AConnectionTheServerEndedIsOpenedAgain) {
  ImapClient client(inbox_);
  ASSERT_TRUE(client.append(raws_[0]));
  auto state = client.examine();
  ASSERT_TRUE(state) << state.error().message;
  // The kept connection gets "* BYE" and is closed, as after a server restart or an idle
  // logout; the next call finds out, connects again and answers as if nothing happened.
  ASSERT_TRUE(kick_imap_user(inbox_.username));
  auto uids = client.uids_from(1);
  ASSERT_TRUE(uids) << uids.error().message;
  EXPECT_EQ(uids->size(), 1u);
  auto raw = client.fetch(state->uid_validity, uids->front());
  ASSERT_TRUE(raw) << raw.error().message;
  EXPECT_EQ(*raw, raws_[0]);
}

TEST_F(ImapTransport, LargeMessageSurvivesTheRoundTrip) {
  // Several reads and TLS-sized records: a literal far larger than one receive.
  std::string body;
  for (int i = 0; i < 60000; ++i) body += fmt::format("line {} of a long message, to cross many buffers\r\n", i);
  const std::string raw = simple_mail("large", body);
  ImapClient client(inbox_);
  ASSERT_TRUE(client.append(raw));
  auto state = client.examine();
  ASSERT_TRUE(state);
  auto uids = client.uids_from(1);
  ASSERT_TRUE(uids);
  ASSERT_EQ(uids->size(), 1u);
  auto fetched = client.fetch(state->uid_validity, uids->front());
  ASSERT_TRUE(fetched) << fetched.error().message;
  EXPECT_EQ(fetched->size(), raw.size());
  EXPECT_TRUE(*fetched == raw);
}

}  // namespace
}  // namespace redress::test
