#pragma once
// Accounts, roles and named rights. A role gives a default set of rights; an account may
// hold extra named rights on top and have some of its role's defaults withdrawn (F17). Every endpoint checks a right, never a role name,
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
inline constexpr std::string_view kTicketsViewAll = "tickets.view_all";  // see every ticket
inline constexpr std::string_view kTicketsWrite = "tickets.write";       // create and change any ticket
inline constexpr std::string_view kTicketsCreateOwn = "tickets.create_own";  // customers: log their own
inline constexpr std::string_view kTicketsTake = "tickets.take";  // assign to me, process next
inline constexpr std::string_view kTicketsRelease = "tickets.release";  // release another agent's ticket
inline constexpr std::string_view kMessagesUse = "messages.use";
inline constexpr std::string_view kMessagesBlock = "messages.block";
inline constexpr std::string_view kContactsWrite = "contacts.write";
inline constexpr std::string_view kReportsView = "reports.view";
inline constexpr std::string_view kMailIntake = "mail.intake";  // hand mail in (the mailgate's account)
inline constexpr std::string_view kTemplatesManage = "templates.manage";  // create and edit response templates
inline constexpr std::string_view kAdmin = "admin";  // users, reasons, workflows, routing
}  // namespace rights

const std::vector<std::string_view>& known_rights();
std::set<std::string> default_rights(Role role);

struct User {
  int64_t id = 0;
  std::string email;
  std::string name;
  Role role = Role::kAgent;
  std::set<std::string> extra_rights;    // granted on top of the role's defaults
  std::set<std::string> revoked_rights;  // role defaults withdrawn from this account
  std::string language = "en";
  bool active = true;
  TimePoint created_at;

  std::optional<TimePoint> last_seen_at;  // last authenticated request (coarse)
  std::optional<std::string> signature;   // closing lines of the user's replies ({{agent.signature}})

  bool has_right(std::string_view right) const;
  // What the account may do: the role's defaults, plus extras, minus revoked.
  std::set<std::string> effective_rights() const;
  bool is_staff() const { return role != Role::kCustomer; }
};

// Parses "a,b,c"; an unknown right is an error naming it.
bool parse_rights(std::string_view text, std::set<std::string>& out, std::string& unknown);
std::string join_rights(const std::set<std::string>& rights);
// Stores "these are the account's rights" as the difference from the role's defaults.
void set_effective_rights(User& user, const std::set<std::string>& rights);

}  // namespace redress::domain
