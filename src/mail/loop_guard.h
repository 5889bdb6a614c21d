#pragma once
// Mail loops start when two robots answer each other. Redress sends nothing automatic to a
// mail or an address that looks automated (RFC 3834 Auto-Submitted, Precedence
// bulk/junk/list, List-Id, X-Autoreply, Exchange's X-Auto-Response-Suppress, mailer-daemon
// and friends, our own addresses with or without a "+tag").
#include <set>
#include <string>
#include <string_view>

#include "mail/parse.h"

namespace redress::mail {

// Why a mail must not get an automatic answer, or "" when it may.
std::string automated_mail_reason(const ParsedMail& mail);

// Why an address must not get automatic mail, or "" when it may. own: our addresses,
// lower-cased.
std::string automated_address_reason(std::string_view address, const std::set<std::string>& own);

}  // namespace redress::mail
