#include "service/account_service.h"

#include "core/log.h"
#include "domain/message_text.h"
#include "domain/validation.h"
#include "service/queue_service.h"
#include "store/event_store.h"
#include "store/user_store.h"

namespace redress::service {
namespace {

// A signature is a few closing lines of a reply: checked as message text is.
constexpr size_t kMaxSignature = 1000;

domain::Event user_event(const Actor& actor, TimePoint at, int64_t user_id, std::string kind, nlohmann::json data) {
  return event_by(actor, at, "user", user_id, std::move(kind), std::move(data));
}

// A session lives while its browser uses it: each use moves its end to idle minutes
// later, never past session_ttl_hours after sign-in.
TimePoint session_expiry(const Context& ctx, TimePoint created, TimePoint now) {
  return std::min(now + std::chrono::minutes(ctx.session_idle_minutes), created + std::chrono::hours(ctx.session_ttl_hours));
}

}  // namespace

Result<NewSession> open_session(const Context& ctx, store::Connection& c, const domain::User& user,
                                const std::string& via) {
  const auto now = ctx.clock.now();
  NewSession s{crypto::random_token(), crypto::random_token(), session_expiry(ctx, now, now), user};
  REDRESS_CHECK(store::UserStore(c).insert_session(crypto::sha256_hex(s.cookie_value), user.id, s.csrf_token, now,
                                                   s.expires_at));
  REDRESS_CHECK(store::EventStore(c).append(user_event(Actor::of(user), now, user.id, "session.login", {{"via", via}})));
  return s;
}

Result<domain::User> AccountService::create_user(const Actor& actor, const NewUser& input) {
  if (!actor.has_right(domain::rights::kAdmin)) return fail(Error::forbidden("only admins create users", "right_missing"));
  Error invalid(ErrorCode::kInvalid, "the user is not valid");
  domain::User u;
  u.email = domain::lower_ascii(domain::trim(input.email));
  u.name = domain::trim(input.name);
  if (!domain::is_plausible_email(u.email)) invalid.fields["email"] = "not a valid email address";
  if (u.name.empty() || u.name.size() > 200) invalid.fields["name"] = "required, at most 200 characters";
  auto role = domain::parse_role(input.role);
  if (!role) {
    invalid.fields["role"] = "must be admin, agent, viewer or customer";
  } else {
    u.role = *role;
  }
  std::string unknown;
  if (!domain::parse_rights(input.rights, u.extra_rights, unknown)) invalid.fields["rights"] = "unknown right '" + unknown + "'";
  if (!domain::is_language_tag(input.language)) invalid.fields["language"] = "must be a language tag such as en or fr";
  u.language = input.language;
  if (input.password && input.password->size() < 8) invalid.fields["password"] = "at least 8 characters";
  if (input.password && input.password->size() > 1024) invalid.fields["password"] = "at most 1024 characters";
  if (!invalid.fields.empty()) return fail(std::move(invalid));
  u.created_at = ctx_.clock.now();
  // Hashing is slow on purpose: do it before taking the write lock.
  std::optional<std::string> hash;
  if (input.password) hash = crypto::hash_password(*input.password, ctx_.password_cost);
  auto created = ctx_.db.transact_value<domain::User>(store::TxMode::kWrite, [&](store::Connection& c) -> Result<domain::User> {
    auto user = REDRESS_TRY(store::UserStore(c).insert(u, hash));
    REDRESS_CHECK(store::EventStore(c).append(user_event(actor, u.created_at, user.id, "user.created",
        {{"email", user.email}, {"role", domain::to_string(user.role)}, {"rights", domain::join_rights(user.extra_rights)}})));
    return user;
  });
  if (!created && created.error().reason == "unique_violation") {
    Error e = Error::conflict("a user with this email exists", "duplicate");
    e.fields["email"] = "already used by another account";
    return fail(std::move(e));
  }
  return created;
}

Result<domain::User> AccountService::update_user(const Actor& actor, int64_t id, const UserPatch& patch) {
  // Everyone edits how they appear (name, language, signature); the rest is an admin's.
  const bool self = actor.user && actor.user->id == id;
  const bool admin_only = patch.role || patch.active || patch.rights;
  if (!actor.has_right(domain::rights::kAdmin) && (!self || admin_only))
    return fail(Error::forbidden(self ? "only admins change roles, rights and the active flag"
                                      : "only admins change other users",
                                 "right_missing"));
  auto now = ctx_.clock.now();
  return ctx_.db.transact_value<domain::User>(store::TxMode::kWrite, [&](store::Connection& c) -> Result<domain::User> {
    store::UserStore users(c);
    auto found = REDRESS_TRY(users.find(id));
    if (!found) return fail(Error::not_found("user"));
    const domain::User before = *found;
    domain::User u = std::move(*found);
    Error invalid(ErrorCode::kInvalid, "the user is not valid");
    if (patch.name) {
      u.name = domain::trim(*patch.name);
      if (u.name.empty() || u.name.size() > 200) invalid.fields["name"] = "required, at most 200 characters";
    }
    if (patch.language) {
      if (!domain::is_language_tag(*patch.language)) invalid.fields["language"] = "must be a language tag such as en or fr";
      u.language = *patch.language;
    }
    if (patch.role) {
      if (auto role = domain::parse_role(*patch.role)) {
        u.role = *role;
      } else {
        invalid.fields["role"] = "must be admin, agent, viewer or customer";
      }
    }
    if (patch.active) u.active = *patch.active;
    if (patch.signature) {
      u.signature.reset();
      if (*patch.signature && !domain::trim(**patch.signature).empty()) {
        const auto text = domain::check_message_text(**patch.signature, kMaxSignature);
        if (text.ok()) {
          u.signature = text.text;
        } else {
          invalid.fields["signature"] = text.problem;
        }
      }
    }
    if (patch.rights) {
      std::set<std::string> wanted;
      for (size_t i = 0; i < patch.rights->size(); ++i) {
        const auto& r = (*patch.rights)[i];
        if (std::ranges::find(domain::known_rights(), r) == domain::known_rights().end()) {
          invalid.fields["rights[" + std::to_string(i) + "]"] = "unknown right '" + r + "'";
        } else {
          wanted.insert(r);
        }
      }
      domain::set_effective_rights(u, wanted);
    } else if (u.role != before.role) {
      // A new role brings its own defaults; what was granted or withdrawn by hand stays so.
      std::set<std::string> wanted = domain::default_rights(u.role);
      for (const auto& r : before.revoked_rights) wanted.erase(r);
      wanted.insert(before.extra_rights.begin(), before.extra_rights.end());
      domain::set_effective_rights(u, wanted);
    }
    if (actor.user && actor.user->id == u.id) {
      if (!u.active) invalid.fields["active"] = "you cannot deactivate your own account";
      if (before.has_right(domain::rights::kAdmin) && !u.has_right(domain::rights::kAdmin))
        invalid.fields["rights"] = "you cannot remove your own admin right";
    }
    if (!invalid.fields.empty()) {
      if (invalid.fields.size() == 1) invalid.message = invalid.fields.begin()->first + ": " + invalid.fields.begin()->second;
      return fail(std::move(invalid));
    }
    REDRESS_CHECK(users.update(u));
    nlohmann::json changes = nlohmann::json::object();
    if (u.name != before.name) changes["name"] = {before.name, u.name};
    if (u.language != before.language) changes["language"] = {before.language, u.language};
    if (u.role != before.role) changes["role"] = {domain::to_string(before.role), domain::to_string(u.role)};
    if (u.active != before.active) changes["active"] = {before.active, u.active};
    // Whether it changed, not the text: the history is not where signatures are read.
    if (u.signature != before.signature) changes["signature"] = {before.signature.has_value(), u.signature.has_value()};
    if (u.effective_rights() != before.effective_rights())
      changes["rights"] = {domain::join_rights(before.effective_rights()), domain::join_rights(u.effective_rights())};
    if (!changes.empty()) REDRESS_CHECK(store::EventStore(c).append(user_event(actor, now, u.id, "user.updated", changes)));
    if (before.active && !u.active) REDRESS_CHECK(release_all_taken_by(ctx_, c, actor, u.id, "account_deactivated"));
    return u;
  });
}

void AccountService::note_activity(const domain::User& user) {
  auto now = ctx_.clock.now();
  if (user.last_seen_at && now - *user.last_seen_at < std::chrono::minutes(5)) return;
  auto done = ctx_.db.transact(store::TxMode::kWrite, [&](store::Connection& c) { return store::UserStore(c).touch(user.id, now); });
  if (!done) log::warn("user.activity_not_recorded", {{"user", std::to_string(user.id)}, {"error", done.error().message}});
}

Result<std::vector<domain::User>> AccountService::list_users(const Actor& actor, int limit, int64_t after_id) {
  if (!actor.has_right(domain::rights::kTicketsViewAll)) return fail(Error::forbidden("not allowed to list users", "right_missing"));
  return ctx_.db.transact_value<std::vector<domain::User>>(store::TxMode::kRead, [&](store::Connection& c) {
    return store::UserStore(c).list(limit, after_id);
  });
}

Result<domain::User> AccountService::get_user(const Actor& actor, int64_t id) {
  bool self = actor.user && actor.user->id == id;
  if (!self && !actor.has_right(domain::rights::kTicketsViewAll)) return fail(Error::forbidden("not allowed to see users", "right_missing"));
  auto u = ctx_.db.transact_value<std::optional<domain::User>>(store::TxMode::kRead, [&](store::Connection& c) {
    return store::UserStore(c).find(id);
  });
  if (!u) return fail(std::move(u).error());
  if (!*u) return fail(Error::not_found("user"));
  return std::move(**u);
}

Result<NewSession> AccountService::login(const std::string& email, const std::string& password) {
  auto normalized = domain::lower_ascii(domain::trim(email));
  auto found = ctx_.db.transact_value<std::pair<std::optional<domain::User>, std::optional<std::string>>>(
      store::TxMode::kRead, [&](store::Connection& c) -> Result<std::pair<std::optional<domain::User>, std::optional<std::string>>> {
        store::UserStore users(c);
        auto u = REDRESS_TRY(users.find_by_email(normalized));
        if (!u) return std::pair<std::optional<domain::User>, std::optional<std::string>>{};
        auto h = REDRESS_TRY(users.password_hash(u->id));
        return std::pair{u, h};
      });
  if (!found) return fail(std::move(found).error());
  auto& [user, hash] = *found;
  // Verify against a throw-away hash when there is no account, so that the answer takes
  // as long for an unknown email as for a wrong password and does not reveal accounts.
  static const std::string kDecoyHash = crypto::hash_password(crypto::random_token(), ctx_.password_cost);
  const bool verified = crypto::verify_password(hash ? *hash : kDecoyHash, password);
  if (!user || !hash || !user->active || !verified) {
    return fail(ErrorCode::kUnauthenticated, "wrong email or password");
  }
  return ctx_.db.transact_value<NewSession>(store::TxMode::kWrite, [&](store::Connection& c) {
    return open_session(ctx_, c, *user, "password");
  });
}

Result<std::optional<ResolvedSession>> AccountService::resolve_session(const std::string& cookie_value) {
  auto hash = crypto::sha256_hex(cookie_value);
  auto now = ctx_.clock.now();
  auto resolved = ctx_.db.transact_value<std::optional<ResolvedSession>>(store::TxMode::kRead, [&](store::Connection& c) -> Result<std::optional<ResolvedSession>> {
    store::UserStore users(c);
    auto s = REDRESS_TRY(users.find_session(hash, now));
    if (!s) return std::optional<ResolvedSession>();
    auto u = REDRESS_TRY(users.find(s->user_id));
    if (!u || !u->active) return std::optional<ResolvedSession>();
    return std::optional<ResolvedSession>(ResolvedSession{std::move(*u), s->csrf_token, s->created_at, s->expires_at});
  });
  // Sliding end: written at most once a minute per session, so a busy page costs no write.
  if (resolved && *resolved) {
    const auto next = session_expiry(ctx_, (*resolved)->created_at, now);
    if (next - (*resolved)->expires_at >= std::chrono::minutes(1)) {
      REDRESS_CHECK(ctx_.db.transact(store::TxMode::kWrite, [&](store::Connection& c) {
        return store::UserStore(c).extend_session(hash, next);
      }));
    }
  }
  if (resolved && *resolved) note_activity((*resolved)->user);
  return resolved;
}

Result<void> AccountService::logout(const std::string& cookie_value) {
  auto hash = crypto::sha256_hex(cookie_value);
  return ctx_.db.transact(store::TxMode::kWrite, [&](store::Connection& c) { return store::UserStore(c).delete_session(hash); });
}

Result<std::string> AccountService::create_token(const Actor& actor, const std::string& email, const std::string& label) {
  auto normalized = domain::lower_ascii(domain::trim(email));
  std::string token = "rdr_" + crypto::random_token();
  auto now = ctx_.clock.now();
  REDRESS_CHECK(ctx_.db.transact(store::TxMode::kWrite, [&](store::Connection& c) -> Result<void> {
    store::UserStore users(c);
    auto u = REDRESS_TRY(users.find_by_email(normalized));
    if (!u) return fail(Error::invalid_field("email", "no account with this email"));
    if (actor.user && actor.user->id != u->id && !actor.has_right(domain::rights::kAdmin))
      return fail(Error::forbidden("you may only create tokens for yourself", "right_missing"));
    auto id = REDRESS_TRY(users.insert_token(u->id, crypto::sha256_hex(token), label, now));
    REDRESS_CHECK(store::EventStore(c).append(user_event(actor, now, u->id, "token.created", {{"token_id", id}, {"label", label}})));
    return {};
  }));
  return token;
}

Result<std::optional<domain::User>> AccountService::resolve_token(const std::string& token) {
  auto hash = crypto::sha256_hex(token);
  auto resolved = ctx_.db.transact_value<std::optional<domain::User>>(store::TxMode::kRead, [&](store::Connection& c) -> Result<std::optional<domain::User>> {
    store::UserStore users(c);
    auto id = REDRESS_TRY(users.find_token_user(hash));
    if (!id) return std::optional<domain::User>();
    auto u = REDRESS_TRY(users.find(*id));
    if (!u || !u->active) return std::optional<domain::User>();
    return u;
  });
  if (resolved && *resolved) note_activity(**resolved);
  return resolved;
}

}  // namespace redress::service
