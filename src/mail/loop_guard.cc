#include "mail/loop_guard.h"

#include <array>

#include "domain/validation.h"

namespace redress::mail {

namespace {

// Exchange's list names the kinds of automatic answer not wanted: All, or OOF (out of
// office) and AutoReply, both of which an acknowledgement is. DR, NDR, RN and NRN are
// about delivery and read receipts, which Redress does not send.
bool suppresses_auto_replies(std::string_view value) {
  size_t at = 0;
  while (at < value.size()) {
    size_t end = value.find_first_of(", ;", at);
    if (end == std::string_view::npos) end = value.size();
    const std::string_view word = value.substr(at, end - at);
    if (word == "all" || word == "oof" || word == "autoreply") return true;
    at = end + 1;
  }
  return false;
}

// "support+fr@example.com" is the address "support@example.com" with a tag: mail to it
// reaches the same mailbox.
std::string without_subaddress(const std::string& address) {
  const size_t at = address.find('@');
  const size_t plus = address.find('+');
  if (at == std::string::npos || plus == std::string::npos || plus > at) return address;
  return address.substr(0, plus) + address.substr(at);
}

}  // namespace

std::string automated_mail_reason(const ParsedMail& mail) {
  if (!mail.auto_submitted.empty() && mail.auto_submitted != "no") return "auto_submitted";
  if (mail.precedence == "bulk" || mail.precedence == "junk" || mail.precedence == "list") return "precedence";
  if (!mail.list_id.empty()) return "list_id";
  if (!mail.x_autoreply.empty() && mail.x_autoreply != "no") return "x_autoreply";
  if (suppresses_auto_replies(mail.x_auto_response_suppress)) return "x_auto_response_suppress";
  if (mail.bounce) return "bounce";
  // A null reverse-path is how MTAs send notifications that must never be answered.
  if (mail.return_path == "<>") return "null_return_path";
  return "";
}

std::string automated_address_reason(std::string_view address, const std::set<std::string>& own) {
  const std::string lower = domain::lower_ascii(std::string(address));
  if (lower.empty()) return "no_address";
  if (own.contains(lower) || own.contains(without_subaddress(lower))) return "own_address";
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
