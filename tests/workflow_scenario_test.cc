// The seed guides' stories, end to end over HTTP on a real server, on both engines:
// a complaint assigned, accepted, blocked, resolved and confirmed (seed 002), the
// unconfirmed one that closes itself after four days, an investigation routed to its
// roles (seed 000), and a support request postponed and back on its date (seed 001).
#include <gtest/gtest.h>

#include <thread>

#include "support/test_app.h"

namespace redress {
namespace {

using test::EngineParam;
using json = nlohmann::json;

class WorkflowScenarioTest : public ::testing::TestWithParam<EngineParam> {
 protected:
  void SetUp() override {
    REDRESS_START_TEST_APP(GetParam(), app_);
    admin_ = app_->add_user("admin@example.com", "admin");
    agent_ = app_->add_user("agent@example.com", "agent");
    member_ = app_->add_user("member@example.com", "agent");
    customer_ = app_->add_user("claire@example.fr", "customer");
  }

  json create(const std::string& workflow, const std::string& subject = "Late delivery") {
    json body = {{"workflow", workflow},
                 {"subject", subject},
                 {"contacts", json::array({{{"email", "claire@example.fr"}, {"name", "Claire"}, {"language", "fr"}}})}};
    auto r = app_->call(agent_.token, "POST", "/api/v1/tickets", body.dump());
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json();
  }

  test::TestResponse transition(const test::TestUser& who, const json& ticket, const json& body) {
    return app_->call(who.token, "POST", "/api/v1/tickets/" + std::to_string(ticket["id"].get<int>()) + "/transitions",
                      body.dump());
  }

  std::string status_of(const json& ticket, const test::TestUser& who) {
    auto r = app_->call(who.token, "GET", "/api/v1/tickets/" + std::to_string(ticket["id"].get<int>()));
    return r.json()["status"]["id"];
  }

  std::vector<std::string> available_ids(const json& ticket, const test::TestUser& who) {
    auto r = app_->call(who.token, "GET", "/api/v1/tickets/" + std::to_string(ticket["id"].get<int>()));
    std::vector<std::string> ids;
    const json body = r.json();
    for (const auto& t : body["available_transitions"]) ids.push_back(t["id"]);
    return ids;
  }

