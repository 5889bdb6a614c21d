// Mail intake over HTTP (what `redress mailgate` calls), on both engines: a mail opens a
// ticket and is acknowledged once, a duplicate is recognised, replies find their ticket
// (signed Message-ID, subject tag from a contact) and record why, loops are avoided,
// bounces land on the mail that bounced, and refused mail is kept for admins to retry.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include "core/crypto.h"
#include "support/mail_samples.h"
#include "support/test_app.h"

namespace redress {
namespace {

using test::EngineParam;
using test::mail_with_files;
using test::noise;
using test::base64_lines;
using json = nlohmann::json;

std::string mail_from(const std::string& from, const std::string& subject, const std::string& body,
                      const std::string& message_id, const std::string& extra_headers = "") {
  std::string m = "From: " + from + "\r\nTo: support@desk.example\r\nSubject: " + subject +
                  "\r\nDate: Wed, 18 Nov 2026 09:00:00 +0100\r\n";
  if (!message_id.empty()) m += "Message-ID: <" + message_id + ">\r\n";
  m += extra_headers;
  m += "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + body + "\r\n";
  return m;
}

class MailIntakeTest : public ::testing::TestWithParam<EngineParam> {
 protected:
  void SetUp() override {
    Settings s;
    s.mail.from_address = "support@desk.example";
    s.mail.from_name = "ACME Support";
    s.mail.auto_replies_per_sender_per_day = 3;
    MailboxSettings box;
    box.name = "complaints";
    box.workflow = "customer-complaint";
    box.acknowledge = false;
    box.language = "fr";
    s.mailboxes.push_back(box);
    REDRESS_START_TEST_APP(GetParam(), app_, s);
    admin_ = app_->add_user("admin@example.com", "admin");
    agent_ = app_->add_user("agent@example.com", "agent");
    gate_ = app_->add_user("mailgate@example.com", "viewer", "mail.intake");
  }

  test::TestResponse post_mail(const std::string& raw, const std::string& query = "") {
    auto client = app_->client();
    return client->request("POST", "/api/v1/inbound/mail" + query, raw,
                           {{"Authorization", "Bearer " + gate_.token}, {"Content-Type", "message/rfc822"}});
  }

  // The outgoing mails recorded for a ticket: (purpose, message id, recipients).
  std::vector<json> outgoing(int64_t ticket_id) {
    std::vector<json> out;
    auto r = app_->db().transact(store::TxMode::kRead, [&](store::Connection& c) -> Result<void> {
      auto rows = REDRESS_TRY(c.query(
          "SELECT purpose, message_id, recipients, subject FROM mail_messages WHERE ticket_id = ? AND direction = 'out' "
          "ORDER BY id",
          {ticket_id}));
      for (const auto& row : rows)
        out.push_back({{"purpose", row.text(0)},
                       {"message_id", row.text(1)},
                       {"recipients", json::parse(row.text(2))},
                       {"subject", row.text(3)}});
      return {};
    });
    EXPECT_TRUE(r) << r.error().message;
    return out;
  }

  int64_t scalar(const std::string& sql, const store::Params& params = {}) {
    int64_t n = -1;
    auto r = app_->db().transact(store::TxMode::kRead, [&](store::Connection& c) -> Result<void> {
      auto row = REDRESS_TRY(c.query_one(sql, params));
      n = row ? row->integer(0) : -1;
      return {};
    });
    EXPECT_TRUE(r) << r.error().message;
    return n;
  }

  std::unique_ptr<test::TestApp> app_;
  test::TestUser admin_, agent_, gate_;
};

TEST_P(MailIntakeTest, NewMailOpensATicketAndIsAcknowledgedOnce) {
  auto r = post_mail(mail_from("Jane Doe <Jane@Example.com>", "Heater broken", "It stopped working.", "m1@example.com"));
  ASSERT_EQ(r.status, 201) << r.body;
  const json body = r.json();
  EXPECT_EQ(body["outcome"], "created");
  EXPECT_EQ(body["routing"], "new_ticket");
  EXPECT_EQ(body["routing_detail"]["acknowledgement"], "queued");
  const int64_t id = body["ticket"]["id"];
  auto t = app_->call(agent_.token, "GET", "/api/v1/tickets/" + std::to_string(id)).json();
  EXPECT_EQ(t["workflow"], "support-request");
  EXPECT_EQ(t["channel"], "mail");
  EXPECT_EQ(t["subject"], "Heater broken");
  EXPECT_EQ(t["main_contact"]["email"], "jane@example.com");
  EXPECT_EQ(t["main_contact"]["name"], "Jane Doe");

  auto out = outgoing(id);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0]["purpose"], "acknowledgement");
  EXPECT_EQ(out[0]["recipients"], json::array({"jane@example.com"}));
  EXPECT_NE(out[0]["subject"].get<std::string>().find("[#" + t["number"].get<std::string>() + "]"), std::string::npos);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM jobs WHERE kind = 'mail.send'"), 1);

