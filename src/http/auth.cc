#include "http/auth.h"

#include "core/crypto.h"

namespace redress::http {

Result<Caller> authenticate(service::AccountService& accounts, const Request& request) {
  Caller caller;
  if (auto auth = request.header("Authorization")) {
    constexpr std::string_view kBearer = "Bearer ";
    if (!auth->starts_with(kBearer)) return fail(ErrorCode::kUnauthenticated, "use Authorization: Bearer TOKEN");
    auto user = REDRESS_TRY(accounts.resolve_token(auth->substr(kBearer.size())));
    if (!user) return fail(ErrorCode::kUnauthenticated, "the API token is not valid");
    caller.user = std::move(user);
    return caller;
  }
  if (auto cookie = request.cookie(kSessionCookie)) {
    auto session = REDRESS_TRY(accounts.resolve_session(*cookie));
    if (!session) return caller;  // expired or logged out: anonymous, so a login page can follow
    caller.user = std::move(session->user);
    caller.via_cookie = true;
    caller.csrf_token = std::move(session->csrf_token);
    const bool safe = request.method == "GET" || request.method == "HEAD" || request.method == "OPTIONS";
    if (!safe) {
      auto sent = request.header("X-CSRF-Token");
      if (!sent || !crypto::constant_time_equal(*sent, caller.csrf_token))
        return fail(Error::forbidden("missing or wrong X-CSRF-Token for a cookie-authenticated change", "csrf"));
    }
  }
  return caller;
}

int64_t LoginRateLimiter::retry_after(const std::string& key) {
  auto now_s = to_micros(clock_.now()) / 1'000'000;
  std::lock_guard lock(mutex_);
  auto it = windows_.find(key);
  if (it == windows_.end() || it->second.minute != now_s / 60) return 0;
  if (it->second.failures < limit_) return 0;
  return 60 - now_s % 60;
}

void LoginRateLimiter::record_failure(const std::string& key) {
  auto minute = to_micros(clock_.now()) / 60'000'000;
  std::lock_guard lock(mutex_);
  if (windows_.size() > 100'000) windows_.clear();  // bound memory under a spray of keys
  auto& w = windows_[key];
  if (w.minute != minute) w = Window{minute, 0};
  ++w.failures;
}

void LoginRateLimiter::reset(const std::string& key) {
  std::lock_guard lock(mutex_);
  windows_.erase(key);
}

}  // namespace redress::http
