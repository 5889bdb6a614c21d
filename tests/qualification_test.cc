// Seed 004's qualification on both engines: which fields a ticket still needs and for
// which transitions, closing refused with every reason, the contact found or created on
// the spot and their profile, the reasons catalogue edited and deactivated without losing
// history; and the signed "Issue Resolved" link's refusals (seed 002).
#include <gtest/gtest.h>

#include <string>

#include "service/customer_link_service.h"
#include "store/ticket_store.h"
#include "support/test_app.h"

namespace redress {
namespace {

using test::EngineParam;
using json = nlohmann::json;

class QualificationTest : public ::testing::TestWithParam<EngineParam> {
 protected:
  void SetUp() override {
    REDRESS_START_TEST_APP(GetParam(), app_);
    admin_ = app_->add_user("admin@example.com", "admin");
    agent_ = app_->add_user("agent@example.com", "agent");
    viewer_ = app_->add_user("viewer@example.com", "viewer");
    customer_ = app_->add_user("carla@example.com", "customer");
  }

  test::TestResponse call(const test::TestUser& u, const std::string& method, const std::string& path,
                          const json& body = nullptr) {
    return app_->call(u.token, method, path, body.is_null() ? "" : body.dump());
  }

  json ok(const test::TestResponse& r, int status = 200) {
    EXPECT_EQ(r.status, status) << r.body;
    return r.json();
  }

  // A support request without contact or reason, as a review or phone call leaves it.
  std::string bare_request() {
    const json t = ok(call(agent_, "POST", "/api/v1/tickets",
                           {{"workflow", "support-request"}, {"subject", "Avis 2/5"}, {"channel", "staff"}}),
                      201);
    return "/api/v1/tickets/" + std::to_string(t["id"].get<int64_t>());
  }

  json reason(const std::string& code, const std::string& en, const std::string& fr) {
    return ok(call(admin_, "POST", "/api/v1/reasons",
                   {{"workflow", "support-request"}, {"code", code}, {"labels", {{"en", en}, {"fr", fr}}}}),
              201);
  }

  static std::vector<std::string> missing_fields(const json& ticket) {
    std::vector<std::string> out;
    for (const auto& m : ticket["qualification"]["missing"]) out.push_back(m["field"]);
    return out;
  }