  // The same mail again (an MTA retry, a second poll): nothing new.
  auto again = post_mail(mail_from("Jane Doe <jane@example.com>", "Heater broken", "It stopped working.", "m1@example.com"));
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.json()["outcome"], "duplicate");
  EXPECT_EQ(again.json()["ticket"]["id"], id);
  EXPECT_EQ(app_->count("tickets"), 1);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM jobs WHERE kind = 'mail.send'"), 1);
}

TEST_P(MailIntakeTest, MailWithoutMessageIdIsDeduplicatedByContent) {
  const auto raw = mail_from("bob@example.com", "No id", "Same text.", "");
  EXPECT_EQ(post_mail(raw).status, 201);
  auto again = post_mail(raw);
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.json()["outcome"], "duplicate");
  EXPECT_EQ(post_mail(mail_from("bob@example.com", "No id", "Other text.", "")).status, 201);
  EXPECT_EQ(app_->count("tickets"), 2);
}

TEST_P(MailIntakeTest, ReplyToOurMailFindsItsTicketBySignedMessageId) {
  auto first = post_mail(mail_from("jane@example.com", "Heater broken", "Help", "m1@example.com")).json();
  const int64_t id = first["ticket"]["id"];
  const std::string ack_id = outgoing(id).at(0)["message_id"];
  // A client that drops the subject tag but keeps In-Reply-To.
  auto reply = post_mail(mail_from("someone.else@example.org", "Re: your mail", "More details", "m2@example.com",
                                   "In-Reply-To: <" + ack_id + ">\r\nReferences: <m1@example.com> <" + ack_id + ">\r\n"));
  ASSERT_EQ(reply.status, 201) << reply.body;
  EXPECT_EQ(reply.json()["outcome"], "appended");
  EXPECT_EQ(reply.json()["ticket"]["id"], id);
  EXPECT_EQ(reply.json()["routing"], "signed_message_id");
  EXPECT_EQ(reply.json()["routing_detail"]["header"], "in-reply-to");
  // Replies get no second acknowledgement.
  EXPECT_EQ(outgoing(id).size(), 1u);
  // Why it landed there is in the history.
  auto history = app_->call(agent_.token, "GET", "/api/v1/tickets/" + std::to_string(id) + "/history").json();
  int received = 0;
  for (const auto& e : history["items"]) {
    if (e["kind"] == "mail.received") {
      ++received;
      EXPECT_TRUE(e["data"].contains("routing")) << e.dump();
    }
  }
  EXPECT_EQ(received, 2) << history.dump();
}

TEST_P(MailIntakeTest, ForgedSignatureOrUnknownReferenceStartsANewTicket) {
  auto first = post_mail(mail_from("jane@example.com", "Heater broken", "Help", "m1@example.com")).json();
  const std::string ack_id = outgoing(first["ticket"]["id"]).at(0)["message_id"];
  std::string forged = ack_id;
  forged[forged.find('@') - 1] = forged[forged.find('@') - 1] == 'a' ? 'b' : 'a';  // one digit of the MAC changed
  auto r = post_mail(mail_from("mallory@example.net", "Re: Heater", "I am in", "m3@example.net",
                               "In-Reply-To: <" + forged + ">\r\n"));
  ASSERT_EQ(r.status, 201);
  EXPECT_EQ(r.json()["outcome"], "created");
  EXPECT_NE(r.json()["ticket"]["id"], first["ticket"]["id"]);
}

TEST_P(MailIntakeTest, SubjectTagCountsOnlyWhenTheSenderIsAContact) {
  auto first = post_mail(mail_from("jane@example.com", "Heater broken", "Help", "m1@example.com")).json();
  const std::string number = first["ticket"]["number"];
  auto from_contact = post_mail(mail_from("JANE@example.com", "Re: [#" + number + "] Heater", "Still cold", "m2@x"));
  EXPECT_EQ(from_contact.json()["outcome"], "appended");
  EXPECT_EQ(from_contact.json()["routing"], "subject_tag");
  auto stranger = post_mail(mail_from("eve@example.net", "[#" + number + "] let me in", "hi", "m3@x"));
  EXPECT_EQ(stranger.json()["outcome"], "created");
  EXPECT_EQ(stranger.json()["routing_detail"]["ignored_subject_tag"], number);
}

