#include "mail/loop_guard.h"

#include <array>

#include "domain/validation.h"

namespace redress::mail {

std::string automated_mail_reason(const ParsedMail& mail) {
  if (!mail.auto_submitted.empty() && mail.auto_submitted != "no") return "auto_submitted";
  if (mail.precedence == "bulk" || mail.precedence == "junk" || mail.precedence == "list") return "precedence";
  if (!mail.list_id.empty()) return "list_id";
  if (mail.bounce) return "bounce";
  // A null reverse-path is how MTAs send notifications that must never be answered.
  if (mail.return_path == "<>") return "null_return_path";
  return "";
}

std::string automated_address_reason(std::string_view address, const std::set<std::string>& own) {
  const std::string lower = domain::lower_ascii(std::string(address));
  if (lower.empty()) return "no_address";
  if (own.contains(lower)) return "own_address";
  const std::string local = lower.substr(0, lower.find('@'));
  static constexpr std::array<std::string_view, 8> robots = {
      "mailer-daemon", "postmaster", "noreply", "no-reply", "do-not-reply", "donotreply", "bounce", "listserv"};
  for (auto robot : robots) {
    if (local == robot || local.starts_with(std::string(robot) + "+") || local.starts_with(std::string(robot) + "-"))
      return "robot_address";
  }
  if (local.starts_with("owner-") || local.ends_with("-request") || local.ends_with("-bounces")) return "list_address";
  return "";
}

}  // namespace redress::mail
