// Outgoing mail through a real SMTP server that keeps what it receives, on both engines:
// the acknowledgement of a new mail ticket as a customer sees it (headers, parts,
// threading), an SMTP outage ridden out with backoff and delivered once after, a
// permanent refusal parked at once, and a re-run after a crash that does not send twice.
#include <gtest/gtest.h>

#include "mail/threading.h"
#include "service/outbox.h"
#include "support/mail_reading.h"
#include "support/mail_servers.h"
#include "support/test_app.h"

namespace redress {
namespace {

using test::EngineParam;
using json = nlohmann::json;

using test::header_of;

class MailDeliveryTest : public ::testing::TestWithParam<EngineParam> {
 protected:
  void SetUp() override {
    REDRESS_REQUIRE_SMTP(smtp_url_, smtp_dir_);
    sender_ = test::unique_sender();
    Settings s = test::smtp_settings(smtp_url_, sender_);
    REDRESS_START_TEST_APP(GetParam(), app_, s);
    gate_ = app_->add_user("mailgate@example.com", "viewer", "mail.intake");
  }

  void TearDown() override {
    if (!smtp_dir_.empty() && !sender_.empty()) test::set_smtp_mode(smtp_dir_, sender_, "accept");
  }

  json post_mail(const std::string& from, const std::string& subject, const std::string& id) {
    const std::string raw = "From: " + from + "\r\nTo: " + sender_ + "\r\nSubject: " + subject + "\r\nMessage-ID: <" +
                            id + ">\r\nContent-Language: fr\r\n\r\nBonjour, ma commande n'est pas arrivée.\r\n";
    auto r = app_->client()->request("POST", "/api/v1/inbound/mail", raw,
                                     {{"Authorization", "Bearer " + gate_.token}, {"Content-Type", "message/rfc822"}});
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json();
  }

  std::vector<test::CapturedMessage> delivered() { return test::captured_from(smtp_dir_, sender_); }

  json job_state() {
    json out;
    auto r = app_->db().transact(store::TxMode::kRead, [&](store::Connection& c) -> Result<void> {
      auto row = REDRESS_TRY(c.query_one(
          "SELECT j.status, j.attempts, COALESCE(j.last_error, ''), m.status FROM jobs j "
          "JOIN mail_messages m ON m.dedupe_key = 'out:' || SUBSTR(j.idempotency_key, 6) WHERE j.kind = 'mail.send'"));
      if (row) out = {{"job", row->text(0)}, {"attempts", row->integer(1)}, {"error", row->text(2)}, {"mail", row->text(3)}};
      return {};
    });
    EXPECT_TRUE(r) << r.error().message;
    return out;
  }

