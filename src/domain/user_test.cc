#include "domain/user.h"

#include <gtest/gtest.h>

namespace redress::domain {
namespace {

User user_with(Role role) {
  User u;
  u.role = role;
  return u;
}

TEST(UserTest, AdminHoldsEveryKnownRight) {
  auto admin = user_with(Role::kAdmin);
  for (auto right : known_rights()) EXPECT_TRUE(admin.has_right(right)) << right;
  EXPECT_EQ(default_rights(Role::kAdmin).size(), known_rights().size());
}

TEST(UserTest, AgentWorksTicketsButDoesNotAdministerOrBlock) {
  EXPECT_EQ(default_rights(Role::kAgent),
            (std::set<std::string>{"tickets.view_all", "tickets.write", "tickets.take", "messages.use",
                                   "contacts.write"}));
  auto agent = user_with(Role::kAgent);
  EXPECT_FALSE(agent.has_right(rights::kAdmin));
  EXPECT_FALSE(agent.has_right(rights::kMessagesBlock));
  EXPECT_FALSE(agent.has_right(rights::kTicketsRelease));
}

TEST(UserTest, ViewerOnlyReadsAndSeesReports) {
  EXPECT_EQ(default_rights(Role::kViewer), (std::set<std::string>{"tickets.view_all", "reports.view"}));
  EXPECT_FALSE(user_with(Role::kViewer).has_right(rights::kTicketsWrite));
}

TEST(UserTest, CustomerCreatesOwnTicketsAndMessages) {
  EXPECT_EQ(default_rights(Role::kCustomer), (std::set<std::string>{"tickets.create_own", "messages.use"}));
  auto customer = user_with(Role::kCustomer);
  EXPECT_FALSE(customer.has_right(rights::kTicketsViewAll));
  EXPECT_FALSE(customer.is_staff());
  EXPECT_TRUE(user_with(Role::kViewer).is_staff());
}

TEST(UserTest, ExtraRightIsAddedToTheRoleDefaults) {
  auto agent = user_with(Role::kAgent);
  agent.extra_rights = {"messages.block"};
  EXPECT_TRUE(agent.has_right(rights::kMessagesBlock));
  EXPECT_TRUE(agent.has_right(rights::kTicketsWrite));
  EXPECT_FALSE(agent.has_right(rights::kAdmin));
}

TEST(UserTest, InactiveUserHasNoRightsAtAll) {
  auto admin = user_with(Role::kAdmin);
  admin.active = false;
  admin.extra_rights = {"messages.block"};
  for (auto right : known_rights()) EXPECT_FALSE(admin.has_right(right)) << right;
}

TEST(UserTest, RolesRoundTripThroughTheirNames) {
  for (auto role : {Role::kAdmin, Role::kAgent, Role::kViewer, Role::kCustomer}) {
    EXPECT_EQ(parse_role(to_string(role)), role);
  }
  EXPECT_EQ(parse_role("boss"), std::nullopt);
  EXPECT_EQ(parse_role("Admin"), std::nullopt);
}

TEST(UserTest, ParseRightsReadsACommaSeparatedListWithSpaces) {
  std::set<std::string> out;
  std::string unknown;
  EXPECT_TRUE(parse_rights("messages.block, tickets.release,,", out, unknown));
  EXPECT_EQ(out, (std::set<std::string>{"messages.block", "tickets.release"}));
  EXPECT_EQ(unknown, "");
}

TEST(UserTest, ParseRightsOfEmptyTextGivesNothing) {
  std::set<std::string> out;
  std::string unknown;
  EXPECT_TRUE(parse_rights("", out, unknown));
  EXPECT_TRUE(out.empty());
}

TEST(UserTest, ParseRightsNamesTheUnknownRight) {
  std::set<std::string> out;
  std::string unknown;
  EXPECT_FALSE(parse_rights("messages.block, tickets.fly", out, unknown));
  EXPECT_EQ(unknown, "tickets.fly");
}

TEST(UserTest, JoinRightsIsSortedAndCommaSeparated) {
  EXPECT_EQ(join_rights({"tickets.release", "messages.block"}), "messages.block,tickets.release");
  EXPECT_EQ(join_rights({}), "");
}

}  // namespace
}  // namespace redress::domain
