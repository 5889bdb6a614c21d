#pragma once
// Accounts, logins, browser sessions and API tokens.
#include <optional>
#include <string>
#include <vector>

#include "service/context.h"

namespace redress::service {

struct NewUser {
  std::string email;
  std::string name;
  std::string role;
  std::string rights;  // comma-separated extra rights
  std::optional<std::string> password;
  std::string language = "en";
};

struct NewSession {
  std::string cookie_value;  // shown to the browser once; stored hashed
  std::string csrf_token;
  TimePoint expires_at;
  domain::User user;
};

struct ResolvedSession {
  domain::User user;
  std::string csrf_token;
};

class AccountService {
 public:
  explicit AccountService(Context& ctx) : ctx_(ctx) {}

  // Needs right "admin" (or the CLI). Invalid names the field; Conflict on a taken email.
  Result<domain::User> create_user(const Actor& actor, const NewUser& input);
  Result<std::vector<domain::User>> list_users(const Actor& actor, int limit, int64_t after_id);
  Result<domain::User> get_user(const Actor& actor, int64_t id);

  // Unauthenticated on a wrong email or password, without saying which.
  Result<NewSession> login(const std::string& email, const std::string& password);
  Result<std::optional<ResolvedSession>> resolve_session(const std::string& cookie_value);
  Result<void> logout(const std::string& cookie_value);

  // Returns the new token (shown once). The CLI may issue one for anybody; a user only
  // for themselves.
  Result<std::string> create_token(const Actor& actor, const std::string& email, const std::string& label);
  Result<std::optional<domain::User>> resolve_token(const std::string& token);

 private:
  Context& ctx_;
};

}  // namespace redress::service
