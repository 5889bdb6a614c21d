// Who works on what (seed 001), end to end on both engines: taking a ticket locks it to
// its taker, the queue orders each agent's work, "process next" never hands one ticket
// to two agents, and admins edit an account's rights.
#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <set>
#include <thread>

#include "service/mail_intake_service.h"
#include "support/test_app.h"

namespace redress {
namespace {

using test::EngineParam;
using json = nlohmann::json;

class DeskTest : public ::testing::TestWithParam<EngineParam> {
 protected:
  void SetUp() override {
    REDRESS_START_TEST_APP(GetParam(), app_);
    admin_ = app_->add_user("admin@example.com", "admin");
    alice_ = app_->add_user("alice@example.com", "agent");
    bob_ = app_->add_user("bob@example.com", "agent");
    viewer_ = app_->add_user("viewer@example.com", "viewer");
  }

  json create(const std::string& subject, const std::string& workflow = "support-request") {
    json body = {{"workflow", workflow},
                 {"subject", subject},
                 {"contacts", json::array({{{"email", "client@example.org"}, {"name", "Client"}, {"main", true}}})}};
    auto r = app_->call(admin_.token, "POST", "/api/v1/tickets", body.dump());
    EXPECT_EQ(r.status, 201) << r.body;
    app_->clock().advance(std::chrono::seconds(1));  // distinct created_at: oldest-first is testable
    return r.json();
  }

  static std::string path(const json& t) { return "/api/v1/tickets/" + std::to_string(t["id"].get<int64_t>()); }

  std::vector<std::string> kinds(const json& t) {
    std::vector<std::string> out;
    const json history = app_->call(admin_.token, "GET", path(t) + "/history").json();  // named: see range-for below
    for (const auto& e : history["items"]) out.push_back(e["kind"]);
    return out;
  }

  std::vector<std::string> queue_subjects(const test::TestUser& u) {
    auto r = app_->call(u.token, "GET", "/api/v1/queue");
    EXPECT_EQ(r.status, 200) << r.body;
    std::vector<std::string> out;
    const json page = r.json();
    for (const auto& item : page["items"]) out.push_back(item["subject"].get<std::string>() + "/" + item["section"].get<std::string>());
    return out;
  }