  std::unique_ptr<test::TestApp> app_;
  test::TestUser admin_, agent_, member_, customer_;
};

TEST_P(WorkflowScenarioTest, ComplaintIsAssignedAcceptedBlockedResolvedAndConfirmedByTheCustomer) {
  auto t = create("customer-complaint");
  EXPECT_EQ(t["status"]["id"], "complaint_logged");
  auto missing = transition(agent_, t, {{"transition", "assign"}});
  EXPECT_EQ(missing.status, 422) << missing.body;
  EXPECT_TRUE(missing.json()["error"]["fields"].contains("assignees.team_member")) << missing.body;

  auto assigned = transition(agent_, t, {{"transition", "assign"}, {"fields", {{"assignees", {{"team_member", "member@example.com"}}}}}});
  ASSERT_EQ(assigned.status, 200) << assigned.body;
  EXPECT_EQ(assigned.json()["assignees"]["team_member"]["email"], "member@example.com");

  // Only the team member may accept; another agent sees no accept button.
  EXPECT_EQ(transition(agent_, t, {{"transition", "accept"}}).status, 403);
  auto agent_buttons = available_ids(t, agent_);
  EXPECT_EQ(std::count(agent_buttons.begin(), agent_buttons.end(), "accept"), 0);
  auto member_buttons = available_ids(t, member_);
  EXPECT_EQ(std::count(member_buttons.begin(), member_buttons.end(), "accept"), 1);
  ASSERT_EQ(transition(member_, t, {{"transition", "accept"}}).status, 200);

  auto no_note = transition(member_, t, {{"transition", "block"}});
  EXPECT_EQ(no_note.status, 422);
  EXPECT_TRUE(no_note.json()["error"]["fields"].contains("note")) << no_note.body;
  ASSERT_EQ(transition(member_, t, {{"transition", "block"}, {"note", "Waiting for the carrier"}}).status, 200);
  ASSERT_EQ(transition(member_, t, {{"transition", "unblock"}, {"note", "Carrier answered"}}).status, 200);
  auto resolved = transition(member_, t, {{"transition", "resolve"}, {"note", "Refund sent"}});
  ASSERT_EQ(resolved.status, 200) << resolved.body;
  EXPECT_EQ(resolved.json()["status"]["id"], "confirmation");
  // Not available from confirmation any more: 409.
  EXPECT_EQ(transition(member_, t, {{"transition", "block"}, {"note", "x"}}).status, 409);

  auto confirmed = transition(customer_, t, {{"transition", "confirm"}});
  ASSERT_EQ(confirmed.status, 200) << confirmed.body;
  EXPECT_EQ(confirmed.json()["status"]["id"], "closed");
  EXPECT_FALSE(confirmed.json()["closed_at"].is_null());

  // The mails the routing table queued on the way (to the team member, to the customer)
  // are due at once; with them sent, only timers could still be due.
  ASSERT_GT(app_->runner().run_due_once().value(), 0);
  // The auto-close timer armed on entering confirmation was cancelled on leaving it.
  app_->clock().advance(std::chrono::days(5));
  auto ran = app_->runner().run_due_once();
  ASSERT_TRUE(ran) << ran.error().message;
  EXPECT_EQ(*ran, 0);

  auto h = app_->call(agent_.token, "GET", "/api/v1/tickets/" + std::to_string(t["id"].get<int>()) + "/history");
  const json history = h.json();
  std::vector<std::string> path;
  for (const auto& e : history["items"]) {
    if (e["kind"] == "transition") path.push_back(e["data"]["transition"]);
  }
  EXPECT_EQ(path, (std::vector<std::string>{"assign", "accept", "block", "unblock", "resolve", "confirm"}));
}

TEST_P(WorkflowScenarioTest, UnconfirmedComplaintClosesItselfAfterFourDaysOnce) {
  auto t = create("customer-complaint");
  ASSERT_EQ(transition(agent_, t, {{"transition", "assign"}, {"fields", {{"assignees", {{"team_member", member_.user.id}}}}}}).status, 200);
  ASSERT_EQ(transition(member_, t, {{"transition", "accept"}}).status, 200);
  ASSERT_EQ(transition(member_, t, {{"transition", "resolve"}, {"note", "Done"}}).status, 200);
  // The routing table's mails (team member, customer) are due at once: out of the way first.
  ASSERT_GT(app_->runner().run_due_once().value(), 0);

  app_->clock().advance(std::chrono::days(4) - std::chrono::minutes(1));
  EXPECT_EQ(app_->runner().run_due_once().value(), 0);
  EXPECT_EQ(status_of(t, agent_), "confirmation");

  app_->clock().advance(std::chrono::minutes(2));
  EXPECT_EQ(app_->runner().run_due_once().value(), 1);
  EXPECT_EQ(status_of(t, agent_), "closed");
  EXPECT_EQ(app_->runner().run_due_once().value(), 0);

  auto h = app_->call(agent_.token, "GET", "/api/v1/tickets/" + std::to_string(t["id"].get<int>()) + "/history");
  const json history = h.json();
  int auto_closes = 0;
  for (const auto& e : history["items"]) {
    if (e["kind"] == "transition" && e["data"]["transition"] == "auto_close") {
      ++auto_closes;
      EXPECT_EQ(e["actor"]["label"], "system");
    }
  }
  EXPECT_EQ(auto_closes, 1);
}

TEST_P(WorkflowScenarioTest, DeclineReturnsTheComplaintAndClearsTheTeamMember) {
  auto t = create("customer-complaint");
  ASSERT_EQ(transition(agent_, t, {{"transition", "assign"}, {"fields", {{"assignees", {{"team_member", member_.user.id}}}}}}).status, 200);
  auto declined = transition(member_, t, {{"transition", "decline"}, {"note", "Not my area"}});
  ASSERT_EQ(declined.status, 200) << declined.body;
  EXPECT_EQ(declined.json()["status"]["id"], "complaint_logged");
  EXPECT_TRUE(declined.json()["assignees"].empty()) << declined.body;
}

TEST_P(WorkflowScenarioTest, InvestigationMovesThroughItsRoles) {
  auto t = create("complaint-investigation");
  auto investigate = transition(agent_, t, {{"transition", "investigate"},
                                            {"fields", {{"assignees", {{"investigator", member_.user.id}}}}}});
  ASSERT_EQ(investigate.status, 200) << investigate.body;
  EXPECT_EQ(investigate.json()["status"]["id"], "under_investigation");
  auto review = transition(member_, t, {{"transition", "review"},
                                        {"fields", {{"assignees", {{"commercial_assignee", agent_.user.id}}}}}});
  ASSERT_EQ(review.status, 200) << review.body;
  ASSERT_EQ(transition(agent_, t, {{"transition", "close"}}).status, 200);
  EXPECT_EQ(status_of(t, agent_), "closed");
}

TEST_P(WorkflowScenarioTest, PostponedRequestComesBackOpenOnItsDate) {
  auto t = create("support-request");
  ASSERT_EQ(transition(agent_, t, {{"transition", "open"}}).status, 200);
  auto no_date = transition(agent_, t, {{"transition", "postpone"}});
  EXPECT_EQ(no_date.status, 422);
  EXPECT_TRUE(no_date.json()["error"]["fields"].contains("fields.reopen_at")) << no_date.body;
  auto bad_date = transition(agent_, t, {{"transition", "postpone"}, {"fields", {{"reopen_at", "next tuesday"}}}});
  EXPECT_EQ(bad_date.status, 422) << bad_date.body;
  auto when = format_rfc3339(app_->clock().now() + std::chrono::days(2));
  auto postponed = transition(agent_, t, {{"transition", "postpone"}, {"fields", {{"reopen_at", when}}}});
  ASSERT_EQ(postponed.status, 200) << postponed.body;
  EXPECT_EQ(postponed.json()["status"]["id"], "reopen_later");

  app_->clock().advance(std::chrono::days(1));
  EXPECT_EQ(app_->runner().run_due_once().value(), 0);
  app_->clock().advance(std::chrono::days(1) + std::chrono::seconds(1));
  EXPECT_EQ(app_->runner().run_due_once().value(), 1);
  EXPECT_EQ(status_of(t, agent_), "open");
}

TEST_P(WorkflowScenarioTest, ClosingARequestNeedsAReasonAndAnAnswerOrANoteSayingWhyNot) {
  auto t = create("support-request");
  auto r = transition(agent_, t, {{"transition", "close"}});
  ASSERT_EQ(r.status, 422) << r.body;
  EXPECT_TRUE(r.json()["error"]["fields"].contains("reason")) << r.body;
  EXPECT_TRUE(r.json()["error"]["fields"].contains("public_reply")) << r.body;
  ASSERT_EQ(app_->call(admin_.token, "POST", "/api/v1/reasons",
                       json{{"workflow", "support-request"}, {"code", "info"}, {"labels", {{"en", "Information"}}}}.dump())
                .status,
            201);
  ASSERT_EQ(app_->call(agent_.token, "PATCH", "/api/v1/tickets/" + std::to_string(t["id"].get<int>()),
                       json{{"reason", "info"}}.dump())
                .status,
            200);
  auto closed = transition(agent_, t, {{"transition", "close"}, {"note", "Answered by phone"}});
  ASSERT_EQ(closed.status, 200) << closed.body;
  EXPECT_EQ(closed.json()["status"]["id"], "closed");
}

TEST_P(WorkflowScenarioTest, UnknownTransitionIs422AndCustomersOfOtherTicketsSeeNothing) {
  auto t = create("support-request");
  auto r = transition(agent_, t, {{"transition", "teleport"}});
  EXPECT_EQ(r.status, 422);
  EXPECT_TRUE(r.json()["error"]["fields"].contains("transition")) << r.body;
  auto stranger = app_->add_user("stranger@example.com", "customer");
  EXPECT_EQ(transition(stranger, t, {{"transition", "open"}}).status, 404);
  EXPECT_EQ(transition(customer_, t, {{"transition", "open"}}).status, 403);
}

TEST_P(WorkflowScenarioTest, ConcurrentTransitionsFromOneStatusSucceedOnce) {
  auto t = create("support-request");
  constexpr int kClients = 8;
  std::vector<int> statuses(kClients);
  std::vector<std::thread> threads;
  for (int i = 0; i < kClients; ++i) {
    threads.emplace_back([&, i] {
      auto client = app_->client();
      auto r = client->request("POST", "/api/v1/tickets/" + std::to_string(t["id"].get<int>()) + "/transitions",
                               json{{"transition", "open"}}.dump(),
                               {{"Authorization", "Bearer " + agent_.token}, {"Content-Type", "application/json"}});
      statuses[i] = r.status;
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 200), 1);
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 409), kClients - 1);
  auto h = app_->call(agent_.token, "GET", "/api/v1/tickets/" + std::to_string(t["id"].get<int>()) + "/history");
  const json history = h.json();
  int opens = 0;
  for (const auto& e : history["items"]) opens += e["kind"] == "transition";
  EXPECT_EQ(opens, 1);
}

TEST_P(WorkflowScenarioTest, AssigneesAreSetAndClearedByRoleWithHistory) {
  auto t = create("customer-complaint");
  const std::string path = "/api/v1/tickets/" + std::to_string(t["id"].get<int>()) + "/assignees/team_member";
  auto set = app_->call(agent_.token, "PUT", path, json{{"user", "member@example.com"}}.dump());
  ASSERT_EQ(set.status, 200) << set.body;
  EXPECT_EQ(set.json()["assignees"]["team_member"]["id"], member_.user.id);
  EXPECT_EQ(app_->call(agent_.token, "PUT", "/api/v1/tickets/" + std::to_string(t["id"].get<int>()) + "/assignees/pilot",
                       json{{"user", member_.user.id}}.dump())
                .status,
            404);
  EXPECT_EQ(app_->call(agent_.token, "PUT", path, json{{"user", "customer@nowhere.example"}}.dump()).status, 422);
  EXPECT_EQ(app_->call(customer_.token, "PUT", path, json{{"user", member_.user.id}}.dump()).status, 403);
  auto cleared = app_->call(agent_.token, "DELETE", path);
  ASSERT_EQ(cleared.status, 200) << cleared.body;
  EXPECT_TRUE(cleared.json()["assignees"].empty());
}

INSTANTIATE_TEST_SUITE_P(Engines, WorkflowScenarioTest, ::testing::Values(EngineParam::kSqlite, EngineParam::kPostgres),
                         [](const auto& info) { return test::engine_name(info.param); });

}  // namespace
}  // namespace redress
