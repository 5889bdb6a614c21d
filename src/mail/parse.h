#pragma once
// Reading an RFC 5322 message with GMime 3: decoded headers, the text a person reads, the
// HTML made safe to show, attachments, embedded messages and delivery reports. Built to
// take real-world mail: unknown charsets, 8-bit junk in headers and broken MIME are
// tolerated; only input that is not a message at all is an error.
//
// The types (ParsedMail, Address, ..., and bare_message_id) live in mail/parsed_mail.h,
// which does not need <expected>: the libFuzzer target (clang 14, whose libstdc++
// <expected> is empty) is built against that header.
#include <string_view>

#include "core/error.h"
#include "mail/parsed_mail.h"

namespace redress::mail {

// kMalformed when raw is empty or has no header at all; otherwise a ParsedMail, with what
// had to be tolerated in warnings.
Result<ParsedMail> parse_mail(std::string_view raw, const ParseLimits& limits = {});

}  // namespace redress::mail
