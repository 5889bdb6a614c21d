// Delivery failures: RFC 3464 delivery status notifications, and the older or sloppier
// shapes MTAs still send (Postfix/qmail/Exim text from mailer-daemon with the original
// message attached or quoted).
#include <algorithm>
#include <array>
#include <map>

#include "mail/charset.h"
#include "mail/parse_internal.h"

namespace redress::mail {
namespace {

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    if (line.ends_with('\r')) line.remove_suffix(1);
    lines.push_back(line);
    pos = end + 1;
  }
  return lines;
}

using Fields = std::map<std::string, std::string>;  // lower-cased name -> unfolded value

// Header-style blocks separated by blank lines, as in message/delivery-status.
std::vector<Fields> field_blocks(std::string_view text) {
  std::vector<Fields> blocks(1);
  std::string* last = nullptr;
  for (std::string_view line : split_lines(text)) {
    if (trim_space(line).empty()) {
      if (!blocks.back().empty()) blocks.emplace_back();
      last = nullptr;
      continue;
    }
    if ((line.front() == ' ' || line.front() == '\t') && last) {
      *last += ' ' + trim_space(line);
      continue;
    }
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string name = ascii_lowercase(trim_space(line.substr(0, colon)));
    auto [it, inserted] = blocks.back().emplace(name, trim_space(line.substr(colon + 1)));
    last = inserted ? &it->second : nullptr;
  }
  if (blocks.back().empty()) blocks.pop_back();
  return blocks;
}

// "rfc822; <User@Example.com>" -> "user@example.com".
std::string recipient_address(std::string_view value) {
  size_t semicolon = value.find(';');
  if (semicolon != std::string_view::npos) value = value.substr(semicolon + 1);
  return ascii_lowercase(make_valid_utf8(bare_message_id(value)));
}

