// Mail intake over HTTP (what `redress mailgate` calls), on both engines: a mail opens a
// ticket and is acknowledged once, a duplicate is recognised, replies find their ticket
// (signed Message-ID, subject tag from a contact) and record why, loops are avoided,
// bounces land on the mail that bounced, and refused mail is kept for admins to retry.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include "support/test_app.h"

namespace redress {
namespace {

using test::EngineParam;
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

INSTANTIATE_TEST_SUITE_P(Engines, MailIntakeTest, ::testing::Values(EngineParam::kSqlite, EngineParam::kPostgres),
                         [](const auto& info) { return test::engine_name(info.param); });

}  // namespace
}  // namespace redress
