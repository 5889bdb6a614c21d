#pragma once
// The rules of a workflow applied to one ticket and one caller, with no I/O: which
// transitions the caller may run now, and whether a requested transition may run, with
// every reason it may not. The service commits what plan() returns.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "workflow/catalog.h"

namespace redress::workflow {

// The parts of a ticket the rules look at.
struct TicketState {
  std::string status;
  std::map<std::string, int64_t> assignees;  // role -> user id
  bool has_reason = false;
  bool has_contact = false;
  bool has_public_reply = false;
  nlohmann::json fields = nlohmann::json::object();
};

struct Caller {
  enum class Kind { kStaff, kCustomer, kSystem };
  Kind kind = Kind::kStaff;
  std::optional<int64_t> user_id;
  bool can_write_tickets = false;  // right tickets.write
  bool is_ticket_contact = false;  // customers: a contact of this ticket
};

struct TransitionRequest {
  std::string transition;
  std::string note;
  nlohmann::json fields = nlohmann::json::object();        // values for "fields.<id>" it sets
  std::map<std::string, std::optional<int64_t>> assignees;  // role -> user (resolved), for "assignees.<role>"
};

struct TransitionPlan {
  const TransitionDef* transition = nullptr;
  std::string from;
  std::string to;
  std::map<std::string, std::optional<int64_t>> assignee_changes;  // set, or cleared (nullopt)
  nlohmann::json field_changes = nlohmann::json::object();
  std::vector<EntryAction> entry_actions;  // of the status entered
  std::vector<const TimerDef*> timers;     // armed on entering `to`
};

struct AvailableTransition {
  const TransitionDef* transition;
  std::vector<std::string> requires_;  // what the caller must still provide ("note", "fields.reopen_at", ...)
};

// Errors: kInvalid (field "transition") for an unknown id; kConflict (reason
// "transition_not_available") when the ticket's status is not a `from`; kForbidden (reason
// "transition_forbidden") when the caller may not; kInvalid listing every missing or bad
// field ("note", "fields.reopen_at", "assignees.team_member", "reason", "contact") otherwise.
// Fields the transition may not set are kInvalid too.
Result<TransitionPlan> plan(const WorkflowDef& wf, const TicketState& ticket, const Caller& caller,
                            const TransitionRequest& request);

// Transitions from the current status the caller may run, in file order.
std::vector<AvailableTransition> available(const WorkflowDef& wf, const TicketState& ticket, const Caller& caller);

// The system transition that leaves `status` for a status outside the "closed" category,
// if the workflow has one: what runs when a customer writes on a closed ticket (a mail, a
// portal message). First in file order; nullptr when the workflow keeps closed tickets closed.
const TransitionDef* reopening_transition(const WorkflowDef& wf, const std::string& status);

// Validates one value against a declared field (datetime: RFC 3339; choice: one of).
std::optional<std::string> check_field_value(const FieldDef& def, const nlohmann::json& value);

}  // namespace redress::workflow
