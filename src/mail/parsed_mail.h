#pragma once
// What parse_mail (mail/parse.h) returns. Kept apart from parse.h so that code built
// without <expected> (the libFuzzer target, see scripts/fuzz.sh) can use the types.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"

namespace redress::mail {

struct Address {
  std::string name;   // decoded display name, may be empty
  std::string email;  // addr-spec as written, lower-cased; may be empty for broken headers
};

struct Attachment {
  std::string filename;      // decoded; "" when the part has none
  std::string content_type;  // "type/subtype", lower-case
  std::string content_id;    // without <>; set for inline parts referenced by cid:
  bool is_inline = false;    // Content-Disposition inline (or an image referenced by cid:)
  std::string data;          // decoded bytes; empty when dropped
  std::string sha256;        // hex of data; empty when dropped
  int64_t size = 0;          // decoded size, also when dropped
  bool dropped = false;      // over the size limits: kept as a record only
};

// A delivery status notification (multipart/report; report-type=delivery-status) or a
// bounce recognised by its shape (mailer-daemon sender with the original message inside).
struct Bounce {
  std::vector<std::string> failed_recipients;    // lower-cased addresses
  std::optional<std::string> original_message_id;  // of the mail that bounced, without <>
  std::string status;                           // e.g. "5.1.1", empty when unknown
  bool permanent = true;                        // 5.x.x (or unknown) vs 4.x.x
};

struct ParsedMail {
  std::string subject;  // decoded, whitespace-folded to one line
  std::optional<Address> from;
  std::optional<Address> sender;
  std::vector<Address> to, cc, reply_to;
  std::string message_id;               // without <>; empty when absent
  std::vector<std::string> in_reply_to;  // without <>
  std::vector<std::string> references;  // without <>, oldest first
  std::optional<TimePoint> date;
  std::string auto_submitted;  // header value lower-cased, "" when absent
  std::string precedence;      // lower-cased, "" when absent
  std::string list_id;         // "" when absent
  std::string x_autoreply;     // X-Autoreply (some vacation responders), lower-cased, "" when absent
  // X-Auto-Response-Suppress (Microsoft Exchange): which automatic answers the sender does
  // not want, e.g. "all" or "oof, autoreply"; lower-cased, "" when absent.
  std::string x_auto_response_suppress;
  std::string return_path;     // lower-cased addr-spec, "" when absent ("<>" gives "<>")
  std::string content_language;
  std::string text;  // body for people: text/plain preferred, else from the HTML
  std::string html;  // sanitised HTML (see html.h), "" when the mail has none
  std::vector<Attachment> attachments;  // message/rfc822 parts are attachments too
  std::optional<Bounce> bounce;
  std::vector<std::string> warnings;  // what was tolerated (bad charset, part dropped, ...)
};

struct ParseLimits {
  int64_t max_attachment_bytes = 25LL << 20;  // one part
  int64_t max_total_attachment_bytes = 50LL << 20;
  int max_parts = 1000;
  int max_depth = 20;  // nested multiparts / message/rfc822
};

// Strips <> and whitespace: "<a@b>" -> "a@b".
std::string bare_message_id(std::string_view id);

}  // namespace redress::mail
