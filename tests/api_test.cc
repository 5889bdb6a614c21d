// The JSON API end to end over a real socket, on both engines: sessions, tickets,
// contacts, and every kind of bad input (documented error shape, right status, the field
// named, nothing written).
#include <gtest/gtest.h>

#include "core/crypto.h"
#include "support/test_app.h"

namespace redress {
namespace {

using test::EngineParam;
using json = nlohmann::json;

class ApiTest : public ::testing::TestWithParam<EngineParam> {
 protected:
  void SetUp() override {
    REDRESS_START_TEST_APP(GetParam(), app_);
    admin_ = app_->add_user("admin@example.com", "admin");
    agent_ = app_->add_user("agent@example.com", "agent");
  }

  test::TestResponse post(const std::string& path, const json& body, const std::string& token = "") {
    return app_->call(token.empty() ? agent_.token : token, "POST", path, body.dump());
  }

  json new_ticket(const std::string& subject = "Parcel never arrived") {
    return {{"workflow", "support-request"},
            {"subject", subject},
            {"description", "Ordered on the 3rd."},
            {"contacts", json::array({{{"email", "Marie.Curie@Example.fr"}, {"name", "Marie Curie"},
                                       {"language", "fr"}, {"main", true}}})}};
  }

  // Asserts the documented error shape and returns it.
  json expect_error(const test::TestResponse& r, int status, const std::string& field = "") {
    EXPECT_EQ(r.status, status) << r.body;
    auto j = r.json();
    EXPECT_TRUE(j.contains("error")) << r.body;
    if (!j.contains("error")) return j;
    EXPECT_TRUE(j["error"]["code"].is_string());
    EXPECT_TRUE(j["error"]["message"].is_string());
    if (!field.empty()) {
      EXPECT_TRUE(j["error"]["fields"].contains(field)) << "field " << field << " in " << r.body;
    }
    return j;
  }