  std::string smtp_url_;
  std::filesystem::path smtp_dir_;
  std::string sender_;
  std::unique_ptr<test::TestApp> app_;
  test::TestUser gate_;
};

TEST_P(MailDeliveryTest, AcknowledgementArrivesThreadedTaggedAndInTheCustomersLanguage) {
  auto taken = post_mail("Claire Martin <claire@example.fr>", "Commande 4471", "order-4471@example.fr");
  const std::string number = taken["ticket"]["number"];
  ASSERT_TRUE(app_->runner().run_due_once());
  auto got = delivered();
  ASSERT_EQ(got.size(), 1u);
  const auto& m = got[0];
  EXPECT_EQ(m.rcpt_tos, std::vector<std::string>{"claire@example.fr"});
  EXPECT_EQ(m.mail_from, sender_);
  const std::string subject = header_of(m.raw, "Subject");
  EXPECT_NE(subject.find("[#" + number + "]"), std::string::npos) << subject;
  EXPECT_NE(subject.find("Nous avons bien reçu"), std::string::npos) << subject;  // decoded from RFC 2047
  // GMime files Content-* headers under the body part: read this one from the bytes.
  EXPECT_NE(m.raw.find("\r\nContent-Language: fr\r\n"), std::string::npos) << m.raw.substr(0, 800);
  EXPECT_EQ(header_of(m.raw, "Auto-Submitted"), "auto-replied");
  EXPECT_EQ(header_of(m.raw, "In-Reply-To"), "<order-4471@example.fr>");
  EXPECT_NE(header_of(m.raw, "References").find("<order-4471@example.fr>"), std::string::npos);
  std::string id = header_of(m.raw, "Message-ID");
  ASSERT_GT(id.size(), 2u);
  EXPECT_EQ(mail::signed_ticket_of(id.substr(1, id.size() - 2), app_->context().mail->secret),
            taken["ticket"]["id"].get<int64_t>());
  EXPECT_NE(m.raw.find("\r\nContent-Type: multipart/alternative;"), std::string::npos) << m.raw;
  EXPECT_NE(m.raw.find("Content-Type: text/html; charset=utf-8"), std::string::npos);
  EXPECT_EQ(m.raw.find("\n\n"), std::string::npos) << "bare LF in what was sent";
  EXPECT_EQ(job_state()["mail"], "sent");

  // Nothing more to send: a second round delivers nothing again.
  ASSERT_TRUE(app_->runner().run_due_once());
  EXPECT_EQ(delivered().size(), 1u);
}

TEST_P(MailDeliveryTest, SmtpOutageIsRiddenOutAndEveryMailDeliveredOnce) {
  test::set_smtp_mode(smtp_dir_, sender_, "tempfail");
  post_mail("claire@example.fr", "Commande 1", "o1@example.fr");
  post_mail("paul@example.fr", "Commande 2", "o2@example.fr");
  for (int attempt = 1; attempt <= 3; ++attempt) {
    ASSERT_TRUE(app_->runner().run_due_once());
    EXPECT_TRUE(delivered().empty());
    auto state = job_state();
    EXPECT_EQ(state["job"], "pending") << state.dump();
    EXPECT_EQ(state["attempts"], attempt) << state.dump();
    EXPECT_NE(state["error"].get<std::string>().find("4"), std::string::npos) << state.dump();
    // Nothing is due before the backoff has passed.
    ASSERT_EQ(*app_->runner().run_due_once(), 0);
    app_->clock().advance(std::chrono::hours(1));
  }
  test::set_smtp_mode(smtp_dir_, sender_, "accept");
  ASSERT_EQ(*app_->runner().run_due_once(), 2);
  auto got = delivered();
  ASSERT_EQ(got.size(), 2u);
  std::set<std::string> to = {got[0].rcpt_tos.at(0), got[1].rcpt_tos.at(0)};
  EXPECT_EQ(to, (std::set<std::string>{"claire@example.fr", "paul@example.fr"}));
  app_->clock().advance(std::chrono::hours(2));
  ASSERT_EQ(*app_->runner().run_due_once(), 0);
  EXPECT_EQ(delivered().size(), 2u);
}

TEST_P(MailDeliveryTest, PermanentRefusalParksTheMailAtOnce) {
  test::set_smtp_mode(smtp_dir_, sender_, "reject");
  post_mail("claire@example.fr", "Commande 3", "o3@example.fr");
  ASSERT_TRUE(app_->runner().run_due_once());
  auto state = job_state();
  EXPECT_EQ(state["job"], "failed") << state.dump();
  EXPECT_EQ(state["attempts"], 1) << state.dump();
  EXPECT_EQ(state["mail"], "failed") << state.dump();
  EXPECT_TRUE(delivered().empty());
}

TEST_P(MailDeliveryTest, ARunAfterACrashDoesNotSendTwice) {
  post_mail("claire@example.fr", "Commande 5", "o5@example.fr");
  // The job as a worker holds it: the process dies after SMTP accepted the mail but before
  // the job was marked done, and the lease runs out: the job runs again.
  auto job = app_->db().transact_value<store::Job>(store::TxMode::kRead, [&](store::Connection& c) -> Result<store::Job> {
    auto list = REDRESS_TRY(store::JobStore(c).list("pending", 10));
    if (list.empty()) return fail(Error::not_found("job"));
    return list.front();
  });
  ASSERT_TRUE(job) << job.error().message;
  service::MailSender sender(app_->context(), mail::SmtpSettings{smtp_url_, "", "", "try", 10, ""});
  ASSERT_TRUE(sender.send(*job));
  ASSERT_TRUE(sender.send(*job));
  EXPECT_EQ(delivered().size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(Engines, MailDeliveryTest, ::testing::Values(EngineParam::kSqlite, EngineParam::kPostgres),
                         [](const auto& info) { return test::engine_name(info.param); });

}  // namespace
}  // namespace redress
