// parse_mail as the project's Result API; the work is in parse_message.cc, which is kept
// free of <expected> for the libFuzzer build (see scripts/fuzz.sh).
#include "mail/parse.h"

#include "mail/parse_internal.h"

namespace redress::mail {

Result<ParsedMail> parse_mail(std::string_view raw, const ParseLimits& limits) {
  ParsedMail mail;
  std::string error;
  if (!parse_mail_into(raw, limits, mail, error)) return fail(ErrorCode::kMalformed, std::move(error));
  return mail;
}

}  // namespace redress::mail
