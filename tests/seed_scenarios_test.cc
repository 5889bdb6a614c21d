// The stories of seeds 000 to 004 as their people live them, through the API of a
// running server on both engines, with every mail checked as the SMTP capture server
// received it: who got a mail, in which language, and who did not.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "support/mail_reading.h"
#include "support/mail_servers.h"
#include "core/crypto.h"
#include "support/test_app.h"
#include "support/webhook_receiver.h"

namespace redress {
namespace {

using test::EngineParam;
using json = nlohmann::json;

using test::header_of;
using test::text_of;

class SeedScenarioTest : public ::testing::TestWithParam<EngineParam> {
 protected:
  void SetUp() override {
    REDRESS_REQUIRE_SMTP(smtp_url_, smtp_dir_);
    sender_ = test::unique_sender();
    Settings s = test::smtp_settings(smtp_url_, sender_);
    s.server.base_url = "https://desk.example.com";
    // Seed 004's feedback platform, answering on a local webhook.
    ReviewSourceSettings critizr;
    critizr.name = "critizr";
    critizr.token = kCritizrToken;
    critizr.language = "fr";
    critizr.reply_url = platform_.url();
    critizr.reply_secret = kCritizrSecret;
    s.review_sources = {critizr};
    REDRESS_START_TEST_APP(GetParam(), app_, s);
    inbox_ = test::CapturedInbox(smtp_dir_, sender_);
    admin_ = app_->add_user("admin@example.com", "admin");
    gate_ = app_->add_user("mailgate@example.com", "viewer", "mail.intake");
  }

  test::TestResponse call(const test::TestUser& u, const std::string& method, const std::string& path,
                          const json& body = nullptr) {
    return app_->call(u.token, method, path, body.is_null() ? "" : body.dump());
  }

  static std::string path(const json& t) { return "/api/v1/tickets/" + std::to_string(t["id"].get<int64_t>()); }

  // Runs every due job (mail deliveries) and returns the mails delivered since last asked.
  std::vector<test::CapturedMessage> new_mails() {
    EXPECT_TRUE(app_->runner().run_due_once());
    return inbox_.since_last();
  }

  static std::set<std::string> recipients(const std::vector<test::CapturedMessage>& mails) {
    std::set<std::string> out;
    for (const auto& m : mails) out.insert(m.rcpt_tos.begin(), m.rcpt_tos.end());
    return out;
  }

  json inbound(const std::string& from, const std::string& subject, const std::string& id, const std::string& text) {
    const std::string raw = "From: " + from + "\r\nTo: " + sender_ + "\r\nSubject: " + subject + "\r\nMessage-ID: <" +
                            id + ">\r\n\r\n" + text + "\r\n";
    auto r = app_->client()->request("POST", "/api/v1/inbound/mail", raw,
                                     {{"Authorization", "Bearer " + gate_.token}, {"Content-Type", "message/rfc822"}});
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json();
  }

  static constexpr const char* kCritizrToken = "critizr-token-for-seed-004";
  static constexpr const char* kCritizrSecret = "critizr-webhook-secret";

