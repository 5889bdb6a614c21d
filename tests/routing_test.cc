// The notification routing table end to end, on both engines, with mail delivered to a
// real SMTP server that keeps what it receives: the shipped table as the API shows it, a
// replaced table read back as written, every kind of bad rule refused with nothing
// written, and the mails real changes cause: the investigator and only them when an
// investigation starts, one mail for a team member both assigned and needed, nothing for
// the person who acted, nothing from a disabled row, the customer asked to confirm in
// their language, copies and subject overrides, robots left out, and a customer's mail
// reaching whoever handles the ticket.
#include <gtest/gtest.h>

#include "support/mail_reading.h"
#include "support/mail_servers.h"
#include "support/test_app.h"

namespace redress {
namespace {

using test::EngineParam;
using json = nlohmann::json;

constexpr const char* kBaseUrl = "https://desk.example";

// What a recipient got, decoded.
struct Delivered {
  std::vector<std::string> to;  // envelope recipients
  std::string subject;
  std::string text;  // the text/plain part
  std::string auto_submitted;
  std::string raw;
};

Delivered decode(const test::CapturedMessage& m) {
  Delivered d;
  d.to = m.rcpt_tos;
  d.raw = m.raw;
  d.subject = test::header_of(m.raw, "Subject");
  d.text = test::text_of(m.raw);
  d.auto_submitted = test::header_of(m.raw, "Auto-Submitted");
  return d;
}

class RoutingTest : public ::testing::TestWithParam<EngineParam> {
 protected:
  void SetUp() override {
    REDRESS_REQUIRE_SMTP(smtp_url_, smtp_dir_);
    sender_ = test::unique_sender();
    Settings s = test::smtp_settings(smtp_url_, sender_);
    s.server.base_url = kBaseUrl;
    REDRESS_START_TEST_APP(GetParam(), app_, s);
    inbox_ = test::CapturedInbox(smtp_dir_, sender_);
    admin_ = app_->add_user("admin@example.com", "admin");
    agent_ = app_->add_user("alex@example.com", "agent");
    member_ = app_->add_user("mia@example.com", "agent");
    investigator_ = app_->add_user("ivan@example.com", "agent");
    commercial_ = app_->add_user("cora@example.com", "agent");
    gate_ = app_->add_user("mailgate@example.com", "viewer", "mail.intake");
  }

  // Runs the due jobs (the mail.send ones deliver by SMTP) and returns what arrived since
  // the last call.
  std::vector<Delivered> fresh() {
    auto ran = app_->runner().run_due_once();
    EXPECT_TRUE(ran) << ran.error().message;
    std::vector<Delivered> out;
    for (const auto& m : inbox_.since_last()) out.push_back(decode(m));
    return out;
  }

  static std::set<std::string> recipients_of(const std::vector<Delivered>& mails) {
    std::set<std::string> out;
    for (const auto& m : mails) out.insert(m.to.begin(), m.to.end());
    return out;
  }

  json create(const std::string& workflow, json contacts = nullptr) {
    if (contacts.is_null())
      contacts = json::array({{{"email", "claire@example.fr"}, {"name", "Claire Martin"}, {"language", "fr"}, {"main", true}}});
    auto r = app_->call(agent_.token, "POST", "/api/v1/tickets",
                        json{{"workflow", workflow}, {"subject", "Broken vase"}, {"contacts", contacts}}.dump());
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json();
  }

  static std::string path_of(const json& ticket) { return "/api/v1/tickets/" + std::to_string(ticket["id"].get<int64_t>()); }

  test::TestResponse transition(const test::TestUser& who, const json& ticket, const json& body) {
    return app_->call(who.token, "POST", path_of(ticket) + "/transitions", body.dump());
  }

  // The data of the ticket's last transition event.
  json last_transition(const json& ticket) {
    auto h = app_->call(agent_.token, "GET", path_of(ticket) + "/history");
    EXPECT_EQ(h.status, 200) << h.body;
    json last;
    const json history = h.json();
    for (const auto& e : history["items"]) {
      if (e["kind"] == "transition") last = e["data"];
    }
    return last;
  }