  std::unique_ptr<test::TestApp> app_;
  test::TestUser admin_, alice_, bob_, viewer_;
};

TEST_P(DeskTest, TakingANewRequestOpensItAndRecordsWhoTookIt) {
  auto t = create("Parcel lost");
  auto r = app_->call(alice_.token, "POST", path(t) + "/take");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["taken_by"]["email"], "alice@example.com");
  EXPECT_EQ(r.json()["status"]["id"], "open");
  EXPECT_TRUE(r.json()["taken_at"].is_string());
  auto k = kinds(t);
  EXPECT_NE(std::find(k.begin(), k.end(), "ticket.taken"), k.end());
  EXPECT_NE(std::find(k.begin(), k.end(), "transition"), k.end());
  // Taking it again changes nothing.
  auto events = app_->count("events");
  ASSERT_EQ(app_->call(alice_.token, "POST", path(t) + "/take").status, 200);
  EXPECT_EQ(app_->count("events"), events);
}

TEST_P(DeskTest, OnlyTheTakerMayOpenOrActOnATakenTicket) {
  auto t = create("Wrong size");
  ASSERT_EQ(app_->call(alice_.token, "POST", path(t) + "/take").status, 200);
  auto events = app_->count("events");
  for (auto [method, suffix, body] : std::vector<std::tuple<std::string, std::string, std::string>>{
           {"GET", "", ""},
           {"GET", "/history", ""},
           {"PATCH", "", R"({"language":"fr"})"},
           {"POST", "/transitions", R"({"transition":"close","note":"done"})"},
           {"POST", "/acknowledgement", "{}"}}) {
    auto r = app_->call(bob_.token, method, path(t) + suffix, body);
    EXPECT_EQ(r.status, 403) << method << suffix << " " << r.body;
    EXPECT_EQ(r.json()["error"]["code"], "ticket_taken") << r.body;
    EXPECT_EQ(r.json()["error"]["details"]["holder"], "User alice") << r.body;
    EXPECT_EQ(r.json()["error"]["details"]["holder_email"], "alice@example.com");
  }
  EXPECT_EQ(app_->count("events"), events);
  // Taking it: 409 naming the holder.
  auto taken = app_->call(bob_.token, "POST", path(t) + "/take");
  EXPECT_EQ(taken.status, 409) << taken.body;
  EXPECT_EQ(taken.json()["error"]["code"], "ticket_taken");
  EXPECT_EQ(taken.json()["error"]["details"]["holder"], "User alice");
  // Removing someone else's assignment needs tickets.release.
  EXPECT_EQ(app_->call(bob_.token, "DELETE", path(t) + "/take").status, 403);
  // Lists show who holds it.
  auto list = app_->call(bob_.token, "GET", "/api/v1/tickets").json();
  ASSERT_EQ(list["items"].size(), 1u);
  EXPECT_EQ(list["items"][0]["taken_by"]["email"], "alice@example.com");
  // The taker acts freely.
  EXPECT_EQ(app_->call(alice_.token, "PATCH", path(t), R"({"language":"fr"})").status, 200);
}

TEST_P(DeskTest, AdminMayReadAndReleaseButNotActWithoutReleasing) {
  auto t = create("Refund");
  ASSERT_EQ(app_->call(alice_.token, "POST", path(t) + "/take").status, 200);
  EXPECT_EQ(app_->call(admin_.token, "GET", path(t)).status, 200);
  auto act = app_->call(admin_.token, "PATCH", path(t), R"({"language":"fr"})");
  EXPECT_EQ(act.status, 403) << act.body;
  auto released = app_->call(admin_.token, "DELETE", path(t) + "/take");
  ASSERT_EQ(released.status, 200) << released.body;
  EXPECT_TRUE(released.json()["taken_by"].is_null());
  auto history = app_->call(admin_.token, "GET", path(t) + "/history").json()["items"];
  const auto& last = history.back();
  EXPECT_EQ(last["kind"], "ticket.released");
  EXPECT_EQ(last["data"]["why"], "released");
  EXPECT_EQ(last["from"], std::to_string(alice_.user.id));
  // Now Bob can take it.
  EXPECT_EQ(app_->call(bob_.token, "POST", path(t) + "/take").status, 200);
}

TEST_P(DeskTest, RemovingMyAssignmentReturnsTheTicketToEveryone) {
  auto t = create("Late delivery");
  ASSERT_EQ(app_->call(alice_.token, "POST", path(t) + "/take").status, 200);
  auto r = app_->call(alice_.token, "DELETE", path(t) + "/take");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(r.json()["taken_by"].is_null());
  EXPECT_EQ(r.json()["status"]["id"], "open");  // stays open: someone looked at it
  EXPECT_EQ(app_->call(bob_.token, "GET", path(t)).status, 200);
  EXPECT_EQ(kinds(t).back(), "ticket.released");
  // Releasing an untaken ticket changes nothing.
  auto events = app_->count("events");
  EXPECT_EQ(app_->call(alice_.token, "DELETE", path(t) + "/take").status, 200);
  EXPECT_EQ(app_->count("events"), events);
}

TEST_P(DeskTest, BadTakesAreRefusedAndWriteNothing) {
  auto t = create("Broken");
  auto events = app_->count("events");
  auto viewer = app_->call(viewer_.token, "POST", path(t) + "/take");
  EXPECT_EQ(viewer.status, 403) << viewer.body;
  EXPECT_EQ(viewer.json()["error"]["code"], "right_missing");
  EXPECT_EQ(app_->call(alice_.token, "POST", "/api/v1/tickets/999999/take").status, 404);
  EXPECT_EQ(app_->call(viewer_.token, "GET", "/api/v1/queue").status, 403);
  EXPECT_EQ(app_->call(viewer_.token, "POST", "/api/v1/queue/next").status, 403);
  auto bad_limit = app_->call(alice_.token, "GET", "/api/v1/queue?limit=0");
  EXPECT_EQ(bad_limit.status, 422);
  auto unknown = app_->call(alice_.token, "GET", "/api/v1/queue?sort=new");
  EXPECT_EQ(unknown.status, 422);
  EXPECT_TRUE(unknown.json()["error"]["fields"].contains("sort")) << unknown.body;
  EXPECT_EQ(app_->count("events"), events);
  // A closed ticket is not taken.
  auto inv = create("Investigate", "complaint-investigation");
  for (const char* step : {R"({"transition":"investigate","fields":{"assignees":{"investigator":"admin@example.com"}}})",
                           R"({"transition":"review","fields":{"assignees":{"commercial_assignee":"admin@example.com"}}})",
                           R"({"transition":"close"})"}) {
    auto moved = app_->call(admin_.token, "POST", path(inv) + "/transitions", step);
    ASSERT_EQ(moved.status, 200) << moved.body;
  }
  auto r = app_->call(alice_.token, "POST", path(inv) + "/take");
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(r.json()["error"]["code"], "ticket_closed");
}

TEST_P(DeskTest, QueuePutsMyTicketsFirstThenUnclaimedOldestFirst) {
  auto a = create("A");
  auto b = create("B");
  auto c = create("C");
  auto d = create("D");
  ASSERT_EQ(app_->call(bob_.token, "POST", path(a) + "/take").status, 200);    // Bob's: not in Alice's queue
  ASSERT_EQ(app_->call(alice_.token, "POST", path(d) + "/take").status, 200);  // Alice's own
  EXPECT_EQ(queue_subjects(alice_), (std::vector<std::string>{"D/mine", "B/unassigned", "C/unassigned"}));
  EXPECT_EQ(queue_subjects(bob_), (std::vector<std::string>{"A/mine", "B/unassigned", "C/unassigned"}));
  // Postponed: gone from the queue until its date, then back in the taker's.
  app_->clock().advance(std::chrono::seconds(1));
  auto when = format_rfc3339(app_->clock().now() + std::chrono::hours(24));
  auto postponed = app_->call(alice_.token, "POST", path(d) + "/transitions",
                              json{{"transition", "postpone"}, {"fields", {{"reopen_at", when}}}}.dump());
  ASSERT_EQ(postponed.status, 200) << postponed.body;
  EXPECT_EQ(queue_subjects(alice_), (std::vector<std::string>{"B/unassigned", "C/unassigned"}));
  app_->clock().advance(std::chrono::hours(25));
  app_->runner().run_due_once();
  EXPECT_EQ(queue_subjects(alice_), (std::vector<std::string>{"D/mine", "B/unassigned", "C/unassigned"}));
  // A role assignment makes a ticket mine too (and no longer anyone's to grab).
  auto e = create("E", "customer-complaint");
  auto assigned = app_->call(admin_.token, "PUT", path(e) + "/assignees/team_member",
                             json{{"user", "alice@example.com"}}.dump());
  ASSERT_EQ(assigned.status, 200) << assigned.body;
  EXPECT_EQ(queue_subjects(alice_), (std::vector<std::string>{"D/mine", "E/mine", "B/unassigned", "C/unassigned"}));
  EXPECT_EQ(queue_subjects(bob_), (std::vector<std::string>{"A/mine", "B/unassigned", "C/unassigned"}));
  EXPECT_EQ(app_->call(alice_.token, "GET", "/api/v1/queue?limit=2").json()["items"].size(), 2u);
}

TEST_P(DeskTest, ProcessNextClaimsMyTicketsFirstThenTheOldestUnclaimed) {
  auto a = create("A");
  auto b = create("B");
  auto r = app_->call(alice_.token, "POST", "/api/v1/queue/next");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["subject"], "A");
  EXPECT_EQ(r.json()["taken_by"]["email"], "alice@example.com");
  EXPECT_EQ(r.json()["status"]["id"], "open");
  // Still hers and first: asking again gives the same ticket.
  EXPECT_EQ(app_->call(alice_.token, "POST", "/api/v1/queue/next").json()["subject"], "A");
  EXPECT_EQ(app_->call(bob_.token, "POST", "/api/v1/queue/next").json()["subject"], "B");
  // Nothing left for a third agent.
  auto carol = app_->add_user("carol@example.com", "agent");
  auto none = app_->call(carol.token, "POST", "/api/v1/queue/next");
  EXPECT_EQ(none.status, 204) << none.body;
  EXPECT_TRUE(none.body.empty());
}

