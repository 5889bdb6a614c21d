#pragma once
// Composing outgoing mail with GMime: multipart/alternative (text + HTML) when there is
// HTML, RFC 2047-encoded headers, Content-Language, Auto-Submitted, the References chain.
#include <string>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "mail/parse.h"

namespace redress::mail {

// A file the mail carries (multipart/mixed after the text).
struct OutgoingFile {
  std::string filename;
  std::string content_type;  // type/subtype
  std::string bytes;
};

struct OutgoingMail {
  Address from;
  std::vector<Address> to;
  std::vector<Address> cc;
  std::vector<Address> reply_to;
  std::string subject;
  std::string text;  // required
  std::string html;  // optional: with it the mail is multipart/alternative
  std::string message_id;               // without <>; required
  std::string in_reply_to;              // without <>; optional
  std::vector<std::string> references;  // without <>, oldest first
  std::string language;                 // Content-Language, e.g. "fr"; optional
  std::string auto_submitted;           // "auto-generated", "auto-replied" or "" (a person wrote it)
  TimePoint date;
  std::vector<std::pair<std::string, std::string>> extra_headers;  // e.g. X-Redress-Ticket
  std::vector<OutgoingFile> files;
};

// The message as RFC 5322 bytes with CRLF line ends, ready for SMTP DATA.
std::string compose_mail(const OutgoingMail& mail);

}  // namespace redress::mail