  test::WebhookReceiver platform_;
  std::string smtp_url_;
  std::filesystem::path smtp_dir_;
  std::string sender_;
  std::unique_ptr<test::TestApp> app_;
  test::TestUser admin_, gate_;
  test::CapturedInbox inbox_;
};

// Seed 000: David logs a complaint with two contacts, sends the acknowledgement in French
// with a CC, then moves it to Under Investigation: the Investigator alone is told.
TEST_P(SeedScenarioTest, Seed000AcknowledgementInFrenchAndOnlyTheInvestigatorIsNotified) {
  auto david = app_->add_user("david@acme.example", "agent");
  auto ivan = app_->add_user("ivan@acme.example", "agent");
  auto carla = app_->add_user("carla@acme.example", "agent");
  json complaint = {
      {"workflow", "complaint-investigation"},
      {"subject", "Livraison endommagée"},
      {"description", "Le colis est arrivé écrasé."},
      {"contacts", json::array({{{"email", "jeanne.dupont@client.example"}, {"name", "Jeanne Dupont"}, {"language", "fr"}, {"main", true}},
                                {{"email", "paul.martin@client.example"}, {"name", "Paul Martin"}, {"language", "en"}}})},
      {"assignees", {{"investigator", "ivan@acme.example"}, {"commercial_assignee", "carla@acme.example"}}}};
  auto created = call(david, "POST", "/api/v1/tickets", complaint);
  ASSERT_EQ(created.status, 201) << created.body;
  const json t = created.json();
  EXPECT_TRUE(new_mails().empty()) << "logging a complaint mails nobody by itself";

  // "Send Acknowledgement Mail": all contacts plus a CC; the main contact's language.
  auto ack = call(david, "POST", path(t) + "/acknowledgement", {{"cc", {"qualite@client.example"}}});
  ASSERT_EQ(ack.status, 202) << ack.body;
  auto mails = new_mails();
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_EQ(recipients(mails), (std::set<std::string>{"jeanne.dupont@client.example", "paul.martin@client.example",
                                                       "qualite@client.example"}));
  EXPECT_NE(mails[0].raw.find("\r\nContent-Language: fr\r\n"), std::string::npos);
  EXPECT_NE(header_of(mails[0].raw, "Subject").find("[#" + t["number"].get<std::string>() + "]"), std::string::npos);
  EXPECT_NE(header_of(mails[0].raw, "Cc").find("qualite@client.example"), std::string::npos);

  // Under Investigation: the routing table tells the Investigator, nobody else.
  auto moved = call(david, "POST", path(t) + "/transitions", {{"transition", "investigate"}});
  ASSERT_EQ(moved.status, 200) << moved.body;
  mails = new_mails();
  ASSERT_EQ(mails.size(), 1u) << "exactly one notification";
  EXPECT_EQ(mails[0].rcpt_tos, std::vector<std::string>{"ivan@acme.example"});
  EXPECT_NE(text_of(mails[0].raw).find(t["number"].get<std::string>()), std::string::npos);
  EXPECT_EQ(header_of(mails[0].raw, "Auto-Submitted"), "auto-generated");

  // Commercial review: now the Commercial Assignee, and again only them.
  auto reviewed = call(ivan, "POST", path(t) + "/transitions", {{"transition", "review"}});
  ASSERT_EQ(reviewed.status, 200) << reviewed.body;
  mails = new_mails();
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_EQ(mails[0].rcpt_tos, std::vector<std::string>{"carla@acme.example"});
  (void)carla;
}

// Seed 001: an agent takes a mailed request, a colleague finds it locked, the customer
// writes again and the taker is told; the agent removes the assignment, takes it back,
// postpones it, and it comes back to them on the day.
TEST_P(SeedScenarioTest, Seed001TakeLockNotifyReleasePostponeAndReturn) {
  auto alice = app_->add_user("alice@acme.example", "agent");
  auto bob = app_->add_user("bob@acme.example", "agent");
  auto first = inbound("Marc Petit <marc@client.example>", "Commande 881 incomplète", "c881@client.example",
                       "Il manque un article.");
  const std::string number = first["ticket"]["number"];
  const std::string ticket_path = "/api/v1/tickets/" + number;
  auto acks = new_mails();
  EXPECT_EQ(recipients(acks), std::set<std::string>{"marc@client.example"});

  // "Traiter les tickets": Alice is handed the request and it is hers.
  auto next = call(alice, "POST", "/api/v1/queue/next");
  ASSERT_EQ(next.status, 200) << next.body;
  EXPECT_EQ(next.json()["number"], number);
  EXPECT_EQ(next.json()["status"]["id"], "open");
  auto locked = call(bob, "GET", ticket_path);
  EXPECT_EQ(locked.status, 403);
  EXPECT_EQ(locked.json()["error"]["code"], "ticket_taken");
  EXPECT_EQ(locked.json()["error"]["details"]["holder_email"], "alice@acme.example");
  EXPECT_EQ(call(bob, "POST", "/api/v1/queue/next").status, 204) << "nothing else to process";

  // The customer writes again: Alice, and only Alice, is told; the ticket tops her queue.
  inbound("Marc Petit <marc@client.example>", "Re: [#" + number + "] Commande 881 incomplète", "c881-2@client.example",
          "Je joins la photo du bon de livraison.");
  auto alerts = new_mails();
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].rcpt_tos, std::vector<std::string>{"alice@acme.example"});
  EXPECT_NE(text_of(alerts[0].raw).find("photo du bon de livraison"), std::string::npos) << text_of(alerts[0].raw);
  auto queue = call(alice, "GET", "/api/v1/queue").json();
  ASSERT_FALSE(queue["items"].empty());
  EXPECT_EQ(queue["items"][0]["number"], number);
  EXPECT_TRUE(queue["items"][0]["customer_waiting_since"].is_string());