  test::TestResponse put_routing(const json& rules) {
    return app_->call(admin_.token, "PUT", "/api/v1/routing", json{{"rules", rules}}.dump());
  }

  json routing() {
    auto r = app_->call(admin_.token, "GET", "/api/v1/routing");
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json();
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

  std::string smtp_url_;
  std::filesystem::path smtp_dir_;
  std::string sender_;
  test::CapturedInbox inbox_;
  std::unique_ptr<test::TestApp> app_;
  test::TestUser admin_, agent_, member_, investigator_, commercial_, gate_;
};

// The members a rule is written with, as GET shows them.
json written(const json& rule) {
  json out = rule;
  out.erase("id");
  out.erase("position");
  out.erase("updated_at");
  return out;
}

// GET, edit, PUT back: what GET adds (id, position, updated_at) is accepted and ignored.
TEST_P(RoutingTest, ATableReadWithGetCanBeSentBackAsIs) {
  json table = routing();
  ASSERT_FALSE(table["rules"].empty());
  table["rules"][0]["enabled"] = false;
  json body = {{"rules", table["rules"]}};
  auto put = app_->call(admin_.token, "PUT", "/api/v1/routing", body.dump());
  ASSERT_EQ(put.status, 200) << put.body;
  const json after = routing();
  ASSERT_EQ(after["rules"].size(), table["rules"].size());
  for (size_t i = 0; i < after["rules"].size(); ++i)
    EXPECT_EQ(written(after["rules"][i]), written(table["rules"][i])) << i;
  EXPECT_EQ(after["rules"][0]["enabled"], false);
}

TEST_P(RoutingTest, TheShippedTableIsShownToAdminsOnly) {
  const json table = routing();
  const json& rules = table["rules"];
  ASSERT_EQ(rules.size(), 9u) << table.dump(2);
  const json expected[] = {
      {{"workflow", "complaint-investigation"}, {"event", "status_entered"}, {"status", "under_investigation"},
       {"to", {"role:investigator"}}, {"template", "action_needed"}},
      {{"workflow", "complaint-investigation"}, {"event", "status_entered"}, {"status", "commercial_review"},
       {"to", {"role:commercial_assignee"}}, {"template", "action_needed"}},
      {{"workflow", "customer-complaint"}, {"event", "status_entered"}, {"status", "team_member_assigned"},
       {"to", {"role:team_member"}}, {"template", "action_needed"}},
      {{"workflow", "customer-complaint"}, {"event", "status_entered"}, {"status", "confirmation"},
       {"to", {"main_contact"}}, {"template", "confirmation_request"}},
      {{"workflow", "*"}, {"event", "customer_message"}, {"to", {"handlers"}}, {"template", "customer_message_alert"}},
      {{"workflow", "*"}, {"event", "customer_message"}, {"channel", "portal"}, {"to", {"author"}},
       {"template", "message_acknowledgement"}},
      {{"workflow", "*"}, {"event", "support_reply"}, {"to", {"main_contact"}}, {"cc", {"contacts"}},
       {"template", "support_reply"}},
      {{"workflow", "*"}, {"event", "note"}, {"to", {"handlers"}}, {"template", "note_alert"}, {"enabled", false}},
      {{"workflow", "*"}, {"event", "assigned"}, {"to", {"assignee"}}, {"template", "assigned"}},
  };
  for (size_t i = 0; i < rules.size(); ++i) {
    SCOPED_TRACE("rule " + std::to_string(i));
    for (const auto& [key, value] : expected[i].items()) EXPECT_EQ(rules[i][key], value) << key;
    EXPECT_EQ(rules[i]["position"], i + 1);
    if (!expected[i].contains("enabled")) {
      EXPECT_EQ(rules[i]["enabled"], true);
    }
    for (const char* empty : {"role", "subject"}) EXPECT_EQ(rules[i][empty], "");
  }
  EXPECT_EQ(table["events"],
            json::array({"status_entered", "customer_message", "support_reply", "note", "assigned"}));
  for (const char* token : {"role:<role>", "taker", "handlers", "assignees", "assignee", "main_contact", "contacts", "author"})
    EXPECT_NE(std::find(table["tokens"].begin(), table["tokens"].end(), token), table["tokens"].end()) << token;

  for (const auto* who : {&agent_, &gate_}) {
    auto r = app_->call(who->token, "GET", "/api/v1/routing");
    EXPECT_EQ(r.status, 403) << r.body;
  }
}

TEST_P(RoutingTest, APutTableReadsBackAsWrittenAndIsRecorded) {
  const json rules = json::array(
      {{{"workflow", "customer-complaint"}, {"event", "status_entered"}, {"status", "in_progress"}, {"role", ""},
        {"channel", ""}, {"to", {"role:team_member"}}, {"cc", {"contacts"}}, {"bcc", {"audit@example.org"}},
        {"template", "action_needed"}, {"subject", "{{number}} accepted"}, {"enabled", true}},
       {{"workflow", "*"}, {"event", "assigned"}, {"status", ""}, {"role", "investigator"}, {"channel", ""},
        {"to", {"assignee"}}, {"cc", json::array()}, {"bcc", json::array()}, {"template", "assigned"},
        {"subject", ""}, {"enabled", false}}});
  const int64_t events_before = app_->count("events");
  auto put = put_routing(rules);
  ASSERT_EQ(put.status, 200) << put.body;
  const json table = routing();
  ASSERT_EQ(table["rules"].size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(written(table["rules"][i]), rules[i]);
    EXPECT_EQ(table["rules"][i]["position"], i + 1);
  }
  EXPECT_EQ(put.json()["rules"], table["rules"]);

  // Members left out take their defaults.
  auto minimal = put_routing(json::array({{{"workflow", "*"}, {"event", "note"}, {"bcc", {"handlers"}},
                                           {"template", "note_alert"}}}));
  ASSERT_EQ(minimal.status, 200) << minimal.body;
  EXPECT_EQ(written(routing()["rules"][0]),
            (json{{"workflow", "*"}, {"event", "note"}, {"status", ""}, {"role", ""}, {"channel", ""},
                  {"to", json::array()}, {"cc", json::array()}, {"bcc", {"handlers"}}, {"template", "note_alert"},
                  {"subject", ""}, {"enabled", true}}));

  // Each replacement is one event, with the table before and after.
  EXPECT_EQ(app_->count("events"), events_before + 2);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM events WHERE entity = 'routing' AND kind = 'routing.replaced' AND "
                   "actor_user_id = ?",
                   {admin_.user.id}),
            2);