  std::unique_ptr<test::TestApp> app_;
  test::TestUser admin_, agent_, viewer_, customer_;
};

TEST_P(QualificationTest, TicketShowsWhatIsStillRequiredAndForWhich) {
  const std::string path = bare_request();
  json t = ok(call(agent_, "GET", path));
  EXPECT_EQ(t["qualification"]["complete"], false);
  EXPECT_EQ(missing_fields(t), (std::vector<std::string>{"reason", "contact", "public_reply"}));
  for (const auto& m : t["qualification"]["missing"]) EXPECT_EQ(m["for"], json::array({"close"})) << m.dump();
  EXPECT_EQ(t["qualification"]["missing"][0]["label"], "Reason");

  // In French for a French agent: the red asterisks read "Motif".
  auto french = app_->add_user("fanny@example.com", "agent");
  ASSERT_EQ(call(admin_, "PATCH", "/api/v1/users/" + std::to_string(french.user.id), {{"language", "fr"}}).status, 200);
  EXPECT_EQ(ok(call(french, "GET", path))["qualification"]["missing"][0]["label"], "Motif");

  const json r = reason("delivery", "Delivery", "Livraison");
  ok(call(agent_, "PATCH", path, {{"reason", r["id"]}}));
  t = ok(call(agent_, "GET", path));
  EXPECT_EQ(missing_fields(t), (std::vector<std::string>{"contact", "public_reply"}));

  // Once open, "postpone" is offered too: the date it needs is asked with the button, not
  // a field to qualify.
  auto taken = call(agent_, "POST", path + "/take");
  ASSERT_EQ(taken.status, 200) << taken.body;
  t = ok(call(agent_, "GET", path));
  ASSERT_EQ(t["status"]["id"], "open");
  EXPECT_EQ(missing_fields(t), (std::vector<std::string>{"contact", "public_reply"}));

  // Customers never see the staff's checklist.
  auto own = ok(call(agent_, "POST", "/api/v1/tickets",
                     {{"workflow", "support-request"}, {"subject", "Mine"},
                      {"contacts", json::array({{{"email", "carla@example.com"}, {"name", "Carla"}, {"main", true}}})}}),
                201);
  EXPECT_FALSE(ok(call(customer_, "GET", "/api/v1/tickets/" + std::to_string(own["id"].get<int64_t>())))
                   .contains("qualification"));
}

// Seed 004: "close if you have fully answered". Every unmet rule is named at once, and
// nothing changes.
TEST_P(QualificationTest, ClosingWithoutQualificationOrAnswerIsRefusedWithEveryReason) {
  const std::string path = bare_request();
  const int64_t events_before = app_->count("events");
  auto refused = call(agent_, "POST", path + "/transitions", {{"transition", "close"}});
  EXPECT_EQ(refused.status, 422) << refused.body;
  const json fields = refused.json()["error"]["fields"];
  EXPECT_TRUE(fields.contains("reason")) << refused.body;
  EXPECT_TRUE(fields.contains("contact")) << refused.body;
  EXPECT_TRUE(fields.contains("public_reply")) << refused.body;
  EXPECT_EQ(app_->count("events"), events_before);
  EXPECT_EQ(ok(call(agent_, "GET", path))["status"]["id"], "new_request");

  // Qualified, then closed with a note saying why no answer was sent.
  const json r = reason("spam", "Not a request", "Pas une demande");
  auto contact = ok(call(agent_, "POST", "/api/v1/contacts", {{"name", "Jean Avis"}, {"email", "jean@avis.example"}}), 201);
  ok(call(agent_, "PATCH", path,
          {{"reason", r["id"]}, {"contacts", json::array({{{"id", contact["id"]}, {"main", true}}})}}));
  auto still = call(agent_, "POST", path + "/transitions", {{"transition", "close"}});
  EXPECT_EQ(still.status, 422);
  EXPECT_EQ(still.json()["error"]["fields"].size(), 1u) << still.body;
  EXPECT_TRUE(still.json()["error"]["fields"].contains("public_reply"));
  auto closed = call(agent_, "POST", path + "/transitions",
                     {{"transition", "close"}, {"note", "Advertising, no answer needed."}});
  EXPECT_EQ(closed.status, 200) << closed.body;
  EXPECT_EQ(closed.json()["status"]["id"], "closed");
}

// Seed 004's magnifier and plus: search, create on the spot, then the profile beside the
// ticket lists their requests and the channels they used.
TEST_P(QualificationTest, ContactSearchCreateAndProfile) {
  auto made = ok(call(agent_, "POST", "/api/v1/contacts",
                      {{"name", "Émilie Durand"}, {"email", "Emilie.Durand@Client.example"}, {"language", "fr"}}),
                 201);
  EXPECT_EQ(made["email"], "emilie.durand@client.example");
  const std::string contact_path = "/api/v1/contacts/" + std::to_string(made["id"].get<int64_t>());
  for (const std::string q : {"durand", "emilie.dur", "CLIENT.example"}) {
    const json found = ok(call(agent_, "GET", "/api/v1/contacts?q=" + q));
    ASSERT_EQ(found["items"].size(), 1u) << q;
    EXPECT_EQ(found["items"][0]["id"], made["id"]);
  }
  EXPECT_TRUE(ok(call(agent_, "GET", "/api/v1/contacts?q=nobody"))["items"].empty());

  json profile = ok(call(agent_, "GET", contact_path));
  EXPECT_EQ(profile["ticket_count"], 0);
  EXPECT_TRUE(profile["tickets"].empty());

  const json by_mail = ok(call(agent_, "POST", "/api/v1/tickets",
                               {{"workflow", "support-request"}, {"subject", "Commande 12"}, {"channel", "mail"},
                                {"contacts", json::array({{{"id", made["id"]}, {"main", true}}})}}),
                          201);
  const json by_phone = ok(call(agent_, "POST", "/api/v1/tickets",
                                {{"workflow", "customer-complaint"}, {"subject", "Colis abîmé"}, {"channel", "phone"},
                                 {"contacts", json::array({{{"email", "emilie.durand@client.example"}, {"main", true}}})}}),
                           201);
  profile = ok(call(agent_, "GET", contact_path));
  EXPECT_EQ(profile["language"], "fr");
  EXPECT_EQ(profile["ticket_count"], 2);
  ASSERT_EQ(profile["tickets"].size(), 2u);
  EXPECT_EQ(profile["tickets"][0]["number"], by_phone["number"]) << "newest first";
  EXPECT_EQ(profile["tickets"][1]["number"], by_mail["number"]);
  EXPECT_EQ(profile["tickets"][0]["status"]["id"], "complaint_logged");
  ASSERT_EQ(profile["channels"].size(), 2u);
  EXPECT_EQ(profile["channels"][0]["channel"], "mail");
  EXPECT_EQ(profile["channels"][1]["channel"], "phone");

  // Editing: the language the templates will use, and every bad field named at once.
  auto edited = ok(call(agent_, "PATCH", contact_path, {{"language", "en"}, {"phone", "+33 1 23 45 67 89"}}));
  EXPECT_EQ(edited["language"], "en");
  EXPECT_EQ(edited["ticket_count"], 2);
  auto bad = call(agent_, "PATCH", contact_path, {{"name", " "}, {"email", "not-an-address"}, {"language", "french!"}});
  EXPECT_EQ(bad.status, 422) << bad.body;
  EXPECT_EQ(bad.json()["error"]["fields"].size(), 3u) << bad.body;
  ok(call(agent_, "POST", "/api/v1/contacts", {{"name", "Other"}, {"email", "other@client.example"}}), 201);
  auto taken = call(agent_, "PATCH", contact_path, {{"email", "other@client.example"}});
  EXPECT_EQ(taken.status, 409) << taken.body;
  EXPECT_TRUE(taken.json()["error"]["fields"].contains("email"));
  EXPECT_EQ(ok(call(agent_, "GET", contact_path))["email"], "emilie.durand@client.example") << "nothing written";
  EXPECT_EQ(call(viewer_, "PATCH", contact_path, {{"name", "X"}}).status, 403);
  EXPECT_EQ(call(customer_, "GET", contact_path).status, 403);
  EXPECT_EQ(call(agent_, "PATCH", "/api/v1/contacts/999999", {{"name", "X"}}).status, 404);
}

// The catalogue of reasons: labels per language, deactivated without losing the tickets'
// history; workflow and code are fixed.
TEST_P(QualificationTest, ReasonsAreEditedAndDeactivatedWithoutLosingHistory) {
  const json r = reason("refund", "Refund", "Remboursement");
  const std::string reason_path = "/api/v1/reasons/" + std::to_string(r["id"].get<int64_t>());
  const std::string path = bare_request();
  ok(call(agent_, "PATCH", path, {{"reason", "refund"}}));

  auto relabelled = ok(call(admin_, "PATCH", reason_path,
                            {{"labels", {{"en", "Refund request"}, {"fr", "Demande de remboursement"}}}}));
  EXPECT_EQ(relabelled["label"], "Refund request");
  auto off = ok(call(admin_, "PATCH", reason_path, {{"active", false}}));
  EXPECT_EQ(off["active"], false);

  // Gone from the pickers, still on the ticket, back with include_inactive for admins.
  auto codes = [&](const test::TestUser& u, const std::string& query) {
    std::vector<std::string> out;
    const json listed = ok(call(u, "GET", "/api/v1/reasons" + query));
    for (const auto& item : listed["items"]) out.push_back(item["code"]);
    return out;
  };
  EXPECT_TRUE(codes(agent_, "?workflow=support-request").empty());
  EXPECT_EQ(codes(admin_, "?workflow=support-request&include_inactive=true"), std::vector<std::string>{"refund"});
  EXPECT_EQ(ok(call(agent_, "GET", path))["reason"]["label"], "Refund request");
  auto refused = call(agent_, "PATCH", bare_request(), {{"reason", "refund"}});
  EXPECT_EQ(refused.status, 422) << "an inactive reason is not offered for new qualifications: " << refused.body;

  auto fixed = call(admin_, "PATCH", reason_path, {{"code", "money"}, {"workflow", "customer-complaint"}});
  EXPECT_EQ(fixed.status, 422) << fixed.body;
  EXPECT_EQ(fixed.json()["error"]["fields"].size(), 2u) << fixed.body;
  auto no_english = call(admin_, "PATCH", reason_path, {{"labels", {{"fr", "Argent"}}}});
  EXPECT_EQ(no_english.status, 422) << no_english.body;
  EXPECT_TRUE(no_english.json()["error"]["fields"].contains("labels")) << "English is required";
  EXPECT_EQ(call(agent_, "PATCH", reason_path, {{"active", true}}).status, 403);
  EXPECT_EQ(call(admin_, "PATCH", "/api/v1/reasons/999999", {{"active", true}}).status, 404);

  std::vector<std::string> kinds;
  const json shown = ok(call(admin_, "GET", reason_path));
  for (const auto& e : shown["history"]) kinds.push_back(e["kind"]);
  EXPECT_EQ(kinds, (std::vector<std::string>{"reason.created", "reason.updated", "reason.updated"}));
  EXPECT_EQ(shown["history"][2]["data"]["active"]["to"], false);
  EXPECT_TRUE(ok(call(agent_, "GET", reason_path))["history"].empty()) << "the history is for admins";
}

// The signed link's refusals, with links made by the service itself (the mail that
// carries one is seed_scenarios_test's).
TEST_P(QualificationTest, IssueResolvedLinkRefusesExpiredLinksOtherContactsAndOtherStatuses) {
  auto tina = app_->add_user("tina@example.com", "agent");
  const json t = ok(call(agent_, "POST", "/api/v1/tickets",
                         {{"workflow", "customer-complaint"},
                          {"subject", "Broken lamp"},
                          {"contacts", json::array({{{"email", "carla@example.com"}, {"name", "Carla"}, {"main", true}},
                                                    {{"email", "olga@example.com"}, {"name", "Olga"}}})}}),
                    201);
  const std::string path = "/api/v1/tickets/" + std::to_string(t["id"].get<int64_t>());
  auto load = [&] {
    return app_->db().transact_value<domain::Ticket>(store::TxMode::kRead, [&](store::Connection& c) -> Result<domain::Ticket> {
      auto found = REDRESS_TRY(store::TicketStore(c).find(t["id"].get<int64_t>()));
      return *found;
    }).value();
  };
  const int64_t carla = t["contacts"][0]["id"], olga = t["contacts"][1]["id"];
  EXPECT_FALSE(service::CustomerLinkService::path_for(app_->context(), load(), carla))
      << "no link while the complaint is not waiting for the customer";

  ok(call(agent_, "POST", path + "/transitions", {{"transition", "assign"}, {"fields", {{"assignees", {{"team_member", "tina@example.com"}}}}}}));
  ok(call(tina, "POST", path + "/transitions", {{"transition", "accept"}}));
  ok(call(tina, "POST", path + "/transitions", {{"transition", "resolve"}, {"note", "Replaced."}}));
  const auto link = service::CustomerLinkService::path_for(app_->context(), load(), carla);
  ASSERT_TRUE(link);
  const auto olga_link = service::CustomerLinkService::path_for(app_->context(), load(), olga);
  ASSERT_TRUE(olga_link);
  auto client = app_->client();

  // A link for one ticket cannot be pointed at another, even one the contact is on.
  EXPECT_EQ(client->request("GET", "/confirm/not-a-link").status, 404);
  EXPECT_EQ(client->request("GET", "/confirm/" + std::string(300, '9')).status, 404);

  // Fourteen days later (the default), the link has expired: a page says so, nothing moves.
  app_->clock().advance(std::chrono::hours(24 * 14));
  auto expired = client->request("POST", *link);
  EXPECT_EQ(expired.status, 410) << expired.body;
  EXPECT_NE(expired.body.find("expired"), std::string::npos);
  EXPECT_EQ(ok(call(agent_, "GET", path))["status"]["id"], "confirmation");
  app_->clock().advance(-std::chrono::hours(24 * 14));

  // Any contact of the ticket may confirm with their own link; the page has no script and
  // leaks no Referer.
  auto page = client->request("GET", *olga_link);
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.body.find("<script"), std::string::npos);
  EXPECT_NE(page.header("Content-Security-Policy").value_or("").find("default-src 'none'"), std::string::npos);
  EXPECT_EQ(page.header("Referrer-Policy").value_or(""), "no-referrer");
  EXPECT_EQ(client->request("POST", *olga_link).status, 200);
  EXPECT_EQ(ok(call(agent_, "GET", path))["status"]["id"], "closed");
  auto late = client->request("GET", *link);
  EXPECT_EQ(late.status, 409) << "already confirmed: " << late.body;
}

INSTANTIATE_TEST_SUITE_P(Engines, QualificationTest, ::testing::Values(EngineParam::kSqlite, EngineParam::kPostgres),
                         [](const auto& info) { return test::engine_name(info.param); });

}  // namespace
}  // namespace redress
