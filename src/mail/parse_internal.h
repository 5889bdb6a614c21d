#pragma once
// Shared by the parse_*.cc files: GMime ownership helpers and the steps of parse_mail.
// Nothing here needs <expected>, so the libFuzzer target can call parse_mail_into.
#include <gmime/gmime.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mail/parsed_mail.h"

namespace redress::mail {

// s without the spaces, tabs and line breaks around it.
inline std::string trim_space(std::string_view s) {
  const size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  const size_t e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

struct GObjectUnref {
  void operator()(void* object) const {
    if (object) g_object_unref(object);
  }
};
// Owns one reference to a GObject (GMimeMessage, GMimeStream, GMimeParser, ...).
template <typename T>
using GObjectPtr = std::unique_ptr<T, GObjectUnref>;

struct GFreeDeleter {
  void operator()(void* p) const { g_free(p); }
};
// A string GMime hands over (char* to be released with g_free).
using GCharPtr = std::unique_ptr<char, GFreeDeleter>;

// What parse_mail does, without Result: false with *error set when raw is not a message.
bool parse_mail_into(std::string_view raw, const ParseLimits& limits, ParsedMail& mail, std::string& error);

// Appends a warning unless it is already there; stops at a bound so that hostile input
// cannot grow the list without limit.
void add_warning(std::vector<std::string>& warnings, std::string warning);

// Unfolds a raw header value and decodes its RFC 2047 words and 8-bit bytes to UTF-8;
// candidates are the charsets the message declares (see declared_charsets).
std::string decode_header_text(std::string_view raw, const std::vector<std::string>& candidates);

// Lower-case ASCII; other bytes unchanged.
std::string ascii_lowercase(std::string_view s);

// What parts of the body say about a delivery failure, gathered during the part walk.
struct BounceEvidence {
  std::vector<std::string> delivery_status;  // bodies of message/delivery-status parts
  bool has_returned_message = false;         // a message/rfc822 or text/rfc822-headers part
  std::optional<std::string> returned_message_id;
};

// Fills text, html and attachments from the MIME tree; collects bounce evidence.
void read_body(GMimeMessage* message, const std::vector<std::string>& candidates, const ParseLimits& limits,
               ParsedMail& mail, BounceEvidence& evidence);

// Message-ID (without <>) from a block of raw headers, as in text/rfc822-headers.
std::optional<std::string> message_id_in_headers(std::string_view headers);

// A Bounce when the mail is a delivery report (standard or recognised by its shape).
std::optional<Bounce> detect_bounce(const ParsedMail& mail, const BounceEvidence& evidence);

}  // namespace redress::mail