  // An empty table is a table: nobody is told of anything.
  ASSERT_EQ(put_routing(json::array()).status, 200);
  EXPECT_TRUE(routing()["rules"].empty());

  auto refused = app_->call(agent_.token, "PUT", "/api/v1/routing", json{{"rules", rules}}.dump());
  EXPECT_EQ(refused.status, 403) << refused.body;
  EXPECT_TRUE(routing()["rules"].empty());
}

TEST_P(RoutingTest, EachBadRuleIs422NamingItAndNothingIsWritten) {
  const json good = {{"workflow", "complaint-investigation"}, {"event", "status_entered"},
                     {"status", "under_investigation"}, {"to", {"role:investigator"}}, {"template", "action_needed"}};
  auto spoilt = [&](const json& patch) {
    json r = good;
    for (const auto& [k, v] : patch.items()) {
      if (v.is_null()) {
        r.erase(k);
      } else {
        r[k] = v;
      }
    }
    return r;
  };
  const std::vector<std::pair<json, std::string>> cases = {
      {spoilt({{"workflow", "no-such-flow"}}), "rules[1].workflow"},
      {spoilt({{"workflow", nullptr}}), "rules[1].workflow"},
      {spoilt({{"event", "closed"}}), "rules[1].event"},
      {spoilt({{"status", nullptr}}), "rules[1].status"},
      {spoilt({{"status", "nowhere"}}), "rules[1].status"},
      {spoilt({{"workflow", "*"}}), "rules[1].workflow"},
      {spoilt({{"event", "assigned"}, {"status", nullptr}, {"role", "pilot"}, {"to", {"assignee"}}}), "rules[1].role"},
      {spoilt({{"channel", "mail"}}), "rules[1].channel"},
      {spoilt({{"to", {"role:pilot"}}}), "rules[1].to"},
      {spoilt({{"to", {"role:team_member"}}}), "rules[1].to"},
      {spoilt({{"to", {"takker"}}}), "rules[1].to"},
      {spoilt({{"cc", {"bob@@example.com"}}}), "rules[1].cc"},
      {spoilt({{"bcc", {"assignee"}}}), "rules[1].bcc"},
      {spoilt({{"to", json::array()}}), "rules[1].to"},
      {spoilt({{"to", "role:investigator"}}), "rules[1].to"},
      {spoilt({{"template", "no_such_template"}}), "rules[1].template"},
      {spoilt({{"template", nullptr}}), "rules[1].template"},
      {spoilt({{"subject", "{{#open}} never closed"}}), "rules[1].subject"},
      {spoilt({{"enabled", "yes"}}), "rules[1].enabled"},
      {spoilt({{"colour", "red"}}), "rules[1].colour"},
      {json("not a rule"), "rules[1]"},
  };
  const json before = routing();
  const int64_t events_before = app_->count("events");
  for (const auto& [bad, field] : cases) {
    auto r = put_routing(json::array({good, bad}));
    EXPECT_EQ(r.status, 422) << bad.dump() << " -> " << r.body;
    const json fields = r.json()["error"]["fields"];
    EXPECT_TRUE(fields.contains(field)) << bad.dump() << ": expected " << field << " in " << r.body;
    for (const auto& [name, why] : fields.items())
      EXPECT_TRUE(name.starts_with("rules[1]")) << bad.dump() << ": " << name << " " << why;
  }
  // Problems outside the rules, and several at once.
  auto no_rules = app_->call(admin_.token, "PUT", "/api/v1/routing", json{{"table", json::array()}}.dump());
  EXPECT_EQ(no_rules.status, 422);
  EXPECT_TRUE(no_rules.json()["error"]["fields"].contains("rules")) << no_rules.body;
  EXPECT_TRUE(no_rules.json()["error"]["fields"].contains("table")) << no_rules.body;
  auto several = put_routing(json::array({spoilt({{"event", "closed"}}), good, spoilt({{"template", "nope"}})}));
  ASSERT_EQ(several.status, 422);
  EXPECT_TRUE(several.json()["error"]["fields"].contains("rules[0].event")) << several.body;
  EXPECT_TRUE(several.json()["error"]["fields"].contains("rules[2].template")) << several.body;

  EXPECT_EQ(routing(), before);
  EXPECT_EQ(app_->count("events"), events_before);
  EXPECT_EQ(app_->count("routing_rules"), 9);
}

TEST_P(RoutingTest, StartingAnInvestigationMailsTheInvestigatorOnly) {
  auto t = create("complaint-investigation");
  const std::string number = t["number"];
  // The commercial assignee, named first, is told they were assigned (and only that).
  auto named = app_->call(agent_.token, "PUT", path_of(t) + "/assignees/commercial_assignee",
                          json{{"user", commercial_.user.email}}.dump());
  ASSERT_EQ(named.status, 200) << named.body;
  auto first = fresh();
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].to, std::vector<std::string>{"cora@example.com"});
  EXPECT_NE(first[0].subject.find("Assigned to you"), std::string::npos) << first[0].subject;
  EXPECT_NE(first[0].text.find("commercial assignee"), std::string::npos) << first[0].text;

  auto r = transition(agent_, t, {{"transition", "investigate"},
                                  {"note", "Photos attached by the customer"},
                                  {"fields", {{"assignees", {{"investigator", investigator_.user.email}}}}}});
  ASSERT_EQ(r.status, 200) << r.body;
  auto mails = fresh();
  // Not the commercial assignee, not the agent who acted, not the customer.
  ASSERT_EQ(mails.size(), 1u) << ::testing::PrintToString(recipients_of(mails));
  const Delivered& m = mails[0];
  EXPECT_EQ(m.to, std::vector<std::string>{"ivan@example.com"});
  EXPECT_NE(m.subject.find("[#" + number + "]"), std::string::npos) << m.subject;
  EXPECT_NE(m.subject.find("Action needed"), std::string::npos) << m.subject;
  EXPECT_NE(m.subject.find("Under Investigation"), std::string::npos) << m.subject;
  EXPECT_NE(m.text.find("Hello User ivan"), std::string::npos) << m.text;
  EXPECT_NE(m.text.find("Photos attached by the customer"), std::string::npos) << m.text;
  EXPECT_NE(m.text.find(std::string(kBaseUrl) + "/tickets/" + number), std::string::npos) << m.text;
  EXPECT_EQ(m.auto_submitted, "auto-generated");
  EXPECT_EQ(last_transition(t)["notified"], json::array({"ivan@example.com"}));
  // A staff alert is not part of the conversation with the customer.
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM messages WHERE ticket_id = ? AND kind = 'mail_out'", {t["id"].get<int64_t>()}), 0);
}

