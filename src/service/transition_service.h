#pragma once
// Running a workflow transition: the rules (workflow/engine) decide, then one transaction
// changes the ticket, appends the history, and arms or cancels the status's timers as jobs.
// Also setting and clearing assignees by role outside a transition.
#include <map>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "service/context.h"
#include "service/ticket_service.h"
#include "store/connection.h"

namespace redress::service {

struct TransitionInput {
  std::string transition;
  std::string note;
  nlohmann::json fields = nlohmann::json::object();  // custom field values it sets
  std::map<std::string, Ref> assignees;              // role -> user it sets
};

// The job kind of workflow timers; its payload names ticket, status entry and transition.
inline constexpr const char* kTimerJobKind = "workflow.timer";

class TransitionService {
 public:
  explicit TransitionService(Context& ctx) : ctx_(ctx) {}

  // Errors as workflow::plan() plus NotFound (ticket not visible) and Conflict "stale".
  Result<TicketDetail> run(const Actor& actor, const std::string& key, const TransitionInput& input);
  // Needs tickets.write; the role must be one of the workflow's.
  Result<TicketDetail> set_assignee(const Actor& actor, const std::string& key, const std::string& role,
                                    const std::optional<Ref>& user);

  // Runs a transition on t inside the caller's write transaction (mail intake reopening a
  // closed request); returns the changed ticket.
  Result<domain::Ticket> run_in(store::Connection& c, const Actor& actor, domain::Ticket t,
                                const TransitionInput& input);

  // The timer job's work, inside the job's transaction: fires the transition as the system
  // if the ticket is still in the status entry that armed it; otherwise does nothing.
  Result<void> fire_timer(store::Connection& c, const nlohmann::json& payload);

 private:
  Context& ctx_;
};

}  // namespace redress::service
