#pragma once
// `redress mailgate`: what an MTA pipes a mail into. Reads one RFC 822 message on stdin,
// hands it to a Redress server (POST /api/v1/inbound/mail) and answers in sysexits terms
// so the MTA knows what to do: 0 stored, 65 refused for good (the server keeps it in its
// failed-mail list), 75 try again later (anything else: server down, bad token, timeout).
#include <iosfwd>
#include <string>

namespace redress::app {

inline constexpr int kExitStored = 0;
inline constexpr int kExitDataError = 65;  // EX_DATAERR
inline constexpr int kExitTempFail = 75;   // EX_TEMPFAIL

struct MailgateOptions {
  std::string url;  // the server's base URL, e.g. http://127.0.0.1:8080
  std::string token_file;
  std::string mailbox;
  int timeout_seconds = 120;
};

int run_mailgate(const MailgateOptions& options, std::istream& in, std::ostream& err);

}  // namespace redress::app