TEST_P(RoutingTest, ATeamMemberAssignedIntoTheirStepIsMailedOnce) {
  auto t = create("customer-complaint");
  auto r = transition(agent_, t, {{"transition", "assign"}, {"fields", {{"assignees", {{"team_member", member_.user.email}}}}}});
  ASSERT_EQ(r.status, 200) << r.body;
  auto mails = fresh();
  // Both the status row (team_member_assigned) and the assigned row name them: the status
  // row, raised first, decides.
  ASSERT_EQ(mails.size(), 1u) << ::testing::PrintToString(recipients_of(mails));
  EXPECT_EQ(mails[0].to, std::vector<std::string>{"mia@example.com"});
  EXPECT_NE(mails[0].subject.find("Action needed"), std::string::npos) << mails[0].subject;
  EXPECT_EQ(last_transition(t)["notified"], json::array({"mia@example.com"}));
}

TEST_P(RoutingTest, WhoActsIsNotMailedAboutIt) {
  auto complaint = create("customer-complaint");
  ASSERT_EQ(transition(agent_, complaint, {{"transition", "assign"}, {"fields", {{"assignees", {{"team_member", agent_.user.id}}}}}})
                .status,
            200);
  auto investigation = create("complaint-investigation");
  ASSERT_EQ(app_->call(agent_.token, "PUT", path_of(investigation) + "/assignees/investigator",
                       json{{"user", agent_.user.email}}.dump())
                .status,
            200);
  ASSERT_EQ(transition(agent_, investigation, {{"transition", "investigate"}}).status, 200);
  EXPECT_TRUE(fresh().empty());
  EXPECT_FALSE(last_transition(complaint).contains("notified")) << last_transition(complaint).dump();
  EXPECT_FALSE(last_transition(investigation).contains("notified"));
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM mail_messages WHERE direction = 'out'"), 0);
}

