#pragma once
// Accounts, browser sessions and API tokens. Secrets are never stored: sessions and
// tokens are kept as SHA-256 hashes, passwords as argon2id strings.
// A store works inside the caller's transaction (the Connection it is given).
#include <optional>
#include <vector>

#include "domain/user.h"
#include "store/connection.h"

namespace redress::store {

struct SessionRow {
  int64_t user_id = 0;
  std::string csrf_token;
  TimePoint expires_at;
  TimePoint created_at;
};

// A one-time sign-in link as stored: the token's hash only.
struct SignInLinkRow {
  int64_t user_id = 0;
  TimePoint expires_at;
  std::optional<TimePoint> used_at;
};

class UserStore {
 public:
  explicit UserStore(Connection& c) : c_(c) {}

  // Conflict (reason "unique_violation") when the email is taken.
  Result<domain::User> insert(const domain::User& user, const std::optional<std::string>& password_hash);
  Result<std::optional<domain::User>> find(int64_t id);
  Result<std::optional<domain::User>> find_by_email(const std::string& email);
  Result<std::optional<std::string>> password_hash(int64_t id);
  // Name, role, rights, language, active flag and signature (email and password are not
  // changed here).
  Result<void> update(const domain::User& user);
  // Records that the user was active now (for the queue's "inactive taker" rule).
  Result<void> touch(int64_t id, TimePoint now);
  Result<std::vector<domain::User>> list(int limit, int64_t after_id);

  Result<void> insert_session(const std::string& id_hash, int64_t user_id, const std::string& csrf,
                              TimePoint created, TimePoint expires);
  Result<std::optional<SessionRow>> find_session(const std::string& id_hash, TimePoint now);
  Result<void> delete_session(const std::string& id_hash);
  Result<void> extend_session(const std::string& id_hash, TimePoint expires_at);

  Result<int64_t> insert_token(int64_t user_id, const std::string& token_hash, const std::string& label,
                               TimePoint created);
  // The user holding a token, if any.
  Result<std::optional<int64_t>> find_token_user(const std::string& token_hash);

  Result<void> insert_sign_in_link(const std::string& token_hash, int64_t user_id, TimePoint created,
                                   TimePoint expires);
  // Marks the link used at now when it is neither used nor expired, and returns its user;
  // nullopt (nothing changed) otherwise. One statement, so two concurrent uses cannot
  // both spend it.
  Result<std::optional<int64_t>> spend_sign_in_link(const std::string& token_hash, TimePoint now);
  Result<std::optional<SignInLinkRow>> find_sign_in_link(const std::string& token_hash);
  // Forgets links that expired before `before` (used or not).
  Result<void> delete_sign_in_links_expired_before(TimePoint before);

 private:
  Connection& c_;
};

}  // namespace redress::store