  // "Supprimer mon affectation": Bob may open it again.
  ASSERT_EQ(call(alice, "DELETE", ticket_path + "/take").status, 200);
  EXPECT_EQ(call(bob, "GET", ticket_path).status, 200);

  // Alice takes it back and postpones it ("A réouvrir plus tard") to tomorrow.
  ASSERT_EQ(call(alice, "POST", ticket_path + "/take").status, 200);
  const std::string tomorrow = format_rfc3339(app_->clock().now() + std::chrono::hours(24));
  auto postponed = call(alice, "POST", ticket_path + "/transitions",
                        {{"transition", "postpone"}, {"fields", {{"reopen_at", tomorrow}}}});
  ASSERT_EQ(postponed.status, 200) << postponed.body;
  EXPECT_EQ(call(alice, "POST", "/api/v1/queue/next").status, 204) << "not before its day";
  app_->clock().advance(std::chrono::hours(25));
  new_mails();  // runs the timer
  auto back = call(alice, "POST", "/api/v1/queue/next");
  ASSERT_EQ(back.status, 200) << back.body;
  EXPECT_EQ(back.json()["number"], number);
  EXPECT_EQ(back.json()["status"]["id"], "open");
  EXPECT_EQ(back.json()["taken_by"]["email"], "alice@acme.example");
  EXPECT_EQ(call(bob, "GET", ticket_path).status, 403);
}

// Seed 003: a customer writes on their request in the portal and gets a receipt, support
// is alerted, the answer reaches the customer with a link to the portal; blocking stops
// the customer's messages (and says so), unblocking lets them through again.
TEST_P(SeedScenarioTest, Seed003CustomerMessageAckAlertReplyBlockUnblock) {
  auto alice = app_->add_user("alice@acme.example", "agent");
  auto customer = app_->add_user("sophie@client.example", "customer");
  auto created = call(alice, "POST", "/api/v1/tickets",
                      {{"workflow", "support-request"},
                       {"subject", "Accès au rapport mensuel"},
                       {"contacts", json::array({{{"email", "sophie@client.example"}, {"name", "Sophie Laurent"},
                                                  {"language", "fr"}, {"main", true}}})}});
  ASSERT_EQ(created.status, 201) << created.body;
  const json t = created.json();
  const std::string number = t["number"];
  ASSERT_EQ(call(alice, "POST", path(t) + "/take").status, 200);
  new_mails();

  auto posted = call(customer, "POST", path(t) + "/messages", {{"body", "Je n'arrive pas à ouvrir le rapport."}});
  ASSERT_EQ(posted.status, 201) << posted.body;
  EXPECT_EQ(posted.json()["kind"], "portal");
  auto mails = new_mails();
  EXPECT_EQ(recipients(mails), (std::set<std::string>{"sophie@client.example", "alice@acme.example"}));
  for (const auto& m : mails) {
    if (m.rcpt_tos == std::vector<std::string>{"alice@acme.example"}) {
      EXPECT_NE(text_of(m.raw).find("ouvrir le rapport"), std::string::npos) << text_of(m.raw);
    } else {
      EXPECT_NE(m.raw.find("\r\nContent-Language: fr\r\n"), std::string::npos) << "the receipt is in French";
    }
  }

  auto reply = call(alice, "POST", path(t) + "/messages", {{"body", "Le rapport est de nouveau disponible."}});
  ASSERT_EQ(reply.status, 201) << reply.body;
  EXPECT_EQ(reply.json()["kind"], "reply");
  mails = new_mails();
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_EQ(mails[0].rcpt_tos, std::vector<std::string>{"sophie@client.example"});
  EXPECT_NE(text_of(mails[0].raw).find("https://desk.example.com/portal/tickets/" + number), std::string::npos)
      << text_of(mails[0].raw);
  const json thread = call(customer, "GET", path(t) + "/messages").json();
  ASSERT_GE(thread["items"].size(), 2u);

  // Blocking is a right of its own: the admin grants it to Alice, who holds the ticket.
  json rights = call(admin_, "GET", "/api/v1/users/" + std::to_string(alice.user.id)).json()["rights"];
  rights.push_back("messages.block");
  ASSERT_EQ(call(admin_, "PATCH", "/api/v1/users/" + std::to_string(alice.user.id), {{"rights", rights}}).status, 200);
  ASSERT_EQ(call(alice, "PUT", path(t) + "/messaging", {{"blocked", true}}).status, 200);
  auto refused = call(customer, "POST", path(t) + "/messages", {{"body", "Et maintenant ?"}});
  EXPECT_EQ(refused.status, 409) << refused.body;
  EXPECT_EQ(refused.json()["error"]["code"], "messaging_blocked");
  EXPECT_EQ(call(customer, "GET", path(t)).json()["messaging_blocked"], true) << "the portal can say so";
  EXPECT_TRUE(new_mails().empty());

  ASSERT_EQ(call(alice, "PUT", path(t) + "/messaging", {{"blocked", false}}).status, 200);
  auto again = call(customer, "POST", path(t) + "/messages", {{"body", "Merci, tout fonctionne."}});
  EXPECT_EQ(again.status, 201) << again.body;
  std::vector<std::string> kinds;
  const json history = call(alice, "GET", path(t) + "/history").json();
  for (const auto& e : history["items"]) kinds.push_back(e["kind"]);
  EXPECT_NE(std::find(kinds.begin(), kinds.end(), "messaging.blocked"), kinds.end());
  EXPECT_NE(std::find(kinds.begin(), kinds.end(), "messaging.unblocked"), kinds.end());
}