TEST_P(RoutingTest, ADisabledRowSendsNothing) {
  json rules = json::array({{{"workflow", "customer-complaint"}, {"event", "status_entered"},
                             {"status", "team_member_assigned"}, {"to", {"role:team_member"}},
                             {"template", "action_needed"}, {"enabled", false}},
                            {{"workflow", "*"}, {"event", "assigned"}, {"to", {"assignee"}}, {"template", "assigned"},
                             {"enabled", false}}});
  ASSERT_EQ(put_routing(rules).status, 200);
  auto quiet = create("customer-complaint");
  ASSERT_EQ(transition(agent_, quiet, {{"transition", "assign"}, {"fields", {{"assignees", {{"team_member", member_.user.id}}}}}})
                .status,
            200);
  EXPECT_TRUE(fresh().empty());
  EXPECT_FALSE(last_transition(quiet).contains("notified"));

  // The same change with the status row switched back on mails the team member.
  rules[0]["enabled"] = true;
  ASSERT_EQ(put_routing(rules).status, 200);
  auto heard = create("customer-complaint");
  ASSERT_EQ(transition(agent_, heard, {{"transition", "assign"}, {"fields", {{"assignees", {{"team_member", member_.user.id}}}}}})
                .status,
            200);
  auto mails = fresh();
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_EQ(mails[0].to, std::vector<std::string>{"mia@example.com"});
}