TEST_P(MailIntakeTest, AutomatedMailGetsNoAcknowledgementAndSendersAreCappedPerDay) {
  auto robot = post_mail(mail_from("alerts@monitor.example", "Disk full", "x", "r1@x", "Auto-Submitted: auto-generated\r\n"));
  ASSERT_EQ(robot.status, 201);
  EXPECT_NE(robot.json()["routing_detail"]["acknowledgement"].get<std::string>().find("automated"), std::string::npos);
  auto list = post_mail(mail_from("news@shop.example", "Offers", "x", "l1@x", "List-Id: <offers.shop.example>\r\n"));
  EXPECT_TRUE(outgoing(list.json()["ticket"]["id"]).empty());
  auto daemon = post_mail(mail_from("MAILER-DAEMON@mx.example", "Hello", "x", "d1@x"));
  EXPECT_TRUE(outgoing(daemon.json()["ticket"]["id"]).empty());
  auto own = post_mail(mail_from("support@desk.example", "Loop?", "x", "o1@x"));
  EXPECT_TRUE(outgoing(own.json()["ticket"]["id"]).empty());

  // Cap 3 per sender per day: the fourth new ticket from the same address is not answered.
  int acknowledged = 0;
  for (int i = 0; i < 4; ++i) {
    auto r = post_mail(mail_from("chatty@example.com", fmt::format("Question {}", i), "?", fmt::format("c{}@x", i)));
    acknowledged += outgoing(r.json()["ticket"]["id"]).size();
  }
  EXPECT_EQ(acknowledged, 3);
  // The next day the sender is answered again.
  app_->clock().advance(std::chrono::hours(24));
  auto next_day = post_mail(mail_from("chatty@example.com", "Question 5", "?", "c5@x"));
  EXPECT_EQ(outgoing(next_day.json()["ticket"]["id"]).size(), 1u);
}

TEST_P(MailIntakeTest, MailboxChoosesWorkflowAndAcknowledgementSetting) {
  auto r = post_mail(mail_from("jane@example.com", "Wrong invoice", "x", "w1@x"), "?mailbox=complaints");
  ASSERT_EQ(r.status, 201) << r.body;
  const int64_t id = r.json()["ticket"]["id"];
  EXPECT_EQ(app_->call(agent_.token, "GET", "/api/v1/tickets/" + std::to_string(id)).json()["workflow"],
            "customer-complaint");
  EXPECT_TRUE(outgoing(id).empty());
  auto unknown = post_mail(mail_from("jane@example.com", "x", "x", "w2@x"), "?mailbox=nope");
  EXPECT_EQ(unknown.status, 422);
  EXPECT_TRUE(unknown.json()["error"]["fields"].contains("mailbox")) << unknown.body;
}

TEST_P(MailIntakeTest, CustomerMailReopensAClosedRequest) {
  auto first = post_mail(mail_from("jane@example.com", "Heater broken", "Help", "m1@example.com")).json();
  const std::string path = "/api/v1/tickets/" + std::to_string(first["ticket"]["id"].get<int64_t>());
  auto reason = app_->call(admin_.token, "POST", "/api/v1/reasons",
                           json{{"workflow", "support-request"}, {"code", "repaired"}, {"labels", {{"en", "Repaired"}}}}.dump());
  ASSERT_EQ(reason.status, 201) << reason.body;
  ASSERT_EQ(app_->call(agent_.token, "PATCH", path, json{{"reason", reason.json()["id"]}}.dump()).status, 200);
  ASSERT_EQ(app_->call(agent_.token, "POST", path + "/transitions",
                       json{{"transition", "close"}, {"note", "fixed on site"}}.dump())
                .status,
            200);
  EXPECT_EQ(app_->call(agent_.token, "GET", path).json()["status"]["id"], "closed");
  auto reply = post_mail(mail_from("jane@example.com", "Re: [#" + first["ticket"]["number"].get<std::string>() + "]",
                                   "It broke again", "m9@example.com"));
  EXPECT_EQ(reply.json()["routing_detail"]["reopened_by"], "reopen_closed") << reply.body;
  EXPECT_EQ(app_->call(agent_.token, "GET", path).json()["status"]["id"], "open");
}

TEST_P(MailIntakeTest, CustomerMailOnATakenTicketAlertsTheTaker) {
  auto first = post_mail(mail_from("jane@example.com", "Heater broken", "Help", "m1@example.com")).json();
  const int64_t id = first["ticket"]["id"];
  auto taken = app_->call(agent_.token, "POST", "/api/v1/tickets/" + std::to_string(id) + "/take");
  ASSERT_EQ(taken.status, 200) << taken.body;
  auto reply = post_mail(mail_from("jane@example.com", "Re: [#" + first["ticket"]["number"].get<std::string>() + "]",
                                   "Any news?", "m2@example.com"));
  // The shipped routing table tells the handlers: the taker, since the ticket is taken.
  EXPECT_EQ(reply.json()["routing_detail"]["notified"], json::array({"agent@example.com"})) << reply.body;
  auto out = outgoing(id);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[1]["purpose"], "alert");
  EXPECT_EQ(out[1]["recipients"], json::array({"agent@example.com"}));
}