// Seed 004: a Critizr review becomes a request (once, however often it is posted). The
// agent processes it from "demandes à traiter": the author never wrote with that address,
// so she searches the contact with the magnifier, creates it with the plus, sets the
// reason, picks the response template offered for that reason, edits it and answers "par
// Critizr"; closing first without any of that is refused with every reason.
TEST_P(SeedScenarioTest, Seed004ReviewQualifiedAnsweredWithATemplateThroughThePlatformAndClosed) {
  auto alice = app_->add_user("alice@acme.example", "agent");
  ASSERT_EQ(call(alice, "PATCH", "/api/v1/users/" + std::to_string(alice.user.id),
                 {{"signature", "Alice\nService clients ACME"}}).status, 200);
  const json reason = call(admin_, "POST", "/api/v1/reasons",
                           {{"workflow", "support-request"}, {"code", "late_delivery"},
                            {"labels", {{"en", "Late delivery"}, {"fr", "Livraison en retard"}}}}).json();
  const json other_reason = call(admin_, "POST", "/api/v1/reasons",
                                 {{"workflow", "support-request"}, {"code", "billing"},
                                  {"labels", {{"en", "Billing"}, {"fr", "Facturation"}}}}).json();
  auto made = call(admin_, "POST", "/api/v1/templates",
                   {{"name", "Retard de livraison"}, {"language", "fr"}, {"reasons", {reason["id"]}},
                    {"subject", "Votre avis sur votre livraison"},
                    {"body", "Bonjour {{contact.name}},\n\nNous sommes désolés du retard de votre commande.\n\n{{agent.signature}}"}});
  ASSERT_EQ(made.status, 201) << made.body;
  ASSERT_EQ(call(admin_, "POST", "/api/v1/templates",
                 {{"name", "Facture"}, {"language", "fr"}, {"reasons", {other_reason["id"]}},
                  {"subject", "Votre facture"}, {"body", "Bonjour {{contact.name}}"}}).status, 201);

  // The platform posts the review, then posts it again (a retry): one request.
  const json review = {{"source", "critizr"}, {"external_id", "cz-4411"},
                       {"author", {{"name", "Hélène Garnier"}, {"email", "helene.garnier@mail.example"}}},
                       {"rating", 1}, {"text", "Livré avec dix jours de retard, aucune excuse."},
                       {"url", "https://critizr.example/r/4411"}};
  auto post_review = [&] {
    return app_->client()->request("POST", "/api/v1/inbound/reviews", review.dump(),
                                   {{"Content-Type", "application/json"}, {"Authorization", std::string("Bearer ") + kCritizrToken}});
  };
  auto first = post_review();
  ASSERT_EQ(first.status, 201) << first.body;
  auto again = post_review();
  EXPECT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.json()["ticket"]["id"], first.json()["ticket"]["id"]);
  const std::string t_path = "/api/v1/tickets/" + std::to_string(first.json()["ticket"]["id"].get<int64_t>());

  // "Demandes à traiter": Alice processes the first one.
  auto next = call(alice, "POST", "/api/v1/queue/next");
  ASSERT_EQ(next.status, 200) << next.body;
  EXPECT_EQ(next.json()["id"], first.json()["ticket"]["id"]);
  json t = call(alice, "GET", t_path).json();
  EXPECT_EQ(t["channel"], "review");
  EXPECT_TRUE(t["main_contact"].is_null()) << "never wrote with this address";
  std::vector<std::string> missing;
  for (const auto& m : t["qualification"]["missing"]) missing.push_back(m["field"]);
  EXPECT_EQ(missing, (std::vector<std::string>{"reason", "contact", "public_reply"})) << t["qualification"].dump();

  // Closing now is refused, naming everything missing.
  auto refused = call(alice, "POST", t_path + "/transitions", {{"transition", "close"}});
  EXPECT_EQ(refused.status, 422) << refused.body;
  for (const char* field : {"reason", "contact", "public_reply"})
    EXPECT_TRUE(refused.json()["error"]["fields"].contains(field)) << field << ": " << refused.body;

  // The magnifier finds nobody by her name; the plus creates her; the profile fills in.
  EXPECT_TRUE(call(alice, "GET", "/api/v1/contacts?q=Garnier").json()["items"].empty());
  auto contact = call(alice, "POST", "/api/v1/contacts",
                      {{"name", "Hélène Garnier"}, {"email", "helene.garnier@mail.example"}, {"language", "fr"}});
  ASSERT_EQ(contact.status, 201) << contact.body;
  ASSERT_EQ(call(alice, "PATCH", t_path,
                 {{"contacts", json::array({{{"id", contact.json()["id"]}, {"main", true}}})}, {"reason", "late_delivery"}})
                .status, 200);
  const json profile = call(alice, "GET", "/api/v1/contacts/" + std::to_string(contact.json()["id"].get<int64_t>())).json();
  ASSERT_EQ(profile["tickets"].size(), 1u);
  EXPECT_EQ(profile["channels"][0]["channel"], "review");

  // The templates offered are those of the reason, rendered for her, in French.
  const json offered = call(alice, "GET", "/api/v1/templates?ticket=" + std::to_string(t["id"].get<int64_t>())).json();
  ASSERT_EQ(offered["items"].size(), 1u) << offered.dump();
  EXPECT_EQ(offered["items"][0]["id"], made.json()["id"]);
  std::string body = offered["items"][0]["rendered"]["body"];
  EXPECT_EQ(body.find("Bonjour Hélène Garnier,"), 0u) << body;
  EXPECT_NE(body.find("Service clients ACME"), std::string::npos) << body;

  // She adds a line and answers through Critizr.
  body.insert(body.find("\n\nAlice"), "\nUn bon d'achat de 10 € vous a été envoyé.");
  auto sent = call(alice, "POST", t_path + "/messages", {{"template", made.json()["id"]}, {"body", body}});
  ASSERT_EQ(sent.status, 201) << sent.body;
  EXPECT_EQ(sent.json()["delivery"]["status"], "pending");
  new_mails();
  const auto hooks = platform_.received();
  ASSERT_EQ(hooks.size(), 1u);
  const auto& hook = hooks[0];
  EXPECT_EQ(hook.headers.at("x-redress-signature"),
            "sha256=" + crypto::hmac_sha256_hex(kCritizrSecret, hook.headers.at("x-redress-timestamp") + "." + hook.body));
  const json payload = json::parse(hook.body);
  EXPECT_EQ(payload["source"], "critizr");
  EXPECT_EQ(payload["external_id"], "cz-4411");
  EXPECT_EQ(payload["body"], body);
  EXPECT_TRUE(new_mails().empty()) << "answered on the platform, not by mail";
  const json thread = call(alice, "GET", t_path + "/messages").json();
  EXPECT_EQ(thread["items"].back()["delivery"]["status"], "delivered");

  // "Demande clôturée": everything is there now.
  auto closed = call(alice, "POST", t_path + "/transitions", {{"transition", "close"}});
  ASSERT_EQ(closed.status, 200) << closed.body;
  EXPECT_EQ(closed.json()["status"]["id"], "closed");
}

