#pragma once
// Tickets with their contacts, assignees and full-text document. Numbers come from a
// per-scope counter row whose upsert serialises concurrent creators on both engines, so
// numbers are unique and increase in creation order.
#include <map>
#include <optional>
#include <vector>

#include "domain/ticket.h"
#include "domain/ticket_number.h"
#include "store/connection.h"

namespace redress::store {

struct TicketFilter {
  std::vector<std::string> statuses;
  std::string workflow;
  std::optional<int64_t> reason_id;
  std::optional<int64_t> assignee_user_id;  // assigned under any role, or taken by
  std::string channel;
  std::string text;  // full-text query, as typed
  // Match only what customers may read (SearchDocument::public_text): a customer must not
  // find their ticket by a word that is only in a staff note.
  bool public_text_only = false;
  std::optional<TimePoint> created_from;
  std::optional<TimePoint> created_to;  // exclusive
  // Customers: only tickets where a contact has this email.
  std::optional<std::string> visible_to_email;
  int64_t before_id = 0;  // keyset cursor: newest first, ids below this (0: from the top)
  int limit = 50;
};

struct TicketListItem {
  domain::Ticket ticket;
  std::optional<std::string> main_contact_name;
  std::optional<std::string> main_contact_email;
};

// The agent queue (seed 001). Statuses in not_now (pending ones: waiting for a date or
// for the customer) are left out until the workflow moves the ticket on.
struct QueueQuery {
  int64_t user_id = 0;
  const std::map<std::string, std::vector<std::string>>* not_now = nullptr;  // workflow -> statuses
  int limit = 50;
};

class TicketStore {
 public:
  explicit TicketStore(Connection& c) : c_(c) {}

  // Allocates the next number for ticket.created_at and inserts the ticket with its
  // contacts and assignees. Returns the ticket with id and number set.
  Result<domain::Ticket> insert(domain::Ticket ticket, const domain::TicketNumberFormat& format);
  Result<std::optional<domain::Ticket>> find(int64_t id);
  Result<std::optional<domain::Ticket>> find_by_number(const std::string& number);
  // Writes the mutable columns if the stored version is still ticket.version, and bumps
  // it; Conflict (reason "stale") when someone else changed it in between.
  Result<domain::Ticket> update(domain::Ticket ticket);
  Result<void> set_contacts(int64_t ticket_id, const std::vector<int64_t>& contact_ids);
  Result<void> set_assignee(int64_t ticket_id, const std::string& role, std::optional<int64_t> user_id);

  Result<std::vector<TicketListItem>> list(const TicketFilter& filter);
  // Open tickets the user took, or holds a role on while nobody took them: those with a
  // customer message waiting first (longest waiting first), then oldest first.
  Result<std::vector<TicketListItem>> queue_mine(const QueueQuery& q);
  // Open tickets nobody took and nobody holds a role on, oldest first.
  Result<std::vector<TicketListItem>> queue_unclaimed(const QueueQuery& q);
  // Ids of every ticket the user has taken.
  Result<std::vector<int64_t>> taken_by(int64_t user_id);
  // True when a contact of the ticket has this email (customers' visibility rule).
  Result<bool> has_contact_email(int64_t ticket_id, const std::string& email);

  // Rebuilds the ticket's full-text document from its subject, description, messages
  // and contacts. Call in the transaction that changed any of them.
  Result<void> reindex(int64_t ticket_id);

  Result<domain::Message> add_message(const domain::Message& message);
  // Oldest first: those with an id above after_id, at most limit of them (0: all).
  Result<std::vector<domain::Message>> messages(int64_t ticket_id, bool include_internal, int64_t after_id = 0,
                                                int limit = 0);

 private:
  Result<void> load_relations(domain::Ticket& t);
  Connection& c_;
};

// Turns what a user typed into an engine's full-text query: every word, the last one also
// as the start of a longer word (three characters or more), an address as one phrase;
// empty when the text has no words. public_only: every word must be in the public text
// (SQLite: the public_text column; PostgreSQL: lexemes of weight D, see search_document).
std::string full_text_query(Engine engine, const std::string& text, bool public_only = false);

// The text a ticket is found by, in two parts. Public: its number, subject, description,
// contacts' names and addresses (numbers and addresses also in parts) and the bodies of
// public messages: what the customer can read. Internal: the bodies of internal notes.
// Staff search both, customers only the public part. SQLite keeps them in two columns of
// ticket_search; PostgreSQL in one tsvector, the internal part with weight C and the public
// part with the default D, so that a query restricted to D finds only public words.
// reindex and bulk loads (redress generate) both build it here, so they index alike.
struct SearchContact {
  std::string name;
  std::optional<std::string> email;
};
struct SearchBody {
  std::string text;
  bool internal = false;
};
struct SearchDocument {
  std::string public_text;
  std::string internal_text;
};
SearchDocument search_document(const std::string& number, const std::string& subject, const std::string& description,
                               const std::vector<SearchContact>& contacts, const std::vector<SearchBody>& bodies);
// The SQL that turns the two parts (two placeholders, public first) into the PostgreSQL
// tsvector kept in tickets.search.
inline constexpr const char* kPostgresSearchVector =
    "to_tsvector('simple', redress_unaccent(?)) || setweight(to_tsvector('simple', redress_unaccent(?)), 'C')";

}  // namespace redress::store
