#pragma once
// Creating, reading, listing and changing tickets. Every change commits the ticket, its
// history events and its search document in one transaction.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "domain/review.h"
#include "domain/ticket.h"
#include "service/context.h"
#include "service/message_service.h"
#include "store/ticket_store.h"
#include "workflow/engine.h"

namespace redress::service {

struct ContactInput {
  std::optional<int64_t> id;  // an existing contact
  std::optional<std::string> email;
  std::optional<std::string> name;
  std::optional<std::string> phone;
  std::optional<std::string> language;
  bool main = false;
};

struct NewTicket {
  std::string workflow;
  std::string subject;
  std::string description;
  std::vector<ContactInput> contacts;
  std::optional<Ref> customer;  // id, or name (created when new)
  std::optional<Ref> reason;    // id, or code within the workflow
  std::optional<std::string> channel;
  std::optional<std::string> language;
  std::map<std::string, Ref> assignees;  // role -> user id or email
  nlohmann::json fields = nlohmann::json::object();
  // A customer's evidence sent with a portal request ([portal] attachments): kept on the
  // request's first message. Staff attach files to messages instead.
  std::vector<NewFile> files;
};

// Absent members are left as they are; the clear_* flags set a value to none.
struct TicketPatch {
  std::optional<Ref> reason;
  bool clear_reason = false;
  std::optional<std::string> language;
  std::optional<std::vector<ContactInput>> contacts;
  std::optional<Ref> customer;
  bool clear_customer = false;
  std::optional<nlohmann::json> fields;  // merged: a null value removes the field
};

struct TicketDetail {
  domain::Ticket ticket;
  const workflow::WorkflowDef* workflow = nullptr;
  std::vector<domain::Contact> contacts;
  std::optional<domain::Reason> reason;
  std::optional<domain::Customer> customer;
  std::map<std::string, domain::UserRef> assignees;
  std::optional<domain::UserRef> taken_by;
  std::optional<domain::Review> review;  // a review request (seed 004): the review behind it
  // What the actor who asked may run now, with what each still needs.
  std::vector<workflow::AvailableTransition> available;
};

struct TicketPage {
  std::vector<store::TicketListItem> items;
  std::map<int64_t, domain::Reason> reasons;  // those the items use
  std::map<int64_t, domain::UserRef> users;   // takers of the items
  std::optional<int64_t> next_before_id;      // for the next page's cursor
};

struct TicketHistory {
  std::vector<domain::Event> events;
  std::map<int64_t, domain::UserRef> actors;  // by user id
};

struct ListQuery {
  store::TicketFilter filter;
  std::optional<Ref> reason;  // resolved to filter.reason_id
};

class TicketService {
 public:
  explicit TicketService(Context& ctx) : ctx_(ctx) {}

  Result<TicketDetail> create(const Actor& actor, const NewTicket& input);
  // The same inside the caller's write transaction (mail intake creates a ticket and
  // records the mail in one commit).
  Result<TicketDetail> create_in(store::Connection& c, const Actor& actor, const NewTicket& input);
  // key: a numeric id or a ticket number. NotFound also when the actor may not see it.
  Result<TicketDetail> get(const Actor& actor, const std::string& key);
  Result<TicketPage> list(const Actor& actor, ListQuery query);
  Result<TicketDetail> patch(const Actor& actor, const std::string& key, const TicketPatch& patch);
  // Blocks or unblocks customer messages on one ticket (right messages.block); the change
  // is in the history. Setting the state it already has changes nothing.
  Result<TicketDetail> set_messaging_blocked(const Actor& actor, const std::string& key, bool blocked);
  // Oldest first, with the people who acted, so a history reads "who, when, what".
  Result<TicketHistory> history(const Actor& actor, const std::string& key);

 private:
  Context& ctx_;
};

}  // namespace redress::service
