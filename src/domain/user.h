#pragma once
// Accounts, roles and named rights. A role gives a default set of rights; an account may
// hold extra named rights on top (F17). Every endpoint checks a right, never a role name,
// so that an organisation can grant e.g. "messages.block" to one agent.
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"

namespace redress::domain {

enum class Role { kAdmin, kAgent, kViewer, kCustomer };

std::string_view to_string(Role role);
std::optional<Role> parse_role(std::string_view text);

namespace rights {
inline constexpr std::string_view kTicketsReadAll = "tickets.read_all";  // see every ticket
inline constexpr std::string_view kTicketsWrite = "tickets.write";       // create and change any ticket
inline constexpr std::string_view kTicketsCreateOwn = "tickets.create_own";  // customers: log their own
inline constexpr std::string_view kTicketsAssignSelf = "tickets.assign_self";
inline constexpr std::string_view kTicketsRelease = "tickets.release";  // release another agent's ticket
inline constexpr std::string_view kMessagesUse = "messages.use";
inline constexpr std::string_view kMessagesBlock = "messages.block";
inline constexpr std::string_view kContactsWrite = "contacts.write";
inline constexpr std::string_view kReportsView = "reports.view";
inline constexpr std::string_view kMailIntake = "mail.intake";  // hand mail in (the mailgate's account)
inline constexpr std::string_view kAdmin = "admin";  // users, reasons, workflows, routing
}  // namespace rights

const std::vector<std::string_view>& known_rights();
std::set<std::string> default_rights(Role role);

struct User {
  int64_t id = 0;
  std::string email;
  std::string name;
  Role role = Role::kAgent;
  std::set<std::string> extra_rights;
  std::string language = "en";
  bool active = true;
  TimePoint created_at;

  bool has_right(std::string_view right) const;
  bool is_staff() const { return role != Role::kCustomer; }
};

// Parses "a,b,c"; an unknown right is an error naming it.
bool parse_rights(std::string_view text, std::set<std::string>& out, std::string& unknown);
std::string join_rights(const std::set<std::string>& rights);

}  // namespace redress::domain