TEST_P(MailIntakeTest, BounceLandsOnTheTicketOfTheBouncedMailAndMarksTheContact) {
  auto first = post_mail(mail_from("jane@example.com", "Heater broken", "Help", "m1@example.com")).json();
  const int64_t id = first["ticket"]["id"];
  const std::string ack_id = outgoing(id).at(0)["message_id"];
  const std::string dsn =
      "From: Mail Delivery System <MAILER-DAEMON@mx.example.com>\r\n"
      "To: support@desk.example\r\nSubject: Undelivered Mail Returned to Sender\r\n"
      "Message-ID: <dsn1@mx.example.com>\r\nAuto-Submitted: auto-replied\r\nMIME-Version: 1.0\r\n"
      "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\r\n\r\n"
      "--B\r\nContent-Type: text/plain\r\n\r\nThe mail could not be delivered.\r\n"
      "--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.com\r\n\r\n"
      "Final-Recipient: rfc822; jane@example.com\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n"
      "--B\r\nContent-Type: text/rfc822-headers\r\n\r\nFrom: support@desk.example\r\nTo: jane@example.com\r\n"
      "Message-ID: <" + ack_id + ">\r\nSubject: ack\r\n\r\n--B--\r\n";
  auto r = post_mail(dsn);
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json()["outcome"], "bounce");
  EXPECT_EQ(r.json()["ticket"]["id"], id);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM contacts WHERE email = 'jane@example.com' AND bouncing_since IS NOT NULL"), 1);
  EXPECT_EQ(app_->count("tickets"), 1);  // never a ticket of its own
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM messages WHERE ticket_id = ? AND kind = 'bounce' AND visibility = 'internal'",
                   {id}),
            1);
  // A bouncing address gets no more automatic mail.
  auto next = post_mail(mail_from("jane@example.com", "Another problem", "x", "m5@example.com"));
  EXPECT_NE(next.json()["routing_detail"]["acknowledgement"].get<std::string>().find("no recipient"), std::string::npos)
      << next.body;
}

TEST_P(MailIntakeTest, RefusedMailIsKeptForAdminsAndCanBeRetried) {
  // A delivery report for a mail that is not ours: refused for good, kept with its reason.
  const std::string stray =
      "From: MAILER-DAEMON@mx.example.com\r\nTo: support@desk.example\r\nSubject: failure\r\n"
      "Message-ID: <dsn9@mx>\r\nMIME-Version: 1.0\r\n"
      "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\r\n\r\n"
      "--B\r\nContent-Type: text/plain\r\n\r\nfailed\r\n--B\r\nContent-Type: message/delivery-status\r\n\r\n"
      "Reporting-MTA: dns; mx\r\n\r\nFinal-Recipient: rfc822; x@y.z\r\nAction: failed\r\nStatus: 5.0.0\r\n\r\n"
      "--B\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <not-ours@elsewhere>\r\n\r\n--B--\r\n";
  auto r = post_mail(stray);
  ASSERT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(r.json()["error"]["code"], "mail_rejected");
  EXPECT_EQ(r.json()["error"]["fields"]["mail"], "bounce_unmatched");
  const std::string failed_id = r.json()["error"]["fields"]["failed_mail"];
  EXPECT_EQ(app_->count("tickets"), 0);

  auto no_sender = post_mail("Subject: who am I\r\n\r\nbody\r\n");
  EXPECT_EQ(no_sender.status, 422);
  EXPECT_EQ(no_sender.json()["error"]["fields"]["mail"], "no_sender");

  // Admins see the list; others do not.
  EXPECT_EQ(app_->call(agent_.token, "GET", "/api/v1/mail/failed").status, 403);
  auto list = app_->call(admin_.token, "GET", "/api/v1/mail/failed").json();
  ASSERT_EQ(list["items"].size(), 2u) << list.dump();
  EXPECT_EQ(list["items"][1]["reason"], "bounce_unmatched");
  EXPECT_EQ(list["items"][1]["source"], "api");

  // A retry that still fails says so and counts the attempt.
  auto retry = app_->call(admin_.token, "POST", "/api/v1/mail/failed/" + failed_id + "/retry");
  EXPECT_EQ(retry.status, 422);
  auto after = app_->call(admin_.token, "GET", "/api/v1/mail/failed").json();
  EXPECT_EQ(after["items"][1]["attempts"], 2);
  EXPECT_EQ(app_->call(admin_.token, "POST", "/api/v1/mail/failed/999999/retry").status, 404);
}

