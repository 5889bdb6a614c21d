#pragma once
// The notification routing table (seeds 000 and 003): which change mails whom, with which
// template. A row names a workflow (or "*"), an event kind and what narrows it (the status
// entered, the role assigned, the channel of a message), and recipients as tokens that
// are resolved against the ticket when the event happens ("role:investigator", "taker",
// "main_contact", ...) or as literal addresses.
//
// Everything here is pure: the notifier (service/) loads the people a ticket involves
// into RecipientSources and lets plan_recipients decide who gets which mail, so the
// matching and deduplication rules are testable without a database.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/clock.h"

namespace redress::domain {

// Event kinds a row can name (service/notifier.h raises them).
inline constexpr const char* kRoutingEvents[] = {"status_entered", "customer_message", "support_reply", "note",
                                                 "assigned"};
// The channels a message event can carry; a row with channel "" takes any.
inline constexpr const char* kRoutingChannels[] = {"mail", "portal", "staff", "review"};
// Every recipient token, as the API lists them ("role:<role>" stands for one per role).
inline constexpr const char* kRecipientTokens[] = {"role:<role>", "taker",    "handlers", "assignees", "assignee",
                                                   "main_contact", "contacts", "author"};

bool is_routing_event(std::string_view kind);
// customer_message, support_reply, note: the events a channel and an author apply to.
bool is_message_event(std::string_view kind);
bool is_routing_channel(std::string_view channel);

struct RoutingRule {
  int64_t id = 0;
  std::string workflow;  // a workflow id, or "*" for every workflow
  std::string event;
  std::string status;   // status_entered: the status; "" otherwise
  std::string role;     // assigned: only this role ("" any); "" otherwise
  std::string channel;  // message events: only this channel ("" any); "" otherwise
  std::vector<std::string> to, cc, bcc;  // recipient tokens or addresses
  std::string template_id;
  std::string subject;  // mustache; "" keeps the template's subject
  bool enabled = true;
  int64_t position = 0;  // order in the table
  TimePoint updated_at;
};

// The members a rule is written with (what PUT takes; GET adds id, position, updated_at).
nlohmann::json written_json(const RoutingRule& rule);

struct RecipientToken {
  enum class Kind { kRole, kTaker, kHandlers, kAssignees, kAssignee, kMainContact, kContacts, kAuthor, kAddress };
  Kind kind = Kind::kAddress;
  std::string value;  // kRole: the role; kAddress: the address, lower-cased
};

// A token, or a literal address; nullopt for anything else (a typo such as "takker", a
// "role:" without a role, an address that is not one).
std::optional<RecipientToken> parse_recipient(std::string_view text);

// Someone a mail can go to. Customer-side recipients (contacts, a customer author,
// literal addresses) get mails that join the ticket thread and pass the loop rules; staff
// get alerts outside the thread.
struct Recipient {
  std::string address;   // lower-cased
  std::string name;
  std::string language;  // "" when unknown: the ticket's language is used
  bool customer = false;
};

// The people a ticket involves, already resolved from ids. Inactive users are left out by
// whoever fills this in.
struct RecipientSources {
  std::string workflow;
  std::map<std::string, Recipient> role_holders;  // role -> user
  std::optional<Recipient> taker;
  std::optional<Recipient> main_contact;
  std::vector<Recipient> contacts;  // those with an address, in display order
};

// One event of the change, with the people only it knows.
struct RoutingEvent {
  std::string kind;
  std::string status;   // status_entered
  std::string role;     // assigned
  std::string channel;  // message events
  std::optional<Recipient> assignee;  // assigned: who now holds the role
  std::optional<Recipient> author;    // message events: who wrote it
};

bool rule_matches(const RoutingRule& rule, const std::string& workflow, const RoutingEvent& event);

enum class RecipientSlot { kTo, kCc, kBcc };
std::string_view to_string(RecipientSlot slot);

struct PlannedMail {
  Recipient recipient;
  RecipientSlot slot = RecipientSlot::kTo;
  size_t rule = 0;   // index into the rules given
  size_t event = 0;  // index into the events given
};

struct RecipientPlan {
  std::vector<PlannedMail> mails;
  // Left out, with why ("actor": told of their own action).
  std::vector<std::pair<std::string, std::string>> skipped;
};

// Who gets which mail for one change: for each event in order, each matching enabled rule
// in order (rules are expected in position order), its to, then cc, then bcc recipients.
// An address (any case) gets one mail per change: the first time it comes up decides the
// rule and slot, so a "to" in a row beats a "cc" or "bcc" of the same row. The actor
// (actor_address, lower-cased; "" when no user acts) is never mailed, except through the
// "author" token (the receipt of their own message); skipping them does not use up their
// address for a later "author".
RecipientPlan plan_recipients(const std::vector<RoutingRule>& rules, const std::vector<RoutingEvent>& events,
                              const RecipientSources& sources, const std::string& actor_address);

}  // namespace redress::domain
