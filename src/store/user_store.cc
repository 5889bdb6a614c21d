#include "store/user_store.h"

namespace redress::store {
namespace {

constexpr const char* kUserColumns =
    "id, email, name, role, rights, language, active, created_at, revoked_rights, last_seen_at, signature";

domain::User user_from(const Row& r) {
  domain::User u;
  u.id = r.integer(0);
  u.email = r.text(1);
  u.name = r.text(2);
  u.role = domain::parse_role(r.text(3)).value_or(domain::Role::kViewer);
  std::string unknown;
  domain::parse_rights(r.text(4), u.extra_rights, unknown);  // unknown rights in the row are ignored
  u.language = r.text(5);
  u.active = r.boolean(6);
  u.created_at = from_micros(r.integer(7));
  domain::parse_rights(r.text(8), u.revoked_rights, unknown);
  if (auto seen = r.opt_integer(9)) u.last_seen_at = from_micros(*seen);
  u.signature = r.opt_text(10);
  return u;
}

}  // namespace

Result<domain::User> UserStore::insert(const domain::User& user, const std::optional<std::string>& password_hash) {
  auto row = REDRESS_TRY(c_.query_one(
      "INSERT INTO users (email, name, role, rights, revoked_rights, password_hash, language, active, created_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
      {user.email, user.name, std::string(domain::to_string(user.role)), domain::join_rights(user.extra_rights),
       domain::join_rights(user.revoked_rights), null_or(password_hash), user.language, int64_t{user.active ? 1 : 0},
       to_micros(user.created_at)}));
  domain::User out = user;
  out.id = row->integer(0);
  return out;
}

Result<std::optional<domain::User>> UserStore::find(int64_t id) {
  auto row = REDRESS_TRY(c_.query_one(std::string("SELECT ") + kUserColumns + " FROM users WHERE id = ?", {id}));
  if (!row) return std::optional<domain::User>();
  return std::optional<domain::User>(user_from(*row));
}

Result<std::optional<domain::User>> UserStore::find_by_email(const std::string& email) {
  auto row =
      REDRESS_TRY(c_.query_one(std::string("SELECT ") + kUserColumns + " FROM users WHERE email = ?", {email}));
  if (!row) return std::optional<domain::User>();
  return std::optional<domain::User>(user_from(*row));
}

Result<void> UserStore::update(const domain::User& user) {
  REDRESS_CHECK(c_.execute(
      "UPDATE users SET name = ?, role = ?, rights = ?, revoked_rights = ?, language = ?, active = ?, signature = ? "
      "WHERE id = ?",
      {user.name, std::string(domain::to_string(user.role)), domain::join_rights(user.extra_rights),
       domain::join_rights(user.revoked_rights), user.language, int64_t{user.active ? 1 : 0},
       null_or(user.signature), user.id}));
  return {};
}

Result<void> UserStore::touch(int64_t id, TimePoint now) {
  REDRESS_CHECK(c_.execute("UPDATE users SET last_seen_at = ? WHERE id = ?", {to_micros(now), id}));
  return {};
}

Result<std::optional<std::string>> UserStore::password_hash(int64_t id) {
  auto row = REDRESS_TRY(c_.query_one("SELECT password_hash FROM users WHERE id = ?", {id}));
  if (!row) return std::optional<std::string>();
  return row->opt_text(0);
}

Result<std::vector<domain::User>> UserStore::list(int limit, int64_t after_id) {
  auto rows = REDRESS_TRY(c_.query(
      std::string("SELECT ") + kUserColumns + " FROM users WHERE id > ? ORDER BY id LIMIT ?",
      {after_id, static_cast<int64_t>(limit)}));
  std::vector<domain::User> out;
  for (const auto& r : rows) out.push_back(user_from(r));
  return out;
}

Result<void> UserStore::insert_session(const std::string& id_hash, int64_t user_id, const std::string& csrf,
                                       TimePoint created, TimePoint expires) {
  REDRESS_CHECK(c_.execute(
      "INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
      {id_hash, user_id, csrf, to_micros(created), to_micros(expires)}));
  return {};
}

Result<std::optional<SessionRow>> UserStore::find_session(const std::string& id_hash, TimePoint now) {
  auto row = REDRESS_TRY(c_.query_one(
      "SELECT user_id, csrf_token, expires_at, created_at FROM sessions WHERE id_hash = ? AND expires_at > ?",
      {id_hash, to_micros(now)}));
  if (!row) return std::optional<SessionRow>();
  return std::optional<SessionRow>(
      SessionRow{row->integer(0), row->text(1), from_micros(row->integer(2)), from_micros(row->integer(3))});
}

Result<void> UserStore::extend_session(const std::string& id_hash, TimePoint expires_at) {
  REDRESS_CHECK(c_.execute("UPDATE sessions SET expires_at = ? WHERE id_hash = ? AND expires_at < ?",
                           {to_micros(expires_at), id_hash, to_micros(expires_at)}));
  return {};
}

Result<void> UserStore::delete_session(const std::string& id_hash) {
  REDRESS_CHECK(c_.execute("DELETE FROM sessions WHERE id_hash = ?", {id_hash}));
  return {};
}

Result<int64_t> UserStore::insert_token(int64_t user_id, const std::string& token_hash, const std::string& label,
                                        TimePoint created) {
  auto row = REDRESS_TRY(c_.query_one(
      "INSERT INTO api_tokens (user_id, token_hash, label, created_at) VALUES (?, ?, ?, ?) RETURNING id",
      {user_id, token_hash, label, to_micros(created)}));
  return row->integer(0);
}

Result<std::optional<int64_t>> UserStore::find_token_user(const std::string& token_hash) {
  auto row = REDRESS_TRY(c_.query_one("SELECT user_id FROM api_tokens WHERE token_hash = ?", {token_hash}));
  if (!row) return std::optional<int64_t>();
  return std::optional<int64_t>(row->integer(0));
}

Result<void> UserStore::insert_sign_in_link(const std::string& token_hash, int64_t user_id, TimePoint created,
                                            TimePoint expires) {
  REDRESS_CHECK(c_.execute("INSERT INTO sign_in_links (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
                           {token_hash, user_id, to_micros(created), to_micros(expires)}));
  return {};
}

Result<std::optional<int64_t>> UserStore::spend_sign_in_link(const std::string& token_hash, TimePoint now) {
  auto row = REDRESS_TRY(c_.query_one(
      "UPDATE sign_in_links SET used_at = ? WHERE token_hash = ? AND used_at IS NULL AND expires_at > ? "
      "RETURNING user_id",
      {to_micros(now), token_hash, to_micros(now)}));
  if (!row) return std::optional<int64_t>();
  return std::optional<int64_t>(row->integer(0));
}

Result<std::optional<SignInLinkRow>> UserStore::find_sign_in_link(const std::string& token_hash) {
  auto row = REDRESS_TRY(
      c_.query_one("SELECT user_id, expires_at, used_at FROM sign_in_links WHERE token_hash = ?", {token_hash}));
  if (!row) return std::optional<SignInLinkRow>();
  SignInLinkRow link{row->integer(0), from_micros(row->integer(1)), std::nullopt};
  if (auto used = row->opt_integer(2)) link.used_at = from_micros(*used);
  return std::optional<SignInLinkRow>(link);
}

Result<void> UserStore::delete_sign_in_links_expired_before(TimePoint before) {
  REDRESS_CHECK(c_.execute("DELETE FROM sign_in_links WHERE expires_at < ?", {to_micros(before)}));
  return {};
}

}  // namespace redress::store
