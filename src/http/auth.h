#pragma once
// Who is calling: a bearer API token, or a browser session cookie. Cookie-authenticated
// writes must also carry the session's CSRF token in X-CSRF-Token, since a browser
// attaches cookies to cross-site form posts and a bearer header it never adds by itself.
#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "core/clock.h"
#include "http/message.h"
#include "service/account_service.h"

namespace redress::http {

inline constexpr const char* kSessionCookie = "redress_session";

struct Caller {
  std::optional<domain::User> user;
  bool via_cookie = false;
  std::string csrf_token;  // the session's, when via_cookie
};

// Unauthenticated when a presented credential is wrong (a bad token is an error, not
// an anonymous request); Forbidden (reason "csrf") for a cookie write without the token.
Result<Caller> authenticate(service::AccountService& accounts, const Request& request);

// Counts failed logins per key (email, client address) in fixed one-minute windows; also
// every request for a sign-in link, under keys of their own.
// Per process: with several nodes the effective limit is per node. Thread-safe.
class LoginRateLimiter {
 public:
  LoginRateLimiter(const Clock& clock, int attempts_per_minute) : clock_(clock), limit_(attempts_per_minute) {}
  // Seconds to wait when key is over its limit, else 0.
  int64_t retry_after(const std::string& key);
  void record_failure(const std::string& key);
  void reset(const std::string& key);

 private:
  struct Window {
    int64_t minute = 0;
    int failures = 0;
  };
  const Clock& clock_;
  const int limit_;
  std::mutex mutex_;
  std::map<std::string, Window> windows_;  // guarded by mutex_
};

}  // namespace redress::http
