#pragma once
// Accounts, logins, browser sessions and API tokens.
#include <optional>
#include <string>
#include <vector>

#include "service/context.h"
#include "store/connection.h"

namespace redress::service {

struct NewUser {
  std::string email;
  std::string name;
  std::string role;
  std::string rights;  // comma-separated extra rights
  std::optional<std::string> password;
  std::string language = "en";
};

// Absent members are left as they are. rights is the account's whole list: what the role
// gives and is missing from it is withdrawn, what it adds is granted.
struct UserPatch {
  std::optional<std::string> name;
  std::optional<std::string> language;
  std::optional<std::string> role;
  std::optional<bool> active;
  std::optional<std::vector<std::string>> rights;
  // Given: set the signature ({{agent.signature}} of response templates); null clears it.
  std::optional<std::optional<std::string>> signature;
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
  TimePoint created_at;
  TimePoint expires_at;
};

// In the caller's write transaction: a new browser session for user (cookie value and CSRF
// token made here; only the cookie's hash is stored), recorded as "session.login" with how
// the user proved who they are (`via`: "password", "sign_in_link"). Every way of logging
// in opens its session here, so they all give the same session.
Result<NewSession> open_session(const Context& ctx, store::Connection& c, const domain::User& user,
                                const std::string& via);

class AccountService {
 public:
  explicit AccountService(Context& ctx) : ctx_(ctx) {}

  // Needs right "admin" (or the CLI). Invalid names the field; Conflict on a taken email.
  Result<domain::User> create_user(const Actor& actor, const NewUser& input);
  Result<std::vector<domain::User>> list_users(const Actor& actor, int limit, int64_t after_id);
  Result<domain::User> get_user(const Actor& actor, int64_t id);
  // Needs right "admin", except that anybody may change their own name, language and
  // signature (Forbidden "right_missing" for anything else). An admin cannot lock
  // themselves out (deactivate their own account or drop their own admin right).
  // Deactivating an account returns the tickets it had taken to the team queue, in the
  // same transaction.
  Result<domain::User> update_user(const Actor& actor, int64_t id, const UserPatch& patch);

  // Unauthenticated on a wrong email or password, without saying which.
  Result<NewSession> login(const std::string& email, const std::string& password);
  Result<std::optional<ResolvedSession>> resolve_session(const std::string& cookie_value);
  Result<void> logout(const std::string& cookie_value);

  // Returns the new token (shown once). The CLI may issue one for anybody; a user only
  // for themselves.
  Result<std::string> create_token(const Actor& actor, const std::string& email, const std::string& label);
  Result<std::optional<domain::User>> resolve_token(const std::string& token);

 private:
  // Records when a user was last active, at most every few minutes per user so that reads
  // stay reads; a failure is logged, never the caller's problem.
  void note_activity(const domain::User& user);
  Context& ctx_;
};

}  // namespace redress::service
