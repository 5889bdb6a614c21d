#include "service/sign_in_link_service.h"

#include "core/crypto.h"
#include "domain/validation.h"
#include "service/mail_config.h"
#include "service/outbox.h"
#include "store/event_store.h"
#include "store/user_store.h"

namespace redress::service {
namespace {

// Spent and expired links are kept this long after they expire, so that opening an old
// mail says "expired" rather than "unknown"; then they are forgotten.
constexpr std::chrono::hours kKeepExpiredFor{24 * 7};

Error gone(std::string message, std::string reason) {
  Error e(ErrorCode::kGone, std::move(message));
  e.reason = std::move(reason);
  return e;
}

bool may_sign_in_by_link(const domain::User& u) { return u.active && u.role == domain::Role::kCustomer; }

// "fr-CA" -> "fr": mail templates are per language, not per region.
std::string primary_language(const std::string& tag) { return tag.substr(0, tag.find('-')); }

}  // namespace

Result<void> SignInLinkService::request(const std::string& email) {
  const std::string normalized = domain::lower_ascii(domain::trim(email));
  if (!domain::is_plausible_email(normalized)) return fail(Error::invalid_field("email", "not a valid email address"));
  if (!ctx_.mail) return fail(Error::internal("mail is not configured"));
  const MailConfig& cfg = *ctx_.mail;
  const auto now = ctx_.clock.now();
  const std::string token = crypto::random_token();
  return ctx_.db.transact(store::TxMode::kWrite, [&](store::Connection& c) -> Result<void> {
    store::UserStore users(c);
    REDRESS_CHECK(users.delete_sign_in_links_expired_before(now - kKeepExpiredFor));
    auto user = REDRESS_TRY(users.find_by_email(normalized));
    if (!user || !may_sign_in_by_link(*user)) return {};
    const auto expires = now + kSignInLinkLifetime;
    REDRESS_CHECK(users.insert_sign_in_link(crypto::sha256_hex(token), user->id, now, expires));

    const nlohmann::json values = {{"name", user->name},
                                   {"link", cfg.base_url + "/login/link/" + token},
                                   {"minutes", std::to_string(kSignInLinkLifetime.count())},
                                   {"organisation", cfg.settings.from_name}};
    auto rendered = REDRESS_TRY(cfg.templates.render("sign_in_link", primary_language(user->language), values));
    OutboundMail m;
    m.to = {mail::Address{user->name, user->email}};
    m.subject = rendered.subject;
    m.text = rendered.text;
    m.html = rendered.html;
    m.language = rendered.language;
    m.auto_submitted = "auto-generated";
    m.purpose = "sign_in_link";
    m.on_thread = false;
    const auto record = REDRESS_TRY(queue_mail(ctx_, c, m));

    // Whoever asked is anonymous: the account is what the history is about.
    const Actor asker{std::nullopt, "anonymous", std::nullopt};
    REDRESS_CHECK(store::EventStore(c).append(event_by(asker, now, "user", user->id, "sign_in_link.sent",
                                                       {{"mail_id", record.id}, {"expires_at", format_rfc3339(expires)}})));
    return {};
  });
}

Result<NewSession> SignInLinkService::redeem(const std::string& token) {
  const std::string hash = crypto::sha256_hex(token);
  const auto now = ctx_.clock.now();
  return ctx_.db.transact_value<NewSession>(store::TxMode::kWrite, [&](store::Connection& c) -> Result<NewSession> {
    store::UserStore users(c);
    const auto user_id = REDRESS_TRY(users.spend_sign_in_link(hash, now));
    if (!user_id) {
      const auto link = REDRESS_TRY(users.find_sign_in_link(hash));
      if (!link) return fail(Error::not_found("sign-in link"));
      if (link->used_at) return fail(gone("this sign-in link was used already; ask for a new one", "link_used"));
      return fail(gone("this sign-in link has expired; ask for a new one", "link_expired"));
    }
    const auto user = REDRESS_TRY(users.find(*user_id));
    if (!user || !may_sign_in_by_link(*user))
      return fail(gone("this sign-in link can no longer be used; ask for a new one", "link_revoked"));
    return open_session(ctx_, c, *user, "sign_in_link");
  });
}

}  // namespace redress::service
