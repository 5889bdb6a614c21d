#include "service/ticket_access.h"

#include <algorithm>
#include <charconv>

#include "store/contact_store.h"
#include "store/reason_store.h"
#include "store/review_store.h"
#include "store/ticket_store.h"
#include "store/user_store.h"

namespace redress::service::detail {

using store::Connection;

std::optional<int64_t> parse_id(const std::string& key) {
  int64_t id = 0;
  auto [p, ec] = std::from_chars(key.data(), key.data() + key.size(), id);
  if (ec != std::errc() || p != key.data() + key.size() || id <= 0) return std::nullopt;
  return id;
}

domain::Event ticket_event(const Actor& actor, TimePoint at, int64_t ticket_id, std::string kind) {
  domain::Event e = event_by(actor, at, "ticket", ticket_id, std::move(kind));
  e.ticket_id = ticket_id;
  return e;
}

Result<bool> can_see(Connection& c, const Actor& actor, const domain::Ticket& t) {
  if (actor.has_right(domain::rights::kTicketsViewAll)) return true;
  if (actor.user && actor.user->role == domain::Role::kCustomer)
    return store::TicketStore(c).has_contact_email(t.id, actor.user->email);
  return false;
}

Result<Error> taken_error(Connection& c, int64_t holder_id) {
  auto holder = REDRESS_TRY(store::UserStore(c).find(holder_id));
  const std::string name = holder ? holder->name : "another agent";
  Error e = Error::forbidden("this ticket is taken by " + name, "ticket_taken");
  e.details["holder_id"] = std::to_string(holder_id);
  e.details["holder"] = name;
  if (holder) e.details["holder_email"] = holder->email;
  return e;
}

Result<std::optional<domain::Ticket>> find_visible(Connection& c, const Actor& actor, const std::string& key,
                                                   Access access) {
  store::TicketStore tickets(c);
  auto id = parse_id(key);
  auto t = REDRESS_TRY(id ? tickets.find(*id) : tickets.find_by_number(key));
  if (!t || !REDRESS_TRY(can_see(c, actor, *t))) return std::optional<domain::Ticket>();
  const bool held_by_other = access != Access::kAny && t->taken_by && actor.user && actor.user->is_staff() &&
                             actor.user->id != *t->taken_by;
  if (held_by_other && !(access == Access::kRead && actor.has_right(domain::rights::kTicketsRelease)))
    return fail(REDRESS_TRY(taken_error(c, *t->taken_by)));
  return t;
}

Result<workflow::TicketState> ticket_state(Connection& c, const domain::Ticket& t) {
  workflow::TicketState s;
  s.status = t.status;
  s.assignees = t.assignees;
  s.has_reason = t.reason_id.has_value();
  s.has_contact = t.main_contact_id.has_value();
  s.fields = t.fields;
  auto reply = REDRESS_TRY(c.query_one(
      "SELECT 1 FROM messages WHERE ticket_id = ? AND visibility = 'public' AND kind IN ('reply', 'mail_out') LIMIT 1",
      {t.id}));
  s.has_public_reply = reply.has_value();
  return s;
}

Result<workflow::Caller> caller_for(Connection& c, const Actor& actor, const domain::Ticket& t) {
  workflow::Caller caller;
  if (actor.contact_id) {
    caller.kind = workflow::Caller::Kind::kCustomer;
    caller.is_ticket_contact = std::find(t.contact_ids.begin(), t.contact_ids.end(), *actor.contact_id) !=
                               t.contact_ids.end();
    return caller;
  }
  if (!actor.user) {
    caller.kind = workflow::Caller::Kind::kSystem;
    return caller;
  }
  caller.user_id = actor.user->id;
  if (actor.user->role == domain::Role::kCustomer) {
    caller.kind = workflow::Caller::Kind::kCustomer;
    caller.is_ticket_contact = REDRESS_TRY(store::TicketStore(c).has_contact_email(t.id, actor.user->email));
  } else {
    caller.kind = workflow::Caller::Kind::kStaff;
    caller.can_write_tickets = actor.user->has_right(domain::rights::kTicketsWrite);
  }
  return caller;
}

Result<void> fill_page_refs(Connection& c, TicketPage& page) {
  store::ReasonStore reasons(c);
  store::UserStore users(c);
  for (const auto& item : page.items) {
    const auto& t = item.ticket;
    if (t.reason_id && !page.reasons.contains(*t.reason_id)) {
      if (auto r = REDRESS_TRY(reasons.find(*t.reason_id))) page.reasons[r->id] = *r;
    }
    if (t.taken_by && !page.users.contains(*t.taken_by)) {
      if (auto u = REDRESS_TRY(users.find(*t.taken_by))) page.users[u->id] = domain::UserRef{u->id, u->name, u->email};
    }
  }
  return {};
}

Result<TicketDetail> load_detail(Connection& c, const Context& ctx, const Actor& actor, domain::Ticket t) {
  TicketDetail d;
  d.workflow = ctx.workflows.find(t.workflow);
  d.contacts = REDRESS_TRY(store::ContactStore(c).find_many(t.contact_ids));
  if (t.reason_id) d.reason = REDRESS_TRY(store::ReasonStore(c).find(*t.reason_id));
  if (t.customer_id) d.customer = REDRESS_TRY(store::ContactStore(c).find_customer(*t.customer_id));
  store::UserStore users(c);
  for (const auto& [role, uid] : t.assignees) {
    if (auto u = REDRESS_TRY(users.find(uid))) d.assignees[role] = domain::UserRef{u->id, u->name, u->email};
  }
  if (t.taken_by) {
    if (auto u = REDRESS_TRY(users.find(*t.taken_by))) d.taken_by = domain::UserRef{u->id, u->name, u->email};
  }
  if (t.channel == "review") d.review = REDRESS_TRY(store::ReviewStore(c).find_by_ticket(t.id));
  if (d.workflow) {
    auto state = REDRESS_TRY(ticket_state(c, t));
    auto caller = REDRESS_TRY(caller_for(c, actor, t));
    d.available = workflow::available(*d.workflow, state, caller);
  }
  d.ticket = std::move(t);
  return d;
}

}  // namespace redress::service::detail