TEST_P(RoutingTest, TheCustomerIsAskedToConfirmInTheirLanguageOnTheThread) {
  auto t = create("customer-complaint");
  const std::string number = t["number"];
  ASSERT_EQ(transition(agent_, t, {{"transition", "assign"}, {"fields", {{"assignees", {{"team_member", member_.user.id}}}}}})
                .status,
            200);
  ASSERT_EQ(transition(member_, t, {{"transition", "accept"}}).status, 200);
  fresh();
  ASSERT_EQ(transition(member_, t, {{"transition", "resolve"}, {"note", "Un vase neuf est parti ce matin."}}).status, 200);
  auto mails = fresh();
  ASSERT_EQ(mails.size(), 1u) << ::testing::PrintToString(recipients_of(mails));
  const Delivered& m = mails[0];
  EXPECT_EQ(m.to, std::vector<std::string>{"claire@example.fr"});
  EXPECT_NE(m.subject.find("merci de confirmer"), std::string::npos) << m.subject;
  EXPECT_NE(m.raw.find("\r\nContent-Language: fr\r\n"), std::string::npos);
  EXPECT_NE(m.text.find("Bonjour Claire Martin"), std::string::npos) << m.text;
  EXPECT_NE(m.text.find("Un vase neuf est parti ce matin."), std::string::npos) << m.text;
  // Seed 002's button is in the mail itself: a link signed for this ticket and contact.
  const std::string link = std::string(kBaseUrl) + "/confirm/" + std::to_string(t["id"].get<int64_t>()) + "." +
                           std::to_string(t["main_contact"]["id"].get<int64_t>()) + ".confirm.";
  EXPECT_NE(m.text.find(link), std::string::npos) << m.text;
  EXPECT_EQ(m.auto_submitted, "auto-generated");
  EXPECT_EQ(last_transition(t)["notified"], json::array({"claire@example.fr"}));
  // Customer mails join the thread, so that a reply finds its way back.
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM messages WHERE ticket_id = ? AND kind = 'mail_out'", {t["id"].get<int64_t>()}), 1);
}

