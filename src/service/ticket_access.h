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
// What the caller means to do with a ticket found by find_visible.
// kAct: change it; kRead: look at it; kAny: find it whoever holds it (taking and
// releasing, which answer about the holder themselves).
enum class Access { kAct, kRead, kAny };

// key: an id or a number. nullopt also when the actor may not see it. A ticket taken by
// one agent is theirs alone (seed 001): any other staff member gets Forbidden
// "ticket_taken" naming the holder, except that holders of tickets.release may read it
// (to decide to release it). Customers and the system are not held back by a take.
Result<std::optional<domain::Ticket>> find_visible(store::Connection& c, const Actor& actor, const std::string& key,
                                                   Access access = Access::kAct);
// The Forbidden "ticket_taken" error for a ticket held by holder_id.
Result<Error> taken_error(store::Connection& c, int64_t holder_id);
// Loads the reasons and takers a page of tickets shows.
Result<void> fill_page_refs(store::Connection& c, TicketPage& page);
Result<TicketDetail> load_detail(store::Connection& c, const Context& ctx, const Actor& actor, domain::Ticket t);
Result<workflow::TicketState> ticket_state(store::Connection& c, const domain::Ticket& t);
Result<workflow::Caller> caller_for(store::Connection& c, const Actor& actor, const domain::Ticket& t);

}  // namespace redress::service::detail
