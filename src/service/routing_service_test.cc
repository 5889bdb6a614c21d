#include "service/routing_service.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>

namespace redress::service {
namespace {

const workflow::WorkflowCatalog& catalog() {
  static const workflow::WorkflowCatalog c = *workflow::WorkflowCatalog::load_shipped();
  return c;
}

const notify::MailTemplates& shipped() {
  static const notify::MailTemplates t{""};
  return t;
}

domain::RoutingRule good() {
  domain::RoutingRule r;
  r.workflow = "complaint-investigation";
  r.event = "status_entered";
  r.status = "under_investigation";
  r.to = {"role:investigator"};
  r.template_id = "action_needed";
  return r;
}

// The errors for a table of one good rule followed by bad.
std::map<std::string, std::string> errors_for(const domain::RoutingRule& bad) {
  return validate_routing(catalog(), shipped(), {good(), bad});
}

TEST(RoutingValidationTest, TheShippedTableIsValid) {
  // The rows 0005_routing.sql inserts, as the API would receive them.
  auto rule = [](std::string wf, std::string event, std::string status, std::vector<std::string> to,
                 std::string tmpl) {
    domain::RoutingRule r;
    r.workflow = std::move(wf);
    r.event = std::move(event);
    r.status = std::move(status);
    r.to = std::move(to);
    r.template_id = std::move(tmpl);
    return r;
  };
  std::vector<domain::RoutingRule> table = {
      rule("complaint-investigation", "status_entered", "under_investigation", {"role:investigator"}, "action_needed"),
      rule("complaint-investigation", "status_entered", "commercial_review", {"role:commercial_assignee"},
           "action_needed"),
      rule("customer-complaint", "status_entered", "team_member_assigned", {"role:team_member"}, "action_needed"),
      rule("customer-complaint", "status_entered", "confirmation", {"main_contact"}, "confirmation_request"),
      rule("*", "customer_message", "", {"handlers"}, "customer_message_alert"),
      rule("*", "customer_message", "", {"author"}, "message_acknowledgement"),
      rule("*", "support_reply", "", {"main_contact"}, "support_reply"),
      rule("*", "note", "", {"handlers"}, "note_alert"),
      rule("*", "assigned", "", {"assignee"}, "assigned"),
  };
  table[5].channel = "portal";
  table[6].cc = {"contacts"};
  EXPECT_EQ(validate_routing(catalog(), shipped(), table), (std::map<std::string, std::string>{}));
}

TEST(RoutingValidationTest, EachBadMemberIsNamedWithItsRuleIndex) {
  struct Case {
    const char* what;
    std::function<void(domain::RoutingRule&)> spoil;
    const char* field;
  };
  const std::vector<Case> cases = {
      {"unknown workflow", [](auto& r) { r.workflow = "no-such-flow"; }, "rules[1].workflow"},
      {"no workflow", [](auto& r) { r.workflow = ""; }, "rules[1].workflow"},
      {"unknown event", [](auto& r) { r.event = "closed"; }, "rules[1].event"},
      {"status missing", [](auto& r) { r.status = ""; }, "rules[1].status"},
      {"status of no such", [](auto& r) { r.status = "nowhere"; }, "rules[1].status"},
      {"status of another workflow", [](auto& r) { r.status = "confirmation"; }, "rules[1].status"},
      {"status_entered for *", [](auto& r) { r.workflow = "*"; }, "rules[1].workflow"},
      {"status on another event", [](auto& r) { r.event = "assigned"; r.to = {"assignee"}; }, "rules[1].status"},
      {"role on another event", [](auto& r) { r.role = "investigator"; }, "rules[1].role"},
      {"unknown role", [](auto& r) { r.event = "assigned"; r.status = ""; r.role = "pilot"; }, "rules[1].role"},
      {"channel on another event", [](auto& r) { r.channel = "mail"; }, "rules[1].channel"},
      {"unknown channel", [](auto& r) { r.event = "note"; r.status = ""; r.channel = "fax"; }, "rules[1].channel"},
      {"unknown token", [](auto& r) { r.to = {"takker"}; }, "rules[1].to"},
      {"role of another workflow", [](auto& r) { r.to = {"role:team_member"}; }, "rules[1].to"},
      {"bad address in cc", [](auto& r) { r.cc = {"bob@@example.com"}; }, "rules[1].cc"},
      {"unknown role in bcc", [](auto& r) { r.bcc = {"role:pilot"}; }, "rules[1].bcc"},
      {"assignee outside assigned", [](auto& r) { r.to = {"assignee"}; }, "rules[1].to"},
      {"author outside messages", [](auto& r) { r.to = {"author"}; }, "rules[1].to"},
      {"no recipient", [](auto& r) { r.to.clear(); }, "rules[1].to"},
      {"unknown template", [](auto& r) { r.template_id = "no_such_template"; }, "rules[1].template"},
      {"template with a path", [](auto& r) { r.template_id = "../secret"; }, "rules[1].template"},
      {"no template", [](auto& r) { r.template_id = ""; }, "rules[1].template"},
      {"subject not mustache", [](auto& r) { r.subject = "{{#open}} never closed"; }, "rules[1].subject"},
      {"subject on two lines", [](auto& r) { r.subject = "one\ntwo"; }, "rules[1].subject"},
  };
  for (const auto& c : cases) {
    auto bad = good();
    c.spoil(bad);
    auto errors = errors_for(bad);
    EXPECT_TRUE(errors.contains(c.field)) << c.what << ": got " << ::testing::PrintToString(errors);
    for (const auto& [field, why] : errors) {
      EXPECT_TRUE(field.starts_with("rules[1].")) << c.what << ": " << field << " " << why;
      EXPECT_FALSE(why.empty()) << c.what;
    }
  }
}

TEST(RoutingValidationTest, StarRowsMayNameARoleOfAnyWorkflow) {
  domain::RoutingRule r;
  r.workflow = "*";
  r.event = "assigned";
  r.role = "investigator";
  r.to = {"role:team_member", "assignee", "audit@example.org"};
  r.template_id = "assigned";
  r.subject = "{{number}}: {{role_label}} for {{user_name}}";
  EXPECT_TRUE(validate_routing(catalog(), shipped(), {r}).empty());
  r.to = {"role:pilot"};
  auto errors = validate_routing(catalog(), shipped(), {r});
  ASSERT_TRUE(errors.contains("rules[0].to"));
  EXPECT_NE(errors["rules[0].to"].find("no workflow has a role 'pilot'"), std::string::npos) << errors["rules[0].to"];
}

TEST(RoutingValidationTest, EveryProblemOfEveryRuleIsReportedAtOnce) {
  auto a = good();
  a.workflow = "nope";
  auto b = good();
  b.template_id = "missing";
  b.to = {"takker"};
  auto errors = validate_routing(catalog(), shipped(), {a, good(), b});
  EXPECT_TRUE(errors.contains("rules[0].workflow"));
  EXPECT_TRUE(errors.contains("rules[2].template"));
  EXPECT_TRUE(errors.contains("rules[2].to"));
  EXPECT_FALSE(errors.contains("rules[1].workflow"));
}

TEST(RoutingValidationTest, ATemplateInTheOverrideDirectoryCounts) {
  const auto dir = std::filesystem::temp_directory_path() / ("redress-routing-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  {
    std::ofstream(dir / "escalation.en.txt") << "Subject: Escalated {{number}}\n\nLook at {{ticket_url}}\n";
    std::ofstream(dir / "broken.en.txt") << "Subject: {{#x}}\n\nbody\n";
  }
  const notify::MailTemplates with_dir(dir.string());
  auto r = good();
  r.template_id = "escalation";
  EXPECT_TRUE(validate_routing(catalog(), with_dir, {r}).empty());
  EXPECT_TRUE(validate_routing(catalog(), shipped(), {r}).contains("rules[0].template"));
  r.template_id = "broken";
  auto errors = validate_routing(catalog(), with_dir, {r});
  ASSERT_TRUE(errors.contains("rules[0].template"));
  EXPECT_NE(errors["rules[0].template"].find("broken.en"), std::string::npos) << errors["rules[0].template"];
  std::filesystem::remove_all(dir);
}

TEST(RoutingValidationTest, TooManyRulesAreRefused) {
  std::vector<domain::RoutingRule> many(kMaxRoutingRules + 1, good());
  EXPECT_TRUE(validate_routing(catalog(), shipped(), many).contains("rules"));
}

}  // namespace
}  // namespace redress::service
