#include "domain/user.h"

#include <algorithm>

namespace redress::domain {

std::string_view to_string(Role role) {
  switch (role) {
    case Role::kAdmin: return "admin";
    case Role::kAgent: return "agent";
    case Role::kViewer: return "viewer";
    case Role::kCustomer: return "customer";
  }
  return "agent";
}

std::optional<Role> parse_role(std::string_view text) {
  if (text == "admin") return Role::kAdmin;
  if (text == "agent") return Role::kAgent;
  if (text == "viewer") return Role::kViewer;
  if (text == "customer") return Role::kCustomer;
  return std::nullopt;
}

const std::vector<std::string_view>& known_rights() {
  static const std::vector<std::string_view> all = {
      rights::kTicketsViewAll, rights::kTicketsWrite,  rights::kTicketsCreateOwn, rights::kTicketsTake,
      rights::kTicketsRelease, rights::kMessagesUse,   rights::kMessagesBlock,    rights::kContactsWrite,
      rights::kReportsView,    rights::kMailIntake,    rights::kTemplatesManage, rights::kAdmin,
  };
  return all;
}

std::set<std::string> default_rights(Role role) {
  using namespace rights;
  switch (role) {
    case Role::kAdmin: {
      std::set<std::string> all;
      for (auto r : known_rights()) all.emplace(r);
      return all;
    }
    case Role::kAgent:
      return {std::string(kTicketsViewAll), std::string(kTicketsWrite), std::string(kTicketsTake),
              std::string(kMessagesUse), std::string(kContactsWrite)};
    case Role::kViewer:
      return {std::string(kTicketsViewAll), std::string(kReportsView)};
    case Role::kCustomer:
      return {std::string(kTicketsCreateOwn), std::string(kMessagesUse)};
  }
  return {};
}

bool User::has_right(std::string_view right) const {
  if (!active) return false;
  const std::string r(right);
  if (extra_rights.contains(r)) return true;
  return !revoked_rights.contains(r) && default_rights(role).contains(r);
}

std::set<std::string> User::effective_rights() const {
  std::set<std::string> out;
  for (const auto& r : default_rights(role))
    if (!revoked_rights.contains(r)) out.insert(r);
  out.insert(extra_rights.begin(), extra_rights.end());
  return out;
}

void set_effective_rights(User& user, const std::set<std::string>& rights) {
  const auto defaults = default_rights(user.role);
  user.extra_rights.clear();
  user.revoked_rights.clear();
  for (const auto& r : rights)
    if (!defaults.contains(r)) user.extra_rights.insert(r);
  for (const auto& r : defaults)
    if (!rights.contains(r)) user.revoked_rights.insert(r);
}

bool parse_rights(std::string_view text, std::set<std::string>& out, std::string& unknown) {
  while (!text.empty()) {
    auto comma = text.find(',');
    std::string_view part = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
    if (part.empty()) continue;
    if (std::ranges::find(known_rights(), part) == known_rights().end()) {
      unknown = std::string(part);
      return false;
    }
    out.emplace(part);
  }
  return true;
}

std::string join_rights(const std::set<std::string>& rights) {
  std::string out;
  for (const auto& r : rights) {
    if (!out.empty()) out += ',';
    out += r;
  }
  return out;
}

}  // namespace redress::domain