TEST_P(MailIntakeTest, IntakeNeedsItsRightAndAMailBody) {
  auto client = app_->client();
  auto as_agent = client->request("POST", "/api/v1/inbound/mail", mail_from("a@b.c", "x", "x", "x@x"),
                                  {{"Authorization", "Bearer " + agent_.token}, {"Content-Type", "message/rfc822"}});
  EXPECT_EQ(as_agent.status, 403);
  auto as_json = client->request("POST", "/api/v1/inbound/mail", "{}",
                                 {{"Authorization", "Bearer " + gate_.token}, {"Content-Type", "application/json"}});
  EXPECT_EQ(as_json.status, 415);
  auto empty = client->request("POST", "/api/v1/inbound/mail", "",
                               {{"Authorization", "Bearer " + gate_.token}, {"Content-Type", "message/rfc822"}});
  EXPECT_EQ(empty.status, 400);
  auto anonymous = client->request("POST", "/api/v1/inbound/mail", mail_from("a@b.c", "x", "x", "x@x"),
                                   {{"Content-Type", "message/rfc822"}});
  EXPECT_EQ(anonymous.status, 401);
  EXPECT_EQ(app_->count("tickets"), 0);
}

TEST_P(MailIntakeTest, AcknowledgementFromTheDeskGoesToContactsAndValidatedCopies) {
  json create = {{"workflow", "customer-complaint"},
                 {"subject", "Late delivery"},
                 {"contacts", json::array({{{"email", "claire@example.fr"}, {"name", "Claire"}, {"language", "fr"}},
                                           {{"email", "paul@example.fr"}, {"name", "Paul"}}})}};
  auto t = app_->call(agent_.token, "POST", "/api/v1/tickets", create.dump()).json();
  const std::string path = "/api/v1/tickets/" + std::to_string(t["id"].get<int64_t>()) + "/acknowledgement";

  auto bad = app_->call(agent_.token, "POST", path, json{{"cc", {"ok@example.com", "not-an-address"}}, {"language", "??"}}.dump());
  ASSERT_EQ(bad.status, 422) << bad.body;
  EXPECT_TRUE(bad.json()["error"]["fields"].contains("cc[1]")) << bad.body;
  EXPECT_TRUE(bad.json()["error"]["fields"].contains("language")) << bad.body;
  EXPECT_TRUE(outgoing(t["id"]).empty());  // nothing half-done

  auto ok = app_->call(agent_.token, "POST", path, json{{"cc", {"Boss@Example.com", "postmaster@example.com"}}}.dump());
  ASSERT_EQ(ok.status, 202) << ok.body;
  EXPECT_EQ(ok.json()["language"], "fr");  // the main contact's
  EXPECT_EQ(ok.json()["recipients"], json::array({"claire@example.fr", "paul@example.fr", "boss@example.com"}));
  EXPECT_EQ(ok.json()["skipped"][0]["reason"], "robot_address");
  auto en = app_->call(agent_.token, "POST", path, json{{"language", "en"}}.dump());
  EXPECT_EQ(en.json()["language"], "en");
  EXPECT_EQ(outgoing(t["id"]).size(), 2u);
  // Viewers cannot send mail.
  auto viewer = app_->add_user("viewer@example.com", "viewer");
  EXPECT_EQ(app_->call(viewer.token, "POST", path, "{}").status, 403);
}

// Issue 24: anyone who saw a mail of a thread (a forward, a CC) knows its Message-ID.
TEST_P(MailIntakeTest, StrangerWithAKnownMessageIdGetsATicketOfTheirOwn) {
  auto first = post_mail(mail_from("jane@example.com", "Heater broken", "Help", "m1@example.com")).json();
  const int64_t id = first["ticket"]["id"];
  auto stranger = post_mail(mail_from("mallory@example.net", "Re: Heater broken", "Send the refund to me",
                                      "evil1@example.net", "In-Reply-To: <m1@example.com>\r\n"));
  ASSERT_EQ(stranger.status, 201) << stranger.body;
  EXPECT_EQ(stranger.json()["outcome"], "created");
  EXPECT_NE(stranger.json()["ticket"]["id"], id);
  EXPECT_EQ(stranger.json()["routing"], "new_ticket");
  EXPECT_EQ(stranger.json()["routing_detail"]["ignored_message_id"], "m1@example.com") << stranger.body;
  EXPECT_EQ(stranger.json()["routing_detail"]["refers_to_ticket"], first["ticket"]["number"]);
  // Nothing of it reached Jane's ticket.
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM messages WHERE ticket_id = ? AND body LIKE '%refund%'", {id}), 0);

  // Jane herself, answering her own mail, is threaded.
  auto jane = post_mail(mail_from("Jane@Example.com", "Re: Heater broken", "Still cold", "m2@example.com",
                                  "In-Reply-To: <m1@example.com>\r\n"));
  ASSERT_EQ(jane.status, 201) << jane.body;
  EXPECT_EQ(jane.json()["outcome"], "appended");
  EXPECT_EQ(jane.json()["ticket"]["id"], id);
  EXPECT_EQ(jane.json()["routing"], "known_message_id");
}

