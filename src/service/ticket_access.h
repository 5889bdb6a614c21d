#pragma once
// Shared by the ticket services: finding a ticket the actor may see, loading what is shown
// with it, and describing ticket and actor to the workflow rules.
#include <optional>
#include <string>

#include "service/context.h"
#include "service/ticket_service.h"
#include "store/connection.h"
#include "workflow/engine.h"

namespace redress::service::detail {

std::optional<int64_t> parse_id(const std::string& key);
domain::Event ticket_event(const Actor& actor, TimePoint at, int64_t ticket_id, std::string kind);
Result<bool> can_see(store::Connection& c, const Actor& actor, const domain::Ticket& t);
// key: an id or a number. nullopt also when the actor may not see it.
Result<std::optional<domain::Ticket>> find_visible(store::Connection& c, const Actor& actor, const std::string& key);
Result<TicketDetail> load_detail(store::Connection& c, const Context& ctx, const Actor& actor, domain::Ticket t);
Result<workflow::TicketState> ticket_state(store::Connection& c, const domain::Ticket& t);
Result<workflow::Caller> caller_for(store::Connection& c, const Actor& actor, const domain::Ticket& t);

}  // namespace redress::service::detail