// Many agents pressing "process next" at once never get the same ticket, and every
// ticket is handed out exactly once.
TEST_P(DeskTest, ConcurrentProcessNextNeverHandsOneTicketToTwoAgents) {
  constexpr int kTickets = 40;  // more than the 32 claims: every call finds one
  constexpr int kAgents = 8;
  for (int i = 0; i < kTickets; ++i) create("T" + std::to_string(i));
  std::vector<test::TestUser> agents;
  for (int i = 0; i < kAgents; ++i) agents.push_back(app_->add_user("agent" + std::to_string(i) + "@example.com", "agent"));
  std::mutex mu;
  std::multiset<int64_t> claimed;
  std::map<std::string, int> statuses;
  std::vector<std::thread> threads;
  for (int i = 0; i < kAgents; ++i) {
    threads.emplace_back([&, i] {
      auto client = app_->client();
      // Each agent claims, then releases (so it asks for a new one), four times.
      for (int round = 0; round < 4; ++round) {
        auto r = client->request("POST", "/api/v1/queue/next", "", {{"Authorization", "Bearer " + agents[i].token}});
        std::lock_guard lock(mu);
        statuses[std::to_string(r.status)]++;
        if (r.status != 200) continue;
        auto t = r.json();
        claimed.insert(t["id"].get<int64_t>());
        // Move it out of the queue so the next call must claim another ticket.
        auto closed = client->request("POST", "/api/v1/tickets/" + std::to_string(t["id"].get<int64_t>()) + "/transitions",
                                      R"({"transition":"postpone","fields":{"reopen_at":"2030-01-01T00:00:00Z"}})",
                                      {{"Authorization", "Bearer " + agents[i].token}, {"Content-Type", "application/json"}});
        if (closed.status != 200) statuses["postpone " + std::to_string(closed.status)]++;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(statuses["200"], kAgents * 4) << "every call got a ticket";
  EXPECT_EQ(claimed.size(), static_cast<size_t>(kAgents * 4));
  EXPECT_EQ(std::set<int64_t>(claimed.begin(), claimed.end()).size(), claimed.size()) << "a ticket was handed out twice";
  EXPECT_EQ(statuses.size(), 1u) << "unexpected answers";
  // Each handed-out ticket has exactly one "taken" event.
  auto rows = app_->db().transact_value<int64_t>(store::TxMode::kRead, [](store::Connection& c) -> Result<int64_t> {
    auto r = REDRESS_TRY(c.query_one("SELECT COUNT(*) FROM events WHERE kind = 'ticket.taken'"));
    return r->integer(0);
  });
  ASSERT_TRUE(rows.has_value());
  EXPECT_EQ(*rows, kAgents * 4);
}

TEST_P(DeskTest, ConcurrentTakesOfOneTicketHaveExactlyOneWinner) {
  constexpr int kAgents = 8;
  for (int round = 0; round < 3; ++round) {
    auto t = create("Contested " + std::to_string(round));
    std::vector<test::TestUser> agents;
    for (int i = 0; i < kAgents; ++i)
      agents.push_back(app_->add_user("r" + std::to_string(round) + "a" + std::to_string(i) + "@example.com", "agent"));
    std::atomic<int> won{0}, lost{0}, other{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < kAgents; ++i) {
      threads.emplace_back([&, i] {
        auto client = app_->client();
        auto r = client->request("POST", path(t) + "/take", "", {{"Authorization", "Bearer " + agents[i].token}});
        if (r.status == 200) {
          ++won;
        } else if (r.status == 409 && r.json()["error"]["code"] == "ticket_taken") {
          ++lost;
        } else {
          ++other;
        }
      });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(won.load(), 1);
    EXPECT_EQ(lost.load(), kAgents - 1);
    EXPECT_EQ(other.load(), 0);
  }
}

TEST_P(DeskTest, AdminEditsAnAccountsRightsAgainstItsRoleDefaults) {
  const std::string path = "/api/v1/users/" + std::to_string(bob_.user.id);
  // Withdraw taking, grant blocking messages.
  json rights = json::array({"tickets.view_all", "tickets.write", "messages.use", "messages.block", "contacts.write"});
  auto r = app_->call(admin_.token, "PATCH", path, json{{"rights", rights}}.dump());
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["rights"], json::array({"contacts.write", "messages.block", "messages.use", "tickets.view_all", "tickets.write"}));
  auto t = create("X");
  auto take = app_->call(bob_.token, "POST", "/api/v1/tickets/" + std::to_string(t["id"].get<int64_t>()) + "/take");
  EXPECT_EQ(take.status, 403) << take.body;
  EXPECT_EQ(app_->call(bob_.token, "PUT", "/api/v1/tickets/" + std::to_string(t["id"].get<int64_t>()) + "/messaging",
                       R"({"blocked":true})").status, 200);
  // A new role brings its defaults; the hand-made grant stays.
  auto role = app_->call(admin_.token, "PATCH", path, R"({"role":"viewer","name":"Bob B."})");
  ASSERT_EQ(role.status, 200) << role.body;
  EXPECT_EQ(role.json()["role"], "viewer");
  EXPECT_EQ(role.json()["name"], "Bob B.");
  EXPECT_EQ(role.json()["rights"], json::array({"messages.block", "reports.view", "tickets.view_all"}));
  auto history = app_->db().transact_value<int64_t>(store::TxMode::kRead, [&](store::Connection& c) -> Result<int64_t> {
    auto row = REDRESS_TRY(c.query_one("SELECT COUNT(*) FROM events WHERE entity = 'user' AND kind = 'user.updated' AND entity_id = ?", {bob_.user.id}));
    return row->integer(0);
  });
  EXPECT_EQ(history.value_or(-1), 2);
}

TEST_P(DeskTest, BadUserEditsAreRefusedAndWriteNothing) {
  const std::string path = "/api/v1/users/" + std::to_string(bob_.user.id);
  auto events = app_->count("events");
  auto unknown = app_->call(admin_.token, "PATCH", path, R"({"rights":["tickets.view_all","tickets.fly"]})");
  EXPECT_EQ(unknown.status, 422);
  EXPECT_TRUE(unknown.json()["error"]["fields"].contains("rights[1]")) << unknown.body;
  EXPECT_EQ(app_->call(admin_.token, "PATCH", path, R"({"rights":"admin"})").status, 422);
  EXPECT_EQ(app_->call(admin_.token, "PATCH", path, R"({"role":"boss"})").status, 422);
  EXPECT_EQ(app_->call(admin_.token, "PATCH", path, R"({"active":"no"})").status, 422);
  EXPECT_EQ(app_->call(admin_.token, "PATCH", path, R"({"email":"x@y.z"})").status, 422);
  EXPECT_EQ(app_->call(alice_.token, "PATCH", path, R"({"name":"Hacked"})").status, 403);
  EXPECT_EQ(app_->call(admin_.token, "PATCH", "/api/v1/users/999999", R"({"name":"X"})").status, 404);
  const std::string self = "/api/v1/users/" + std::to_string(admin_.user.id);
  auto lockout = app_->call(admin_.token, "PATCH", self, R"({"active":false})");
  EXPECT_EQ(lockout.status, 422);
  EXPECT_TRUE(lockout.json()["error"]["fields"].contains("active")) << lockout.body;
  auto demote = app_->call(admin_.token, "PATCH", self, R"({"role":"agent"})");
  EXPECT_EQ(demote.status, 422) << demote.body;
  EXPECT_EQ(app_->count("events"), events);
  EXPECT_EQ(app_->call(bob_.token, "GET", "/api/v1/users/" + std::to_string(bob_.user.id)).json()["name"], "User bob");
}

TEST_P(DeskTest, DeactivatingAnAgentReturnsTheirTicketsToTheQueue) {
  auto a = create("A");
  auto b = create("B");
  ASSERT_EQ(app_->call(bob_.token, "POST", path(a) + "/take").status, 200);
  ASSERT_EQ(app_->call(bob_.token, "POST", path(b) + "/take").status, 200);
  EXPECT_EQ(queue_subjects(alice_), std::vector<std::string>{});
  auto r = app_->call(admin_.token, "PATCH", "/api/v1/users/" + std::to_string(bob_.user.id), R"({"active":false})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(queue_subjects(alice_), (std::vector<std::string>{"A/unassigned", "B/unassigned"}));
  auto history = app_->call(admin_.token, "GET", path(a) + "/history").json()["items"];
  EXPECT_EQ(history.back()["kind"], "ticket.released");
  EXPECT_EQ(history.back()["data"]["why"], "account_deactivated");
  EXPECT_EQ(app_->call(bob_.token, "GET", path(a)).status, 401);  // the account is off
}

// Seed 001: a new customer message on a taken ticket puts it on top of the taker's queue;
// if the taker has been away too long, it goes back to the team instead.
TEST_P(DeskTest, CustomerMailLeadsTheTakersQueueOrReturnsTicketFromAnInactiveTaker) {
  auto older = create("Older");
  auto t = create("Newer");
  ASSERT_EQ(app_->call(alice_.token, "POST", path(older) + "/take").status, 200);
  ASSERT_EQ(app_->call(alice_.token, "POST", path(t) + "/take").status, 200);
  EXPECT_EQ(queue_subjects(alice_), (std::vector<std::string>{"Older/mine", "Newer/mine"}));
  auto mail = [&](const std::string& text) {
    const std::string raw = "From: Client <client@example.org>\r\nTo: support@localhost\r\nSubject: Re: [#" +
                            t["number"].get<std::string>() + "] Newer\r\nMessage-ID: <" + text +
                            "@example.org>\r\n\r\n" + text + "\r\n";
    auto r = service::MailIntakeService(app_->context()).ingest(raw, {"", "api"});
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->ticket_id, t["id"].get<int64_t>());
  };
  app_->clock().advance(std::chrono::hours(1));
  mail("still-waiting");
  EXPECT_EQ(queue_subjects(alice_), (std::vector<std::string>{"Newer/mine", "Older/mine"}));
  auto got = app_->call(alice_.token, "GET", path(t)).json();
  EXPECT_TRUE(got["customer_waiting_since"].is_string());
  EXPECT_EQ(got["taken_by"]["email"], "alice@example.com");

  // Alice is not seen for longer than [queue] taker_inactive_hours (72 by default).
  app_->clock().advance(std::chrono::hours(73));
  mail("anyone-there");
  auto back = app_->call(bob_.token, "GET", path(t));
  ASSERT_EQ(back.status, 200) << back.body;
  EXPECT_TRUE(back.json()["taken_by"].is_null());
  const json history = app_->call(admin_.token, "GET", path(t) + "/history").json();
  bool released = false;
  for (const auto& e : history["items"])
    if (e["kind"] == "ticket.released" && e["data"]["why"] == "taker_inactive") released = true;
  EXPECT_TRUE(released) << history.dump();
  EXPECT_EQ(queue_subjects(bob_), (std::vector<std::string>{"Newer/unassigned"}));
}

// Each named right, granted to and then withdrawn from one agent through the API, opens and
// closes the endpoint that checks it: the rights are what the server enforces, not labels.
TEST_P(DeskTest, EachEditedRightOpensAndClosesItsEndpoint) {
  auto probe = app_->add_user("probe@example.com", "agent");
  auto held = create("Held by Alice");
  ASSERT_EQ(app_->call(alice_.token, "POST", path(held) + "/take").status, 200);
  // target() and body() make a fresh thing to act on for each call, so no call is a no-op.
  using Make = std::function<std::string()>;
  struct Case {
    std::string right, method;
    Make target, body;
    int with, without;
  };
  int serial = 0;
  auto fresh_ticket = [&] { return path(create("Probe " + std::to_string(++serial))); };
  auto none = [] { return std::string(); };
  auto text = [](const char* body) { return [body] { return std::string(body); }; };
  const std::vector<Case> cases = {
      {"tickets.take", "POST", [&] { return fresh_ticket() + "/take"; }, none, 200, 403},
      {"tickets.release", "DELETE", [&] { return path(held) + "/take"; }, none, 200, 403},
      {"tickets.write", "PATCH", fresh_ticket, text(R"({"language":"fr"})"), 200, 403},
      {"messages.use", "POST", [&] { return fresh_ticket() + "/messages"; }, text(R"({"body":"hello"})"), 201, 403},
      {"messages.block", "PUT", [&] { return fresh_ticket() + "/messaging"; }, text(R"({"blocked":true})"), 200, 403},
      {"contacts.write", "POST", text("/api/v1/contacts"),
       [&] { return json{{"name", "C"}, {"email", "c" + std::to_string(++serial) + "@example.org"}}.dump(); }, 201, 403},
      {"admin", "GET", text("/api/v1/routing"), none, 200, 403},
      {"tickets.view_all", "GET", text("/api/v1/tickets"), none, 200, 403},
  };
  const std::string user_path = "/api/v1/users/" + std::to_string(probe.user.id);
  const json defaults = app_->call(admin_.token, "GET", user_path).json()["rights"];
  for (const auto& c : cases) {
    for (bool grant : {true, false}) {
      json rights = json::array();
      for (const auto& r : defaults)
        if (r != c.right) rights.push_back(r);
      if (grant) rights.push_back(c.right);
      auto set = app_->call(admin_.token, "PATCH", user_path, json{{"rights", rights}}.dump());
      ASSERT_EQ(set.status, 200) << set.body;
      const std::string target = c.target();
      auto r = app_->call(probe.token, c.method, target, c.body());
      EXPECT_EQ(r.status, grant ? c.with : c.without)
          << c.right << (grant ? " granted: " : " withdrawn: ") << c.method << " " << target << " -> " << r.body;
      if (c.right == "tickets.release" && grant) {
        ASSERT_EQ(app_->call(alice_.token, "POST", path(held) + "/take").status, 200);  // hers again
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Engines, DeskTest, ::testing::Values(EngineParam::kSqlite, EngineParam::kPostgres),
                         [](const auto& info) { return test::engine_name(info.param); });

}  // namespace
}  // namespace redress