// Issue 24: an attacker who sends first with the Message-ID of a customer's coming mail
// must not have that mail dropped as a duplicate.
TEST_P(MailIntakeTest, ReusedMessageIdWithOtherContentIsANewMail) {
  auto attacker = post_mail(mail_from("mallory@example.net", "Hello", "first!", "victim-1@example.com"));
  ASSERT_EQ(attacker.status, 201) << attacker.body;
  auto victim = post_mail(mail_from("jane@example.com", "Charged twice", "Please refund", "victim-1@example.com"));
  ASSERT_EQ(victim.status, 201) << victim.body;
  EXPECT_EQ(victim.json()["outcome"], "created");
  EXPECT_NE(victim.json()["ticket"]["id"], attacker.json()["ticket"]["id"]);
  EXPECT_EQ(victim.json()["routing_detail"]["message_id_reused_from_mail"], attacker.json()["mail_id"]) << victim.body;
  // The victim's mail, delivered again, is now the duplicate of itself.
  auto again = post_mail(mail_from("jane@example.com", "Charged twice", "Please refund", "victim-1@example.com"));
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.json()["outcome"], "duplicate");
  EXPECT_EQ(again.json()["ticket"]["id"], victim.json()["ticket"]["id"]);
  // A copy that took another path (extra Received line) is the same mail.
  auto relayed = post_mail("Received: from relay.example by mx.desk.example; Wed, 18 Nov 2026 09:01:00 +0100\r\n" +
                           mail_from("mallory@example.net", "Hello", "first!", "victim-1@example.com"));
  EXPECT_EQ(relayed.json()["outcome"], "duplicate") << relayed.body;
  EXPECT_EQ(app_->count("tickets"), 2);
}

TEST_P(MailIntakeTest, AutoreplyHeadersAndOurSubAddressesGetNoAcknowledgement) {
  auto autoreply = post_mail(mail_from("away@example.com", "Out of office", "back Monday", "a1@x", "X-Autoreply: yes\r\n"));
  ASSERT_EQ(autoreply.status, 201) << autoreply.body;
  EXPECT_TRUE(outgoing(autoreply.json()["ticket"]["id"]).empty());
  EXPECT_EQ(autoreply.json()["routing_detail"]["automated"], "x_autoreply") << autoreply.body;
  auto suppress = post_mail(mail_from("exchange@example.com", "Meeting", "x", "a2@x", "X-Auto-Response-Suppress: OOF, AutoReply\r\n"));
  EXPECT_TRUE(outgoing(suppress.json()["ticket"]["id"]).empty());
  auto sub = post_mail(mail_from("support+loop@desk.example", "Loop?", "x", "a3@x"));
  EXPECT_TRUE(outgoing(sub.json()["ticket"]["id"]).empty());
  EXPECT_NE(sub.json()["routing_detail"]["acknowledgement"].get<std::string>().find("no recipient"), std::string::npos)
      << sub.body;
  // "X-Autoreply: no" is a person.
  auto person = post_mail(mail_from("real@example.com", "Help", "x", "a4@x", "X-Autoreply: no\r\n"));
  EXPECT_EQ(outgoing(person.json()["ticket"]["id"]).size(), 1u) << person.body;
}

// Issue 17: a 5 MB mail with a photo was refused (413) at the server's 1 MiB body limit,
// before mail.max_message_bytes (40 MiB) was ever consulted. Its files are now listed on the
// thread and download byte for byte.
TEST_P(MailIntakeTest, MailWithPhotoAndPdfIsTakenAndItsFilesDownloadIntact) {
  const std::string png = "\x89PNG\r\n\x1a\n" + noise(3'000'000, 1);
  const std::string pdf = "%PDF-1.4\n" + noise(700'000, 2);
  const std::string raw = mail_with_files("big1@example.com", png, pdf);
  ASSERT_GT(raw.size(), 5'000'000u);
  auto r = post_mail(raw);
  ASSERT_EQ(r.status, 201) << r.body.substr(0, 500);
  const int64_t id = r.json()["ticket"]["id"];
  auto thread = app_->call(agent_.token, "GET", "/api/v1/tickets/" + std::to_string(id) + "/messages");
  ASSERT_EQ(thread.status, 200);
  const json page = thread.json();
  ASSERT_GE(page["items"].size(), 1u) << thread.body.substr(0, 2000);
  ASSERT_EQ(page["items"][0]["kind"], "mail_in");
  const json files = page["items"][0]["attachments"];
  ASSERT_EQ(files.size(), 2u) << files.dump();
  EXPECT_EQ(files[0]["filename"], "colis.png");
  EXPECT_EQ(files[0]["content_type"], "image/png");
  EXPECT_EQ(files[0]["size"], png.size());
  EXPECT_EQ(files[0]["sha256"], crypto::sha256_hex(png));
  EXPECT_EQ(files[1]["filename"], "relevé.pdf");
  EXPECT_EQ(files[1]["sha256"], crypto::sha256_hex(pdf));
  auto photo = app_->call(agent_.token, "GET", "/api/v1/attachments/" + std::to_string(files[0]["id"].get<int64_t>()));
  ASSERT_EQ(photo.status, 200);
  EXPECT_EQ(crypto::sha256_hex(photo.body), crypto::sha256_hex(png));
  auto statement = app_->call(agent_.token, "GET",
                              "/api/v1/attachments/" + std::to_string(files[1]["id"].get<int64_t>()) + "?disposition=inline");
  ASSERT_EQ(statement.status, 200);
  EXPECT_EQ(crypto::sha256_hex(statement.body), crypto::sha256_hex(pdf));
  EXPECT_EQ(statement.header("content-disposition").value_or(""),
            "inline; filename=\"relev__.pdf\"; filename*=UTF-8''relev%C3%A9.pdf");

  // The same photo in another mail is stored once.
  ASSERT_EQ(post_mail(mail_with_files("big2@example.com", png, "%PDF-1.4\nother")).status, 201);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM blobs WHERE sha256 = ?", {crypto::sha256_hex(png)}), 1);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM attachments WHERE blob_sha256 = ?", {crypto::sha256_hex(png)}), 2);
}