void add_recipient(Bounce& bounce, const std::string& address) {
  if (address.empty() || address.size() > 320) return;
  if (std::find(bounce.failed_recipients.begin(), bounce.failed_recipients.end(), address) ==
      bounce.failed_recipients.end())
    bounce.failed_recipients.push_back(address);
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// The first RFC 3463 status code ("5.1.1") in text, "" when there is none.
std::string find_status_code(std::string_view text) {
  for (size_t i = 0; i + 5 <= text.size(); ++i) {
    char c = text[i];
    if ((c != '2' && c != '4' && c != '5') || text[i + 1] != '.') continue;
    if (i > 0 && (is_digit(text[i - 1]) || text[i - 1] == '.')) continue;
    size_t j = i + 2, digits = 0;
    while (j < text.size() && is_digit(text[j]) && digits < 4) ++j, ++digits;
    if (digits == 0 || digits > 3 || j >= text.size() || text[j] != '.') continue;
    size_t k = j + 1, digits2 = 0;
    while (k < text.size() && is_digit(text[k]) && digits2 < 4) ++k, ++digits2;
    if (digits2 == 0 || digits2 > 3 || (k < text.size() && (is_digit(text[k]) || text[k] == '.'))) continue;
    return std::string(text.substr(i, k - i));
  }
  return {};
}

std::string first_token(std::string_view s) {
  std::string t = trim_space(s);
  size_t end = t.find_first_of(" \t(");
  return end == std::string::npos ? t : t.substr(0, end);
}

std::optional<Bounce> from_delivery_status(const BounceEvidence& evidence) {
  Bounce bounce;
  bool any_recipient_block = false, any_failed = false, any_delayed = false;
  for (const std::string& report : evidence.delivery_status) {
    for (const Fields& block : field_blocks(report)) {
      auto field = [&](const char* name) {
        auto it = block.find(name);
        return it == block.end() ? std::string() : it->second;
      };
      std::string final_recipient = field("final-recipient"), original = field("original-recipient");
      if (final_recipient.empty() && original.empty()) continue;  // the per-message block
      any_recipient_block = true;
      std::string action = ascii_lowercase(first_token(field("action")));
      std::string status = first_token(field("status"));
      if (!find_status_code(status).empty()) status = find_status_code(status);
      bool failed = action == "failed" || (action.empty() && status.starts_with('5'));
      bool delayed = action == "delayed" || (action.empty() && status.starts_with('4'));
      if (!failed && !delayed) continue;  // delivered, relayed, expanded: not a failure
      any_failed = any_failed || failed;
      any_delayed = any_delayed || delayed;
      // The original recipient is the address the sender used (and so the one we know);
      // the final one may be where an alias led.
      if (!original.empty()) add_recipient(bounce, recipient_address(original));
      if (!final_recipient.empty()) add_recipient(bounce, recipient_address(final_recipient));
      if (bounce.status.empty()) bounce.status = status;
    }
  }
  if (any_recipient_block && !any_failed && !any_delayed) return std::nullopt;
  bounce.permanent = bounce.status.empty() ? !(any_delayed && !any_failed) : !bounce.status.starts_with('4');
  bounce.original_message_id = evidence.returned_message_id;
  return bounce;
}

bool icontains(std::string_view haystack, std::string_view needle) {
  return ascii_lowercase(haystack).find(needle) != std::string::npos;
}

bool is_mailer_daemon(const ParsedMail& mail) {
  if (!mail.from) return false;
  std::string local = mail.from->email.substr(0, mail.from->email.find('@'));
  if (local == "mailer-daemon" || local == "postmaster" || local == "mail-daemon") return true;
  std::string name = ascii_lowercase(mail.from->name);
  return name == "mail delivery system" || name == "mail delivery subsystem";
}

constexpr std::array<std::string_view, 10> kBounceMarkers = {
    "could not be delivered",     "undeliverable",        "delivery has failed",  "delivery failed",
    "permanent error",            "failed permanently",   "returned to sender",   "copy of the message",
    "following address(es) failed", "user unknown",
};

// A bare address on a line of its own, or "<address>:" as Postfix and qmail write it.
std::string address_on_line(std::string_view line, bool bare_allowed) {
  std::string t = trim_space(line);
  if (t.starts_with('<')) {
    size_t close = t.find(">:");
    if (close == std::string::npos && bare_allowed) close = t.find('>');
    if (close != std::string::npos && t.find('@') < close && t.find_first_of(" \t") > close)
      return ascii_lowercase(make_valid_utf8(t.substr(1, close - 1)));
    return {};
  }
  if (!bare_allowed || t.find('@') == std::string::npos || t.find_first_of(" \t<>()\"") != std::string::npos ||
      t.size() > 254)
    return {};
  return ascii_lowercase(make_valid_utf8(t));
}

std::optional<Bounce> from_shape(const ParsedMail& mail, const BounceEvidence& evidence) {
  if (!is_mailer_daemon(mail)) return std::nullopt;
  std::string lowered_text = ascii_lowercase(mail.text);
  bool marked = std::any_of(kBounceMarkers.begin(), kBounceMarkers.end(),
                            [&](std::string_view m) { return lowered_text.find(m) != std::string::npos; });
  if (!evidence.has_returned_message && !marked && !icontains(mail.subject, "undeliver") &&
      !icontains(mail.subject, "returned mail") && !icontains(mail.subject, "failure"))
    return std::nullopt;

  Bounce bounce;
  std::vector<std::string_view> lines = split_lines(mail.text);
  // Exim lists failed addresses on their own lines after this sentence.
  int bare_lines_left = 0;
  for (std::string_view line : lines) {
    std::string lowered = ascii_lowercase(line);
    if (lowered.find("following address") != std::string::npos ||
        lowered.find("following recipient") != std::string::npos) {
      bare_lines_left = 8;
      continue;
    }
    if (lowered.starts_with("final-recipient:") || lowered.starts_with("original-recipient:")) {
      add_recipient(bounce, recipient_address(line.substr(line.find(':') + 1)));
      continue;
    }
    std::string address = address_on_line(line, bare_lines_left > 0);
    if (!address.empty()) add_recipient(bounce, address);
    if (bare_lines_left > 0) --bare_lines_left;
  }
  bounce.status = find_status_code(mail.text);
  bool delayed = icontains(mail.subject, "delay") || icontains(mail.subject, "warning");
  bounce.permanent = bounce.status.empty() ? !delayed : !bounce.status.starts_with('4');
  bounce.original_message_id = evidence.returned_message_id;
  if (!bounce.original_message_id) {
    // Exim and qmail quote the returned headers in the text.
    for (size_t i = 0; i < lines.size(); ++i) {
      std::string t = ascii_lowercase(trim_space(lines[i]));
      if (!t.starts_with("message-id:")) continue;
      std::string id = bare_message_id(trim_space(lines[i]).substr(11));
      if (id.empty() && i + 1 < lines.size()) id = bare_message_id(lines[i + 1]);
      if (!id.empty()) bounce.original_message_id = make_valid_utf8(id);
      break;
    }
  }
  return bounce;
}

}  // namespace

std::optional<std::string> message_id_in_headers(std::string_view headers) {
  bool in_message_id = false;
  std::string value;
  for (std::string_view line : split_lines(headers)) {
    if (trim_space(line).empty()) break;  // end of the header block
    if (line.front() == ' ' || line.front() == '\t') {
      if (in_message_id) value += trim_space(line);
      continue;
    }
    if (in_message_id) break;
    size_t colon = line.find(':');
    if (colon != std::string_view::npos && ascii_lowercase(trim_space(line.substr(0, colon))) == "message-id") {
      in_message_id = true;
      value = trim_space(line.substr(colon + 1));
    }
  }
  std::string id = bare_message_id(value);
  if (id.empty()) return std::nullopt;
  return make_valid_utf8(id);
}

std::optional<Bounce> detect_bounce(const ParsedMail& mail, const BounceEvidence& evidence) {
  if (!evidence.delivery_status.empty()) return from_delivery_status(evidence);
  return from_shape(mail, evidence);
}

}  // namespace redress::mail