// The signed link in a mail, without the base URL ("/confirm/..."); empty when none.
std::string confirm_link_in(const std::string& text) {
  const std::string base = "https://desk.example.com/confirm/";
  const auto at = text.find(base);
  if (at == std::string::npos) return "";
  const auto end = text.find_first_of(" \r\n", at);
  return text.substr(at + base.size() - 9, end == std::string::npos ? std::string::npos : end - at - base.size() + 9);
}

// Seed 002: a customer's complaint is assigned, accepted and resolved; the customer gets a
// mail with an "Issue Resolved" link. Opening it changes nothing; a forged copy is refused
// with a page; pressing the button closes the complaint as the customer; a second press
// finds nothing to confirm.
TEST_P(SeedScenarioTest, Seed002IssueResolvedLinkInTheMailClosesTheComplaint) {
  auto agent = app_->add_user("sam@acme.example", "agent");
  auto tina = app_->add_user("tina@acme.example", "agent");
  json complaint = {{"workflow", "customer-complaint"},
                    {"subject", "Facture en double"},
                    {"description", "J'ai été facturée deux fois."},
                    {"contacts", json::array({{{"email", "lea.roux@client.example"}, {"name", "Léa Roux"},
                                               {"language", "fr"}, {"main", true}}})}};
  auto created = call(agent, "POST", "/api/v1/tickets", complaint);
  ASSERT_EQ(created.status, 201) << created.body;
  const json t = created.json();
  ASSERT_EQ(call(agent, "POST", path(t) + "/transitions",
                 {{"transition", "assign"}, {"fields", {{"assignees", {{"team_member", "tina@acme.example"}}}}}}).status, 200);
  ASSERT_EQ(call(tina, "POST", path(t) + "/transitions", {{"transition", "accept"}}).status, 200);
  new_mails();
  auto resolved = call(tina, "POST", path(t) + "/transitions",
                       {{"transition", "resolve"}, {"note", "Le second prélèvement a été remboursé."}});
  ASSERT_EQ(resolved.status, 200) << resolved.body;
  auto mails = new_mails();
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_EQ(mails[0].rcpt_tos, std::vector<std::string>{"lea.roux@client.example"});
  const std::string text = text_of(mails[0].raw);
  const std::string link = confirm_link_in(text);
  ASSERT_FALSE(link.empty()) << text;
  EXPECT_NE(text.find("Problème résolu"), std::string::npos) << "in her language: " << text;

  // Opening the link shows the button and changes nothing.
  auto client = app_->client();
  auto page = client->request("GET", link);
  EXPECT_EQ(page.status, 200) << page.body;
  EXPECT_NE(page.body.find("<form method=\"post\">"), std::string::npos) << page.body;
  EXPECT_NE(page.body.find("Problème résolu"), std::string::npos);
  EXPECT_NE(page.body.find(t["number"].get<std::string>()), std::string::npos);
  EXPECT_EQ(call(agent, "GET", path(t)).json()["status"]["id"], "confirmation");

  // A forged link: another ticket number in a copied link, or a changed signature.
  std::string forged = link;
  forged.back() = forged.back() == 'a' ? 'b' : 'a';
  for (const std::string& bad : {forged, link.substr(0, link.size() - 10)}) {
    auto refused = client->request("POST", bad, "", {{"Content-Type", "application/x-www-form-urlencoded"},
                                                     {"Accept-Language", "fr-FR,fr;q=0.9,en;q=0.5"}});
    EXPECT_EQ(refused.status, 404) << bad;
    EXPECT_NE(refused.body.find("pas valide"), std::string::npos) << "in the browser's language: " << refused.body;
  }
  EXPECT_EQ(call(agent, "GET", path(t)).json()["status"]["id"], "confirmation") << "a forged link changes nothing";

  // "Issue Resolved": closed, by the customer.
  auto done = client->request("POST", link, "", {{"Content-Type", "application/x-www-form-urlencoded"}});
  EXPECT_EQ(done.status, 200) << done.body;
  EXPECT_NE(done.body.find("Merci"), std::string::npos) << done.body;
  const json closed = call(agent, "GET", path(t)).json();
  EXPECT_EQ(closed["status"]["id"], "closed");
  bool by_customer = false;
  const json history = call(agent, "GET", path(t) + "/history").json();
  for (const auto& e : history["items"]) {
    if (e["kind"] == "transition" && e["data"].value("transition", "") == "confirm")
      by_customer = e.dump().find("lea.roux@client.example") != std::string::npos;
  }
  EXPECT_TRUE(by_customer) << "the history says the customer confirmed";

  // Twice: nothing left to confirm, and the auto-close timer no longer fires.
  auto again = client->request("POST", link, "", {{"Content-Type", "application/x-www-form-urlencoded"}});
  EXPECT_EQ(again.status, 409) << again.body;
  app_->clock().advance(std::chrono::hours(24 * 5));
  new_mails();
  EXPECT_EQ(call(agent, "GET", path(t) + "/history").json()["items"].dump().find("auto_close"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Engines, SeedScenarioTest, ::testing::Values(EngineParam::kSqlite, EngineParam::kPostgres),
                         [](const auto& info) { return test::engine_name(info.param); });

}  // namespace
}  // namespace redress
