#pragma once
// What every service needs, built once by app/ and shared by all threads (read-only).
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/config.h"
#include "core/crypto.h"
#include "domain/ticket.h"
#include "domain/ticket_number.h"
#include "domain/user.h"
#include "store/database.h"
#include "workflow/catalog.h"

namespace redress::service {

struct MailConfig;

struct Context {
  store::Database& db;
  const Clock& clock;
  const workflow::WorkflowCatalog& workflows;
  domain::TicketNumberFormat number_format;
  crypto::PasswordCost password_cost = crypto::PasswordCost::kInteractive;
  int session_ttl_hours = 12;
  const MailConfig* mail = nullptr;  // set by app/ once the mail settings are resolved
  MessageSettings messages;          // [messages]: length limit, author shown to customers
  int taker_inactive_hours = 72;     // [queue]: see QueueSettings
  std::vector<ReviewSourceSettings> review_sources{};  // [[review_sources]] (seed 004)
  int session_idle_minutes = 120;  // [auth]: a session unused this long ends (session_ttl_hours caps it)
};

// Who asks. A user for HTTP requests; "cli" or "system" (timers, mail intake) otherwise.
struct Actor {
  std::optional<domain::User> user;
  std::string label;
  // A customer acting through a signed link from a mail (no account, no rights): the
  // workflow treats them as the ticket's contact, for the one transition the link names.
  std::optional<int64_t> contact_id;

  static Actor of(domain::User u) { return Actor{std::move(u), {}, std::nullopt}; }
  static Actor cli() { return Actor{std::nullopt, "cli", std::nullopt}; }
  static Actor system() { return Actor{std::nullopt, "system", std::nullopt}; }
  static Actor contact_link(int64_t contact_id, std::string email) {
    return Actor{std::nullopt, "contact:" + email, contact_id};
  }

  // The command line and the system act with every right; a contact by link with none.
  bool has_right(std::string_view right) const { return user ? user->has_right(right) : !contact_id; }
  std::optional<int64_t> user_id() const { return user ? std::optional<int64_t>(user->id) : std::nullopt; }
  std::string language() const { return user ? user->language : "en"; }
};

// A history event: what happened to which entity, when, and who did it. Callers set the
// ticket, from/to and data as the change needs.
inline domain::Event event_by(const Actor& actor, TimePoint at, std::string entity, std::optional<int64_t> entity_id,
                              std::string kind, nlohmann::json data = nlohmann::json::object()) {
  domain::Event e;
  e.entity = std::move(entity);
  e.entity_id = entity_id;
  e.at = at;
  e.actor_user_id = actor.user_id();
  e.actor_label = actor.label;
  e.kind = std::move(kind);
  e.data = std::move(data);
  return e;
}

// A reference given either as an id or as a natural key (email, code, name).
struct Ref {
  std::optional<int64_t> id;
  std::string key;
};

}  // namespace redress::service
