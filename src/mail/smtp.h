#pragma once
// SMTP submission through libcurl. One SmtpSender per thread (it keeps a curl handle so a
// batch reuses one connection).
#include <memory>
#include <string>
#include <vector>

#include "core/error.h"

namespace redress::mail {

struct SmtpSettings {
  std::string url;  // smtp://host:port or smtps://host:port; empty: sending is off
  std::string username;
  std::string password;
  std::string starttls = "try";  // "try", "require" or "off" (ignored for smtps://)
  int timeout_seconds = 30;
  std::string helo_domain;  // default: curl's (the local host name)
};

class SmtpSender {
 public:
  explicit SmtpSender(SmtpSettings settings);
  ~SmtpSender();
  SmtpSender(const SmtpSender&) = delete;
  SmtpSender& operator=(const SmtpSender&) = delete;

  // Sends raw (CRLF bytes) from envelope_from (may be "" for a null sender) to recipients.
  // Errors: kUnavailable for what may work later (connection refused, timeout, 4xx, no
  // STARTTLS when it is required, and a refused login: reason "smtp_login_failed", it works
  // once the configuration is fixed; reason "smtp_off" when url is empty); kInvalid for what
  // will not (5xx, e.g. a recipient refused for good, or an address that cannot be sent);
  // the message says the server's reply.
  Result<void> send(const std::string& envelope_from, const std::vector<std::string>& recipients,
                    const std::string& raw);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace redress::mail