TEST_P(RoutingTest, ARowCanCopyEveryContactAndAFixedAddressUnderItsOwnSubject) {
  ASSERT_EQ(put_routing(json::array({{{"workflow", "customer-complaint"}, {"event", "status_entered"},
                                      {"status", "in_progress"}, {"to", {"role:team_member"}}, {"cc", {"contacts"}},
                                      {"bcc", {"Audit@Example.org", "claire@example.fr"}},
                                      {"template", "action_needed"},
                                      {"subject", "{{number}} is {{status}}, taken on by {{actor_name}}"}}}))
                .status,
            200);
  auto t = create("customer-complaint",
                  json::array({{{"email", "claire@example.fr"}, {"name", "Claire Martin"}, {"language", "fr"}, {"main", true}},
                               {{"email", "paul@example.com"}, {"name", "Paul Smith"}, {"language", "en"}}}));
  const std::string number = t["number"];
  ASSERT_EQ(transition(agent_, t, {{"transition", "assign"}, {"fields", {{"assignees", {{"team_member", member_.user.id}}}}}})
                .status,
            200);
  EXPECT_TRUE(fresh().empty());  // this table has no row for team_member_assigned
  ASSERT_EQ(transition(member_, t, {{"transition", "accept"}}).status, 200);
  auto mails = fresh();
  // The team member accepted: they are the actor. Claire once, though named twice.
  EXPECT_EQ(recipients_of(mails), (std::set<std::string>{"claire@example.fr", "paul@example.com", "audit@example.org"}));
  ASSERT_EQ(mails.size(), 3u);
  for (const auto& m : mails) {
    ASSERT_EQ(m.to.size(), 1u);  // one mail per person: nobody sees the other addresses
    // Each in their own language; the fixed address, not a contact, in the ticket's (French).
    const std::string status = m.to[0] == "paul@example.com" ? "In Progress" : "En cours";
    EXPECT_EQ(m.subject, "[#" + number + "] " + number + " is " + status + ", taken on by User mia") << m.to[0];
  }
  EXPECT_EQ(last_transition(t)["notified"].size(), 3u);
}

TEST_P(RoutingTest, RobotAddressesAreLeftOutAndTheChangeStillHappens) {
  auto t = create("customer-complaint",
                  json::array({{{"email", "noreply@shop.example"}, {"name", "Shop robot"}, {"main", true}}}));
  ASSERT_EQ(transition(agent_, t, {{"transition", "assign"}, {"fields", {{"assignees", {{"team_member", member_.user.id}}}}}})
                .status,
            200);
  ASSERT_EQ(transition(member_, t, {{"transition", "accept"}}).status, 200);
  fresh();
  auto resolved = transition(member_, t, {{"transition", "resolve"}, {"note", "Done"}});
  ASSERT_EQ(resolved.status, 200) << resolved.body;
  EXPECT_EQ(resolved.json()["status"]["id"], "confirmation");
  EXPECT_TRUE(fresh().empty());
  EXPECT_FALSE(last_transition(t).contains("notified"));
}

TEST_P(RoutingTest, ACustomerMailReachesTheRoleHoldersOfAnUntakenTicket) {
  auto t = create("customer-complaint");
  const std::string number = t["number"];
  ASSERT_EQ(transition(agent_, t, {{"transition", "assign"}, {"fields", {{"assignees", {{"team_member", member_.user.id}}}}}})
                .status,
            200);
  fresh();
  const std::string raw = "From: Claire Martin <claire@example.fr>\r\nTo: " + sender_ + "\r\nSubject: Re: [#" + number +
                          "] Broken vase\r\nMessage-ID: <reply-1@example.fr>\r\n\r\nAvez-vous du nouveau ?\r\n";
  auto r = app_->client()->request("POST", "/api/v1/inbound/mail", raw,
                                   {{"Authorization", "Bearer " + gate_.token}, {"Content-Type", "message/rfc822"}});
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json()["routing_detail"]["notified"], json::array({"mia@example.com"})) << r.body;
  auto mails = fresh();
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_EQ(mails[0].to, std::vector<std::string>{"mia@example.com"});
  EXPECT_NE(mails[0].subject.find("New customer message"), std::string::npos) << mails[0].subject;
  EXPECT_NE(mails[0].text.find("Claire Martin wrote"), std::string::npos) << mails[0].text;
  EXPECT_NE(mails[0].text.find("Avez-vous du nouveau ?"), std::string::npos) << mails[0].text;
}

INSTANTIATE_TEST_SUITE_P(Engines, RoutingTest, ::testing::Values(EngineParam::kSqlite, EngineParam::kPostgres),
                         [](const auto& info) { return test::engine_name(info.param); });

}  // namespace
}  // namespace redress