  std::unique_ptr<test::TestApp> app_;
  test::TestUser admin_, agent_;
};

TEST_P(ApiTest, CreatedTicketHasNumberStartStatusAndMainContactLanguage) {
  auto r = post("/api/v1/tickets", new_ticket());
  ASSERT_EQ(r.status, 201) << r.body;
  auto t = r.json();
  EXPECT_EQ(t["number"], "C-2026-000001");
  EXPECT_EQ(t["status"]["id"], "new_request");
  EXPECT_EQ(t["status"]["label"], "New request");
  EXPECT_EQ(t["language"], "fr");
  EXPECT_EQ(t["main_contact"]["email"], "marie.curie@example.fr");
  EXPECT_EQ(t["channel"], "staff");
  EXPECT_EQ(r.header("location").value_or(""), "/api/v1/tickets/" + std::to_string(t["id"].get<int>()));
}

TEST_P(ApiTest, TicketIsFoundByIdAndByNumber) {
  auto t = post("/api/v1/tickets", new_ticket()).json();
  auto by_id = app_->call(agent_.token, "GET", "/api/v1/tickets/" + std::to_string(t["id"].get<int>()));
  auto by_number = app_->call(agent_.token, "GET", "/api/v1/tickets/" + t["number"].get<std::string>());
  ASSERT_EQ(by_id.status, 200);
  ASSERT_EQ(by_number.status, 200);
  EXPECT_EQ(by_id.json()["id"], by_number.json()["id"]);
  expect_error(app_->call(agent_.token, "GET", "/api/v1/tickets/999999"), 404);
  expect_error(app_->call(agent_.token, "GET", "/api/v1/tickets/C-2026-999999"), 404);
}

TEST_P(ApiTest, PatchChangesFieldsAndHistoryRecordsEachChangeWithItsActor) {
  auto t = post("/api/v1/tickets", new_ticket()).json();
  auto reason = post("/api/v1/reasons", {{"workflow", "support-request"}, {"code", "delivery"},
                                        {"labels", {{"en", "Delivery"}, {"fr", "Livraison"}}}}, admin_.token);
  ASSERT_EQ(reason.status, 201) << reason.body;
  const std::string path = "/api/v1/tickets/" + std::to_string(t["id"].get<int>());
  auto r = app_->call(agent_.token, "PATCH", path,
                      json{{"reason", "delivery"}, {"language", "en"}, {"fields", {{"order", "58211"}}}}.dump());
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["reason"]["code"], "delivery");
  EXPECT_EQ(r.json()["language"], "en");
  EXPECT_EQ(r.json()["fields"]["order"], "58211");
  auto h = app_->call(agent_.token, "GET", path + "/history");
  ASSERT_EQ(h.status, 200) << h.body;
  std::vector<std::string> kinds;
  const json history = h.json();  // named: a range-for over a temporary's member dangles
  for (const auto& e : history["items"]) {
    kinds.push_back(e["kind"]);
    EXPECT_TRUE(e.contains("at"));
  }
  EXPECT_EQ(std::count(kinds.begin(), kinds.end(), "ticket.updated"), 3);
  EXPECT_EQ(std::count(kinds.begin(), kinds.end(), "ticket.created"), 1);
  const auto& last = history["items"].back();
  EXPECT_EQ(last["actor"]["id"], agent_.user.id);
  EXPECT_EQ(last["actor"]["name"], agent_.user.name);
  EXPECT_EQ(last["data"]["field"], "fields.order");
  EXPECT_TRUE(last["from"].is_null());
  EXPECT_EQ(last["to"], "\"58211\"");
}

TEST_P(ApiTest, ListFiltersSearchAndPagesWithCursor) {
  for (int i = 0; i < 7; ++i) ASSERT_EQ(post("/api/v1/tickets", new_ticket("Colis numéro " + std::to_string(i))).status, 201);
  ASSERT_EQ(post("/api/v1/tickets", new_ticket("Facture erronée")).status, 201);
  auto search = app_->call(agent_.token, "GET", "/api/v1/tickets?q=facture%20erronee");
  ASSERT_EQ(search.status, 200) << search.body;
  ASSERT_EQ(search.json()["items"].size(), 1u);
  EXPECT_EQ(search.json()["items"][0]["subject"], "Facture erronée");
  std::set<int> seen;
  std::string cursor;
  int pages = 0;
  do {
    auto page = app_->call(agent_.token, "GET", "/api/v1/tickets?limit=3" + (cursor.empty() ? "" : "&cursor=" + cursor));
    ASSERT_EQ(page.status, 200) << page.body;
    const json body = page.json();
    for (const auto& item : body["items"]) EXPECT_TRUE(seen.insert(item["id"].get<int>()).second);
    cursor = page.json()["next_cursor"].is_null() ? "" : page.json()["next_cursor"].get<std::string>();
    ++pages;
  } while (!cursor.empty() && pages < 10);
  EXPECT_EQ(seen.size(), 8u);
  EXPECT_EQ(pages, 3);
  auto none = app_->call(agent_.token, "GET", "/api/v1/tickets?status=closed");
  EXPECT_TRUE(none.json()["items"].empty());
}

TEST_P(ApiTest, CookieSessionNeedsCsrfTokenForWritesAndEndsAtLogout) {
  auto client = app_->client();
  auto login = client->request("POST", "/api/v1/session",
                               json{{"email", "agent@example.com"}, {"password", agent_.password}}.dump(),
                               {{"Content-Type", "application/json"}});
  ASSERT_EQ(login.status, 200) << login.body;
  auto set_cookie = login.header("set-cookie").value_or("");
  EXPECT_NE(set_cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(set_cookie.find("SameSite=Lax"), std::string::npos);
  std::string cookie = set_cookie.substr(0, set_cookie.find(';'));
  std::string csrf = login.json()["csrf_token"];
  auto read = client->request("GET", "/api/v1/tickets", "", {{"Cookie", cookie}});
  EXPECT_EQ(read.status, 200);
  auto body = new_ticket().dump();
  auto without = client->request("POST", "/api/v1/tickets", body, {{"Cookie", cookie}, {"Content-Type", "application/json"}});
  EXPECT_EQ(without.status, 403);
  EXPECT_EQ(without.json()["error"]["code"], "csrf");
  auto with = client->request("POST", "/api/v1/tickets", body,
                              {{"Cookie", cookie}, {"Content-Type", "application/json"}, {"X-CSRF-Token", csrf}});
  EXPECT_EQ(with.status, 201) << with.body;
  auto out = client->request("DELETE", "/api/v1/session", "", {{"Cookie", cookie}, {"X-CSRF-Token", csrf}});
  EXPECT_EQ(out.status, 204);
  auto after = client->request("GET", "/api/v1/tickets", "", {{"Cookie", cookie}});
  EXPECT_EQ(after.status, 401);
}

TEST_P(ApiTest, WrongPasswordIs401AndRepeatedFailuresAreRateLimited) {
  json bad = {{"email", "agent@example.com"}, {"password", "not-the-password"}};
  auto first = app_->call("", "POST", "/api/v1/session", bad.dump());
  expect_error(first, 401);
  int limited_at = 0;
  for (int i = 2; i <= 15 && !limited_at; ++i) {
    if (app_->call("", "POST", "/api/v1/session", bad.dump()).status == 429) limited_at = i;
  }
  EXPECT_EQ(limited_at, 11);  // 10 failures a minute are allowed
  json good = {{"email", "agent@example.com"}, {"password", agent_.password}};
  auto blocked = app_->call("", "POST", "/api/v1/session", good.dump());
  EXPECT_EQ(blocked.status, 429);
  EXPECT_TRUE(blocked.header("retry-after").has_value());
  app_->clock().advance(std::chrono::minutes(1));
  EXPECT_EQ(app_->call("", "POST", "/api/v1/session", good.dump()).status, 200);
}

TEST_P(ApiTest, BadTokenIs401NotAnonymous) {
  expect_error(app_->call("rdr_forged", "GET", "/api/v1/tickets"), 401);
  expect_error(app_->call("", "GET", "/api/v1/tickets"), 401);
}

TEST_P(ApiTest, MalformedJsonIs400AndWritesNothing) {
  auto before = app_->count("tickets");
  expect_error(app_->call(agent_.token, "POST", "/api/v1/tickets", "{\"workflow\": \"support-request\","), 400);
  expect_error(app_->call(agent_.token, "POST", "/api/v1/tickets", "[1,2]"), 400);
  EXPECT_EQ(app_->count("tickets"), before);
}

TEST_P(ApiTest, InvalidUtf8Is400) {
  std::string body = "{\"workflow\":\"support-request\",\"subject\":\"caf\xC3\x28\"}";
  auto r = app_->call(agent_.token, "POST", "/api/v1/tickets", body);
  auto j = expect_error(r, 400);
  EXPECT_EQ(app_->count("tickets"), 0);
}

TEST_P(ApiTest, WrongMediaTypeIs415) {
  auto client = app_->client();
  auto r = client->request("POST", "/api/v1/tickets", new_ticket().dump(),
                           {{"Authorization", "Bearer " + agent_.token}, {"Content-Type", "text/plain"}});
  expect_error(r, 415);
}

TEST_P(ApiTest, WrongTypesAndMissingFieldsAre422NamingEveryField) {
  json body = {{"workflow", 12}, {"subject", ""}, {"contacts", json::array({{{"email", "not-an-email"}}})},
               {"channel", "pigeon"}, {"language", "french"}};
  auto r = post("/api/v1/tickets", body);
  auto j = expect_error(r, 422, "workflow");
  EXPECT_TRUE(j["error"]["fields"].contains("workflow"));
  // Type errors are reported first; once types are right, rule violations are listed.
  body["workflow"] = "support-request";
  auto r2 = post("/api/v1/tickets", body);
  auto j2 = expect_error(r2, 422);
  for (const char* f : {"subject", "channel", "language"}) EXPECT_TRUE(j2["error"]["fields"].contains(f)) << f << r2.body;
  EXPECT_EQ(app_->count("tickets"), 0);
  EXPECT_EQ(app_->count("contacts"), 0);
}

TEST_P(ApiTest, BadContactInsideAValidTicketWritesNeitherTicketNorOtherContacts) {
  json body = new_ticket();
  body["contacts"].push_back({{"email", "broken@"}});
  const auto events_before = app_->count("events");
  auto r = post("/api/v1/tickets", body);
  expect_error(r, 422, "contacts[1].email");
  EXPECT_EQ(app_->count("tickets"), 0);
  EXPECT_EQ(app_->count("contacts"), 0);  // the valid first contact was rolled back too
  EXPECT_EQ(app_->count("events"), events_before);
}

TEST_P(ApiTest, UnknownFieldsAre422) {
  json body = new_ticket();
  body["priority"] = "high";
  expect_error(post("/api/v1/tickets", body), 422, "priority");
  json patch = {{"subjekt", "typo"}};
  auto t = post("/api/v1/tickets", new_ticket()).json();
  expect_error(app_->call(agent_.token, "PATCH", "/api/v1/tickets/" + std::to_string(t["id"].get<int>()), patch.dump()),
               422, "subjekt");
}

TEST_P(ApiTest, UnknownWorkflowReasonAndAssigneeAre422) {
  json body = new_ticket();
  body["workflow"] = "no-such-flow";
  expect_error(post("/api/v1/tickets", body), 422, "workflow");
  body = new_ticket();
  body["reason"] = "nonexistent";
  body["assignees"] = {{"team_member", "agent@example.com"}};  // not a role of support-request
  auto r = post("/api/v1/tickets", body);
  auto j = expect_error(r, 422, "reason");
  EXPECT_TRUE(j["error"]["fields"].contains("assignees.team_member")) << r.body;
  EXPECT_EQ(app_->count("tickets"), 0);
}

TEST_P(ApiTest, OversizedBodyIs413) {
  std::string big(2 << 20, 'x');
  auto r = app_->call(agent_.token, "POST", "/api/v1/contacts", "{\"name\":\"" + big + "\"}");
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(app_->count("contacts"), 0);
  // A new ticket may carry a customer's files, so its route takes more than
  // server.max_body_bytes; a 2 MiB subject is then refused for what it is.
  auto ticket = app_->call(agent_.token, "POST", "/api/v1/tickets",
                           "{\"workflow\":\"support-request\",\"subject\":\"" + big + "\"}");
  expect_error(ticket, 422, "subject");
  EXPECT_EQ(app_->count("tickets"), 0);
}

TEST_P(ApiTest, DuplicateEmailsAre409WithTheFieldNamed) {
  json user = {{"email", "agent@example.com"}, {"name", "Again"}, {"role", "agent"}};
  expect_error(post("/api/v1/users", user, admin_.token), 409, "email");
  json contact = {{"name", "Marie"}, {"email", "marie@example.fr"}};
  ASSERT_EQ(post("/api/v1/contacts", contact).status, 201);
  expect_error(post("/api/v1/contacts", contact), 409, "email");
  EXPECT_EQ(app_->count("contacts"), 1);
}

TEST_P(ApiTest, UnknownIdsAre404) {
  expect_error(app_->call(agent_.token, "GET", "/api/v1/contacts/424242"), 404);
  expect_error(app_->call(admin_.token, "GET", "/api/v1/users/424242"), 404);
  expect_error(app_->call(agent_.token, "PATCH", "/api/v1/tickets/424242", "{}"), 404);
  expect_error(app_->call(agent_.token, "GET", "/api/v1/nowhere"), 404);
}

TEST_P(ApiTest, BadQueryParametersAre422) {
  auto r = app_->call(agent_.token, "GET", "/api/v1/tickets?limit=0&cursor=abc&created_from=yesterday&sort=up");
  auto j = expect_error(r, 422);
  for (const char* f : {"limit", "cursor", "created_from", "sort"}) EXPECT_TRUE(j["error"]["fields"].contains(f)) << f;
}

TEST_P(ApiTest, ContactsAreSearchableByNameAndEmail) {
  ASSERT_EQ(post("/api/v1/contacts", {{"name", "Jean Dupont"}, {"email", "jd@example.fr"}, {"language", "fr"}}).status, 201);
  ASSERT_EQ(post("/api/v1/contacts", {{"name", "Ann Lee"}, {"email", "ann@example.com"}}).status, 201);
  auto by_name = app_->call(agent_.token, "GET", "/api/v1/contacts?q=dupont");
  ASSERT_EQ(by_name.json()["items"].size(), 1u);
  EXPECT_EQ(by_name.json()["items"][0]["email"], "jd@example.fr");
  auto by_mail = app_->call(agent_.token, "GET", "/api/v1/contacts?q=ann%40example");
  ASSERT_EQ(by_mail.json()["items"].size(), 1u);
}

TEST_P(ApiTest, MetricsCountRequestsByRoute) {
  app_->call(agent_.token, "GET", "/api/v1/tickets");
  auto m = app_->call("", "GET", "/metrics");
  ASSERT_EQ(m.status, 200);
  EXPECT_NE(m.body.find("redress_http_requests_total{route=\"/api/v1/tickets\",method=\"GET\",status=\"200\"} 1"),
            std::string::npos)
      << m.body;
  EXPECT_NE(m.body.find("redress_http_request_duration_seconds_bucket{route=\"/api/v1/tickets\""), std::string::npos);
  EXPECT_EQ(app_->call("", "GET", "/healthz").status, 200);
}

TEST_P(ApiTest, CustomerSeesThePortalViewWithoutStaffData) {
  auto customer = app_->add_user("carla@example.com", "customer");
  json body = new_ticket("Where is my order?");
  body["contacts"] = json::array({{{"email", "carla@example.com"}, {"name", "Carla"}, {"main", true}},
                                  {{"email", "olga@example.com"}, {"name", "Olga"}, {"phone", "+33 1 23"}}});
  body["customer"] = "Maison Dubois";
  body["fields"] = {{"internal_note", "difficult customer"}};
  body["reason"] = nullptr;
  auto made = post("/api/v1/tickets", body);
  ASSERT_EQ(made.status, 201) << made.body;
  const std::string path = "/api/v1/tickets/" + std::to_string(made.json()["id"].get<int>());
  auto staff = app_->call(agent_.token, "GET", path).json();
  EXPECT_EQ(staff["fields"]["internal_note"], "difficult customer");
  EXPECT_EQ(staff["contacts"][1]["email"], "olga@example.com");
  auto seen = app_->call(customer.token, "GET", path);
  ASSERT_EQ(seen.status, 200) << seen.body;
  auto portal = seen.json();
  EXPECT_EQ(portal["main_contact"]["email"], "carla@example.com");
  EXPECT_EQ(portal["contacts"][1]["name"], "Olga");
  EXPECT_FALSE(portal["contacts"][1].contains("email")) << seen.body;
  EXPECT_FALSE(portal["contacts"][1].contains("phone")) << seen.body;
  EXPECT_TRUE(portal["fields"].empty()) << seen.body;
  EXPECT_TRUE(portal["customer"].is_null()) << seen.body;
  EXPECT_TRUE(portal["assignees"].empty());
  EXPECT_EQ(seen.body.find("difficult"), std::string::npos);
}

TEST_P(ApiTest, CustomerLogsOwnRequestButCannotChooseChannelOrInternalFields) {
  auto customer = app_->add_user("carla@example.com", "customer");
  json mine = {{"workflow", "support-request"}, {"subject", "Broken lamp"}};
  auto ok = post("/api/v1/tickets", mine, customer.token);
  ASSERT_EQ(ok.status, 201) << ok.body;
  EXPECT_EQ(ok.json()["channel"], "portal");
  EXPECT_EQ(ok.json()["main_contact"]["email"], "carla@example.com");
  json staff_channel = mine;
  staff_channel["channel"] = "staff";
  expect_error(post("/api/v1/tickets", staff_channel, customer.token), 403);
  json with_fields = mine;
  with_fields["fields"] = {{"priority", "urgent"}};
  expect_error(post("/api/v1/tickets", with_fields, customer.token), 403);
  EXPECT_EQ(app_->count("tickets"), 1);
}

TEST_P(ApiTest, PublicEndpointsIgnoreAStaleToken) {
  EXPECT_EQ(app_->call("rdr_revoked", "GET", "/healthz").status, 200);
  EXPECT_EQ(app_->call("rdr_revoked", "GET", "/api/openapi.json").status, 200);
  json good = {{"email", "agent@example.com"}, {"password", agent_.password}};
  EXPECT_EQ(app_->call("rdr_revoked", "POST", "/api/v1/session", good.dump()).status, 200);
}

TEST_P(ApiTest, MessagingIsBlockedAndUnblockedWithItsRightAndRecorded) {
  auto created = post("/api/v1/tickets", new_ticket());
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string path = "/api/v1/tickets/" + std::to_string(created.json()["id"].get<int64_t>());
  EXPECT_FALSE(created.json()["messaging_blocked"].get<bool>());

  // Agents do not hold messages.block by default; one who is given it may block.
  expect_error(app_->call(agent_.token, "PUT", path + "/messaging", json{{"blocked", true}}.dump()), 403);
  auto moderator = app_->add_user("moderator@example.com", "agent", "messages.block");
  auto blocked = app_->call(moderator.token, "PUT", path + "/messaging", json{{"blocked", true}}.dump());
  ASSERT_EQ(blocked.status, 200) << blocked.body;
  EXPECT_TRUE(blocked.json()["messaging_blocked"].get<bool>());
  EXPECT_TRUE(app_->call(agent_.token, "GET", path).json()["messaging_blocked"].get<bool>());
  // Blocking again changes nothing and records nothing.
  const int64_t events = app_->count("events");
  EXPECT_EQ(app_->call(moderator.token, "PUT", path + "/messaging", json{{"blocked", true}}.dump()).status, 200);
  EXPECT_EQ(app_->count("events"), events);

  auto unblocked = app_->call(admin_.token, "PUT", path + "/messaging", json{{"blocked", false}}.dump());
  EXPECT_FALSE(unblocked.json()["messaging_blocked"].get<bool>());
  std::vector<std::string> kinds;
  const json history = app_->call(agent_.token, "GET", path + "/history").json();
  for (const auto& e : history["items"]) {
    if (e["kind"].get<std::string>().starts_with("messaging.")) kinds.push_back(e["kind"]);
  }
  EXPECT_EQ(kinds, (std::vector<std::string>{"messaging.blocked", "messaging.unblocked"}));

  expect_error(app_->call(admin_.token, "PUT", path + "/messaging", json{{"blocked", "yes"}}.dump()), 422, "blocked");
  expect_error(app_->call(admin_.token, "PUT", path + "/messaging", json{{"blocked", nullptr}}.dump()), 422, "blocked");
  expect_error(app_->call(admin_.token, "PUT", path + "/messaging", json::object().dump()), 422, "blocked");
  expect_error(app_->call(admin_.token, "PUT", path + "/messaging", json{{"blocked", true}, {"why", "x"}}.dump()), 422, "why");
  expect_error(app_->call(admin_.token, "PUT", "/api/v1/tickets/999999/messaging", json{{"blocked", true}}.dump()), 404);
  EXPECT_EQ(app_->count("events"), events + 1);
}

// Issue 24: 100,000 nested arrays in `fields` (about 200 kB, under the body limit) used to
// end the server with a stack overflow, from any signed-in account.
TEST_P(ApiTest, DeeplyNestedJsonIs400AndTheServerGoesOn) {
  auto customer = app_->add_user("carla@example.com", "customer");
  auto nested = [](int depth) { return std::string(depth, '[') + std::string(depth, ']'); };
  const std::string deep = nested(100000);
  const std::string create = R"({"workflow":"support-request","subject":"Deep","fields":{"f":)" + deep + "}}";
  for (const auto* token : {&customer.token, &agent_.token}) {
    auto r = app_->call(*token, "POST", "/api/v1/tickets", create);
    auto j = expect_error(r, 400);
    EXPECT_NE(j["error"]["message"].get<std::string>().find("64 levels"), std::string::npos) << r.body;
  }
  EXPECT_EQ(app_->count("tickets"), 0);

  auto t = post("/api/v1/tickets", new_ticket()).json();
  const std::string path = "/api/v1/tickets/" + std::to_string(t["id"].get<int>());
  expect_error(app_->call(agent_.token, "PATCH", path, R"({"fields":{"f":)" + deep + "}}"), 400);
  expect_error(app_->call(agent_.token, "POST", path + "/transitions",
                          R"({"transition":"take","fields":{"f":)" + deep + "}}"),
               400);
  expect_error(app_->call(agent_.token, "POST", "/api/v1/contacts", R"({"name":)" + deep + "}"), 400);
  // Still answering, and nothing changed.
  EXPECT_EQ(app_->call("", "GET", "/healthz").status, 200);
  EXPECT_EQ(app_->call(agent_.token, "GET", path).json()["version"], t["version"]);
  // Nesting that fits is parsed as before (here refused for what it is, not for its depth).
  auto shallow = app_->call(agent_.token, "PATCH", path, R"({"fields":{"f":)" + nested(60) + "}}");
  EXPECT_NE(shallow.status, 400) << shallow.body;
}

TEST_P(ApiTest, NulInAnyTextIs422NamingTheField) {
  json body = new_ticket();
  body["subject"] = std::string("Parcel\0lost", 11);
  expect_error(post("/api/v1/tickets", body), 422, "subject");
  body = new_ticket();
  body["fields"] = {{"notes", {"fine", std::string("bad\0", 4)}}};
  auto r = post("/api/v1/tickets", body);
  auto j = expect_error(r, 422, "fields.notes[1]");
  EXPECT_NE(j["error"]["fields"]["fields.notes[1]"].get<std::string>().find("NUL"), std::string::npos) << r.body;
  EXPECT_EQ(app_->count("tickets"), 0);
}

// Issue 24: a customer's search matched words that were only in a staff note.
TEST_P(ApiTest, CustomerSearchMatchesOnlyWhatTheyMayRead) {
  auto customer = app_->add_user("carla@example.com", "customer");
  json body = new_ticket("Invoice charged twice");
  body["contacts"] = json::array({{{"email", "carla@example.com"}, {"name", "Carla Client"}, {"main", true}}});
  auto made = post("/api/v1/tickets", body);
  ASSERT_EQ(made.status, 201) << made.body;
  const int64_t id = made.json()["id"];
  const std::string path = "/api/v1/tickets/" + std::to_string(id);
  ASSERT_EQ(post(path + "/messages", {{"body", "Suspected fraudster: chargeback pattern"}, {"visibility", "internal"}})
                .status,
            201);
  ASSERT_EQ(post(path + "/messages", {{"body", "Your parcel reference is ZX81"}, {"visibility", "public"}}).status, 201);

  auto found = [&](const std::string& token, const std::string& q) {
    auto r = app_->call(token, "GET", "/api/v1/tickets?q=" + q);
    EXPECT_EQ(r.status, 200) << r.body;
    const json page = r.json();  // named: a range over a temporary's member would dangle
    for (const auto& item : page["items"])
      if (item["id"] == id) return true;
    return false;
  };
  for (const std::string q : {"fraudster", "fraud", "chargeb", "chargeback%20pattern", "suspected"}) {
    EXPECT_TRUE(found(agent_.token, q)) << "staff search " << q;
    EXPECT_FALSE(found(customer.token, q)) << "customer search " << q;
  }
  for (const std::string q : {"invoice", "charg", "zx81", "parcel", "carla", "carla%40example.com", "ordered"}) {
    EXPECT_TRUE(found(customer.token, q)) << "customer search " << q;
    EXPECT_TRUE(found(agent_.token, q)) << "staff search " << q;
  }
  // A word in both parts is found by both.
  ASSERT_EQ(post(path + "/messages", {{"body", "We looked for a fraudster, found none"}, {"visibility", "public"}}).status,
            201);
  EXPECT_TRUE(found(customer.token, "fraudster"));
}

TEST_P(ApiTest, SubjectsUpToTwoThousandCharactersAreTaken) {
  std::string at_limit;
  while (at_limit.size() < 2000 * 2) at_limit += "é";  // 2,000 characters, 4,000 bytes
  auto ok = post("/api/v1/tickets", new_ticket(at_limit));
  EXPECT_EQ(ok.status, 201) << ok.body.substr(0, 300);
  auto over = post("/api/v1/tickets", new_ticket(at_limit + "e"));
  auto j = expect_error(over, 422, "subject");
  EXPECT_NE(j["error"]["fields"]["subject"].get<std::string>().find("2000"), std::string::npos);
}

// Issue 17: a customer sends the evidence (a photo) with a new portal request.
TEST_P(ApiTest, CustomerSendsEvidenceWithANewRequest) {
  auto customer = app_->add_user("carla@example.com", "customer");
  const std::string photo = "\xFF\xD8\xFF\xE0 a photo of the crushed parcel";
  json body = {{"workflow", "support-request"}, {"subject", "Crushed parcel"}, {"description", "See the photo."},
               {"attachments", json::array({{{"filename", "colis.jpg"}, {"content_type", "image/jpeg"},
                                             {"content_base64", crypto::base64_encode(photo)}}})}};
  auto made = post("/api/v1/tickets", body, customer.token);
  ASSERT_EQ(made.status, 201) << made.body;
  const std::string path = "/api/v1/tickets/" + std::to_string(made.json()["id"].get<int64_t>());
  auto thread = app_->call(customer.token, "GET", path + "/messages").json();
  ASSERT_EQ(thread["items"].size(), 1u) << thread.dump();
  EXPECT_EQ(thread["items"][0]["kind"], "portal");
  ASSERT_EQ(thread["items"][0]["attachments"].size(), 1u);
  const int64_t file = thread["items"][0]["attachments"][0]["id"];
  auto bytes = app_->call(agent_.token, "GET", "/api/v1/attachments/" + std::to_string(file));
  EXPECT_EQ(bytes.body, photo);
  // Refused types and staff-made tickets are refused as for messages; nothing is written.
  json exe = body;
  exe["attachments"][0]["filename"] = "colis.jpg.exe";
  expect_error(post("/api/v1/tickets", exe, customer.token), 422, "attachments[0]");
  json staff = new_ticket();
  staff["attachments"] = body["attachments"];
  expect_error(post("/api/v1/tickets", staff), 422, "attachments");
  EXPECT_EQ(app_->count("tickets"), 1);
}

INSTANTIATE_TEST_SUITE_P(Engines, ApiTest, ::testing::Values(EngineParam::kSqlite, EngineParam::kPostgres),
                         [](const auto& info) { return test::engine_name(info.param); });

}  // namespace
}  // namespace redress
