#include "domain/routing.h"

#include <gtest/gtest.h>

namespace redress::domain {
namespace {

using Kind = RecipientToken::Kind;

RoutingRule rule(std::string workflow, std::string event, std::vector<std::string> to, std::string status = "") {
  RoutingRule r;
  r.workflow = std::move(workflow);
  r.event = std::move(event);
  r.to = std::move(to);
  r.status = std::move(status);
  r.template_id = "t";
  return r;
}

Recipient staff(const std::string& address) { return Recipient{address, "Staff " + address, "en", false}; }
Recipient customer(const std::string& address) { return Recipient{address, "Customer " + address, "fr", true}; }

RoutingEvent entered(const std::string& status) { return RoutingEvent{"status_entered", status, "", "", {}, {}}; }
RoutingEvent assigned(const std::string& role, const Recipient& who) {
  return RoutingEvent{"assigned", "", role, "", who, {}};
}
RoutingEvent message(const std::string& kind, const std::string& channel, std::optional<Recipient> author) {
  return RoutingEvent{kind, "", "", channel, {}, std::move(author)};
}

// A complaint with a team member, an investigator-like second role, two contacts.
RecipientSources sources() {
  RecipientSources s;
  s.workflow = "customer-complaint";
  s.role_holders["team_member"] = staff("member@example.com");
  s.role_holders["reviewer"] = staff("reviewer@example.com");
  s.main_contact = customer("claire@example.fr");
  s.contacts = {customer("claire@example.fr"), customer("paul@example.fr")};
  return s;
}

std::vector<std::string> addresses(const RecipientPlan& plan) {
  std::vector<std::string> out;
  for (const auto& m : plan.mails) out.push_back(m.recipient.address);
  return out;
}

TEST(RoutingTokenTest, NamedTokensRolesAndAddressesParse) {
  EXPECT_EQ(parse_recipient("taker")->kind, Kind::kTaker);
  EXPECT_EQ(parse_recipient("handlers")->kind, Kind::kHandlers);
  EXPECT_EQ(parse_recipient("assignees")->kind, Kind::kAssignees);
  EXPECT_EQ(parse_recipient("assignee")->kind, Kind::kAssignee);
  EXPECT_EQ(parse_recipient("main_contact")->kind, Kind::kMainContact);
  EXPECT_EQ(parse_recipient("contacts")->kind, Kind::kContacts);
  EXPECT_EQ(parse_recipient("author")->kind, Kind::kAuthor);
  auto role = parse_recipient("role:commercial_assignee");
  ASSERT_TRUE(role);
  EXPECT_EQ(role->kind, Kind::kRole);
  EXPECT_EQ(role->value, "commercial_assignee");
  auto address = parse_recipient("Audit@Example.ORG");
  ASSERT_TRUE(address);
  EXPECT_EQ(address->kind, Kind::kAddress);
  EXPECT_EQ(address->value, "audit@example.org");
}

TEST(RoutingTokenTest, TyposAndBrokenAddressesDoNotParse) {
  for (const char* bad : {"", "takker", "Taker", "role:", "role:Team Member", "role", "bob@", "bob@@example.com",
                          "bob@example", "two words@example.com"}) {
    EXPECT_FALSE(parse_recipient(bad)) << bad;
  }
}

TEST(RoutingMatchTest, EachEventKindIsNarrowedByItsOwnField) {
  auto r = rule("customer-complaint", "status_entered", {"role:team_member"}, "confirmation");
  EXPECT_TRUE(rule_matches(r, "customer-complaint", entered("confirmation")));
  EXPECT_FALSE(rule_matches(r, "customer-complaint", entered("closed")));
  EXPECT_FALSE(rule_matches(r, "support-request", entered("confirmation")));
  r.enabled = false;
  EXPECT_FALSE(rule_matches(r, "customer-complaint", entered("confirmation")));

  auto any_role = rule("*", "assigned", {"assignee"});
  EXPECT_TRUE(rule_matches(any_role, "support-request", assigned("assignee", staff("a@example.com"))));
  auto one_role = any_role;
  one_role.role = "reviewer";
  EXPECT_FALSE(rule_matches(one_role, "support-request", assigned("assignee", staff("a@example.com"))));
  EXPECT_TRUE(rule_matches(one_role, "support-request", assigned("reviewer", staff("a@example.com"))));

  auto portal = rule("*", "customer_message", {"author"});
  portal.channel = "portal";
  EXPECT_TRUE(rule_matches(portal, "x", message("customer_message", "portal", std::nullopt)));
  EXPECT_FALSE(rule_matches(portal, "x", message("customer_message", "mail", std::nullopt)));
  EXPECT_FALSE(rule_matches(portal, "x", message("support_reply", "portal", std::nullopt)));
  portal.channel = "";
  EXPECT_TRUE(rule_matches(portal, "x", message("customer_message", "mail", std::nullopt)));
}

TEST(RoutingPlanTest, RoleTokenMailsOnlyThatRolesHolder) {
  auto plan = plan_recipients({rule("customer-complaint", "status_entered", {"role:team_member"}, "in_progress")},
                              {entered("in_progress")}, sources(), "");
  EXPECT_EQ(addresses(plan), std::vector<std::string>{"member@example.com"});
  EXPECT_FALSE(plan.mails[0].recipient.customer);
}

TEST(RoutingPlanTest, HandlersAreTheTakerElseEveryRoleHolder) {
  const auto r = rule("*", "customer_message", {"handlers"});
  auto s = sources();
  auto untaken = plan_recipients({r}, {message("customer_message", "mail", std::nullopt)}, s, "");
  // In role order (reviewer before team_member).
  EXPECT_EQ(addresses(untaken), (std::vector<std::string>{"reviewer@example.com", "member@example.com"}));
  s.taker = staff("taker@example.com");
  auto taken = plan_recipients({r}, {message("customer_message", "mail", std::nullopt)}, s, "");
  EXPECT_EQ(addresses(taken), std::vector<std::string>{"taker@example.com"});
}

TEST(RoutingPlanTest, EveryoneIsMailedOnceAndToBeatsCcBeatsBcc) {
  auto r = rule("*", "support_reply", {"main_contact"});
  r.cc = {"contacts", "CLAIRE@example.fr"};
  r.bcc = {"paul@example.fr", "audit@example.org"};
  auto plan = plan_recipients({r, rule("*", "support_reply", {"contacts", "audit@example.org"})},
                              {message("support_reply", "staff", std::nullopt)}, sources(), "");
  ASSERT_EQ(addresses(plan),
            (std::vector<std::string>{"claire@example.fr", "paul@example.fr", "audit@example.org"}));
  EXPECT_EQ(plan.mails[0].slot, RecipientSlot::kTo);
  EXPECT_EQ(plan.mails[1].slot, RecipientSlot::kCc);   // named in cc before bcc
  EXPECT_EQ(plan.mails[2].slot, RecipientSlot::kBcc);  // the first row wins over the second's "to"
  EXPECT_EQ(plan.mails[2].rule, 0u);
  EXPECT_TRUE(plan.mails[2].recipient.customer);  // a literal address is treated as a customer's
}

TEST(RoutingPlanTest, AcrossEventsTheFirstEventsRowDecides) {
  // Entering team_member_assigned and the team member being assigned: one mail, the
  // status row's (events in the order raised).
  const std::vector<RoutingRule> rules = {rule("*", "assigned", {"assignee"}),
                                          rule("customer-complaint", "status_entered", {"role:team_member"},
                                               "team_member_assigned")};
  auto plan = plan_recipients(rules, {entered("team_member_assigned"), assigned("team_member", staff("member@example.com"))},
                              sources(), "");
  ASSERT_EQ(addresses(plan), std::vector<std::string>{"member@example.com"});
  EXPECT_EQ(plan.mails[0].rule, 1u);
  EXPECT_EQ(plan.mails[0].event, 0u);
}

TEST(RoutingPlanTest, TheActorIsNotMailedExceptTheirOwnReceipt) {
  const std::vector<RoutingRule> rules = {rule("*", "customer_message", {"handlers"}),
                                          rule("*", "customer_message", {"author"})};
  auto s = sources();
  // A staff member writing as the customer's author is both actor and handler.
  auto plan = plan_recipients(rules, {message("customer_message", "portal", staff("member@example.com"))}, s,
                              "member@example.com");
  EXPECT_EQ(addresses(plan), (std::vector<std::string>{"reviewer@example.com", "member@example.com"}));
  EXPECT_TRUE(plan.skipped.empty());  // mailed after all, through "author"

  auto no_receipt = plan_recipients({rules[0]}, {message("customer_message", "portal", std::nullopt)}, s,
                                    "member@example.com");
  EXPECT_EQ(addresses(no_receipt), std::vector<std::string>{"reviewer@example.com"});
  ASSERT_EQ(no_receipt.skipped.size(), 1u);
  EXPECT_EQ(no_receipt.skipped[0], (std::pair<std::string, std::string>{"member@example.com", "actor"}));
}

TEST(RoutingPlanTest, TokensWithNobodyBehindThemMailNobody) {
  RecipientSources empty;
  empty.workflow = "support-request";
  const std::vector<RoutingRule> rules = {rule("*", "note", {"taker", "handlers", "assignees", "main_contact",
                                                             "contacts", "author", "role:assignee", "assignee"})};
  auto plan = plan_recipients(rules, {message("note", "staff", std::nullopt)}, empty, "");
  EXPECT_TRUE(plan.mails.empty());
  EXPECT_TRUE(plan.skipped.empty());
}

TEST(RoutingPlanTest, RowsOfAnotherWorkflowOrEventAreIgnored) {
  const std::vector<RoutingRule> rules = {rule("support-request", "status_entered", {"contacts"}, "closed"),
                                          rule("*", "note", {"contacts"})};
  auto plan = plan_recipients(rules, {entered("closed")}, sources(), "");
  EXPECT_TRUE(plan.mails.empty());
}

}  // namespace
}  // namespace redress::domain
