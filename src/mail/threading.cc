#include "mail/threading.h"

#include <charconv>

#include <fmt/format.h>

#include "core/crypto.h"

namespace redress::mail {
namespace {

constexpr std::string_view kPrefix = "redress.";
// 64 bits of MAC: forging one means guessing 2^64 values, and the id stays short.
constexpr size_t kMacHexLength = 16;

std::string mac_of(std::string_view signed_part, std::string_view secret) {
  return crypto::hmac_sha256_hex(secret, signed_part).substr(0, kMacHexLength);
}

bool is_tag_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
         c == '/' || c == '.';
}

}  // namespace

std::string make_message_id(int64_t ticket_id, std::string_view secret, std::string_view domain) {
  // The nonce makes each mail's id unique; URL-safe base64 may hold '-' and '_', both
  // allowed in a Message-ID's dot-atom.
  const std::string signed_part = fmt::format("{}{}.{}", kPrefix, ticket_id, crypto::random_token(9));
  return fmt::format("{}.{}@{}", signed_part, mac_of(signed_part, secret), domain);
}

std::optional<int64_t> signed_ticket_of(std::string_view message_id, std::string_view secret) {
  if (!message_id.starts_with(kPrefix) || secret.empty()) return std::nullopt;
  const auto at = message_id.find('@');
  if (at == std::string_view::npos) return std::nullopt;
  const std::string_view local = message_id.substr(0, at);
  const auto last_dot = local.rfind('.');
  if (last_dot == std::string_view::npos || local.size() - last_dot - 1 != kMacHexLength) return std::nullopt;
  const std::string_view signed_part = local.substr(0, last_dot);
  if (!crypto::constant_time_equal(mac_of(signed_part, secret), local.substr(last_dot + 1))) return std::nullopt;
  const std::string_view rest = signed_part.substr(kPrefix.size());
  int64_t id = 0;
  auto [ptr, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), id);
  if (ec != std::errc() || ptr == rest.data() || *ptr != '.' || id <= 0) return std::nullopt;
  return id;
}

std::optional<std::string> subject_tag(std::string_view subject) {
  for (size_t at = subject.find("[#"); at != std::string_view::npos; at = subject.find("[#", at + 2)) {
    size_t end = at + 2;
    while (end < subject.size() && is_tag_char(subject[end])) ++end;
    if (end < subject.size() && subject[end] == ']' && end > at + 2) return std::string(subject.substr(at + 2, end - at - 2));
  }
  return std::nullopt;
}

std::string tagged_subject(std::string_view subject, std::string_view number) {
  const std::string tag = fmt::format("[#{}]", number);
  if (subject.find(tag) != std::string_view::npos) return std::string(subject);
  if (subject.empty()) return tag;
  return fmt::format("{} {}", tag, subject);
}

}  // namespace redress::mail