// Every limit at its boundary, through the real door: mail.max_message_bytes bytes are
// taken, one more is refused with its beginning kept in the failed list.
TEST_P(MailIntakeTest, MailOverMaxMessageBytesIsKeptInTheFailedListAsTooLarge) {
  const int64_t limit = 40LL << 20;  // the default
  // Text in lines of varied words (a long log pasted in), up to the limit to the byte.
  const std::string head = mail_from("jane@example.com", "Huge scan", "", "huge@example.com");
  std::string exact = head.substr(0, head.size() - 2);  // the body ends the mail
  const std::string lines = base64_lines(noise(static_cast<size_t>(limit) * 3 / 4, 3));
  exact += lines.substr(0, static_cast<size_t>(limit) - exact.size() - 2) + "\r\n";
  ASSERT_EQ(static_cast<int64_t>(exact.size()), limit);
  auto taken = post_mail(exact);
  EXPECT_EQ(taken.status, 201) << taken.body.substr(0, 300);

  const std::string over_head = mail_from("jane@example.com", "Huger scan", "", "huger@example.com");
  const std::string over_start = over_head.substr(0, over_head.size() - 2);
  const std::string over = over_start + std::string(static_cast<size_t>(limit) + 1 - over_start.size(), 'y');
  ASSERT_EQ(static_cast<int64_t>(over.size()), limit + 1);
  auto refused = post_mail(over);
  ASSERT_EQ(refused.status, 422) << refused.body;
  EXPECT_EQ(refused.json()["error"]["code"], "mail_rejected");
  EXPECT_EQ(refused.json()["error"]["fields"]["mail"], "too_large");
  const std::string failed_id = refused.json()["error"]["fields"]["failed_mail"];
  auto list = app_->call(admin_.token, "GET", "/api/v1/mail/failed").json();
  ASSERT_EQ(list["items"].size(), 1u) << list.dump();
  EXPECT_EQ(list["items"][0]["reason"], "too_large");
  EXPECT_NE(list["items"][0]["detail"].get<std::string>().find(std::to_string(limit + 1) + " bytes"), std::string::npos)
      << list.dump();
  // Its header is kept (who sent it, about what), not the whole of it.
  EXPECT_EQ(scalar("SELECT b.size FROM failed_mails f JOIN blobs b ON b.sha256 = f.raw_sha256 WHERE f.id = ?",
                   {std::stoll(failed_id)}),
            256 << 10);
  // Taking it again cannot work with only its beginning.
  auto retry = app_->call(admin_.token, "POST", "/api/v1/mail/failed/" + failed_id + "/retry");
  EXPECT_EQ(retry.status, 409) << retry.body;
  EXPECT_EQ(app_->count("tickets"), 1);
  // Far over (the ceiling is 1 GiB), announced by Content-Length: read, counted, kept in part.
  std::string far = mail_from("jane@example.com", "Scan 3", "", "huge3@example.com") + std::string(48 << 20, 'z');
  auto far_refused = post_mail(far);
  EXPECT_EQ(far_refused.status, 422) << far_refused.body;
  EXPECT_EQ(far_refused.json()["error"]["fields"]["mail"], "too_large");
}

// Issue 17: a French mail without Content-Language (most clients send none) made an
// English-speaking contact, and every mail to them was in English.
TEST_P(MailIntakeTest, NewContactGetsTheLanguageTheMailIsWrittenIn) {
  auto french = post_mail(mail_from("Claire Martin <claire@example.fr>", "Commande jamais arrivée",
                                    "Bonjour, ma commande n'est jamais arrivée. Pouvez-vous me dire où elle se trouve ?",
                                    "fr1@example.fr"));
  ASSERT_EQ(french.status, 201) << french.body;
  EXPECT_EQ(french.json()["routing_detail"]["contact_language"]["language"], "fr") << french.body;
  EXPECT_EQ(french.json()["routing_detail"]["contact_language"]["from"], "text");
  const int64_t fr_id = french.json()["ticket"]["id"];
  auto t = app_->call(agent_.token, "GET", "/api/v1/tickets/" + std::to_string(fr_id)).json();
  EXPECT_EQ(t["language"], "fr");
  EXPECT_EQ(t["main_contact"]["language"], "fr");
  auto out = outgoing(fr_id);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_NE(out[0]["subject"].get<std::string>().find("Nous avons bien reçu"), std::string::npos) << out[0].dump();

  auto english = post_mail(mail_from("Ann <ann@example.com>", "Parcel never arrived",
                                     "Hello, my parcel never arrived. Could you tell me where it is?", "en1@example.com"));
  ASSERT_EQ(english.status, 201) << english.body;
  EXPECT_EQ(english.json()["routing_detail"]["contact_language"]["language"], "en");
  auto en_out = outgoing(english.json()["ticket"]["id"]);
  ASSERT_EQ(en_out.size(), 1u);
  EXPECT_EQ(en_out[0]["subject"].get<std::string>().find("Nous avons"), std::string::npos) << en_out[0].dump();

  // Content-Language wins; a text too short to tell falls back to the mailbox, then English.
  auto declared = post_mail(mail_from("Bob <bob@example.com>", "Parcel", "Hello, my parcel never arrived, where is it?",
                                      "cl1@example.com", "Content-Language: fr-FR\r\n"));
  EXPECT_EQ(declared.json()["routing_detail"]["contact_language"]["from"], "content_language") << declared.body;
  auto terse = post_mail(mail_from("Dan <dan@example.com>", "?", "OK", "short1@example.com"), "?mailbox=complaints");
  EXPECT_EQ(terse.json()["routing_detail"]["contact_language"]["from"], "mailbox") << terse.body;
  EXPECT_EQ(terse.json()["routing_detail"]["contact_language"]["language"], "fr");
  auto terse_default = post_mail(mail_from("Eve <eve@example.com>", "?", "OK", "short2@example.com"));
  EXPECT_EQ(terse_default.json()["routing_detail"]["contact_language"]["from"], "default") << terse_default.body;
  // A known contact keeps the language they have.
  auto again = post_mail(mail_from("Claire Martin <claire@example.fr>", "Another one",
                                   "Hello, I am writing in English this time, about another order.", "fr2@example.fr"));
  EXPECT_FALSE(again.json()["routing_detail"].contains("contact_language")) << again.body;
}

// Issue 17: a subject of 500+ characters was cut at 500, silently.
TEST_P(MailIntakeTest, LongSubjectsAreKeptWholeUpToTwoThousandCharacters) {
  std::string long_subject;
  for (int i = 0; long_subject.size() < 1800; ++i) long_subject += "réclamation" + std::to_string(i) + " ";
  long_subject.pop_back();
  auto whole = post_mail(mail_from("jane@example.com", long_subject, "x", "s1@example.com"));
  ASSERT_EQ(whole.status, 201) << whole.body.substr(0, 300);
  auto t = app_->call(agent_.token, "GET", "/api/v1/tickets/" + std::to_string(whole.json()["ticket"]["id"].get<int64_t>()));
  EXPECT_EQ(t.json()["subject"], long_subject);
  EXPECT_FALSE(whole.json()["routing_detail"].contains("subject_cut"));

  const std::string huge(2500, 'z');
  auto cut = post_mail(mail_from("jane@example.com", huge, "x", "s2@example.com"));
  ASSERT_EQ(cut.status, 201) << cut.body.substr(0, 300);
  EXPECT_EQ(cut.json()["routing_detail"]["subject_cut"]["characters"], 2500) << cut.body.substr(0, 300);
  auto t2 = app_->call(agent_.token, "GET", "/api/v1/tickets/" + std::to_string(cut.json()["ticket"]["id"].get<int64_t>()));
  EXPECT_EQ(t2.json()["subject"], std::string(2000, 'z'));
}

INSTANTIATE_TEST_SUITE_P(Engines, MailIntakeTest, ::testing::Values(EngineParam::kSqlite, EngineParam::kPostgres),
                         [](const auto& info) { return test::engine_name(info.param); });

}  // namespace
}  // namespace redress
