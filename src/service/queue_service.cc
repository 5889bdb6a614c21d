#include "service/queue_service.h"

#include <algorithm>

#include "service/ticket_access.h"
#include "service/transition_service.h"
#include "store/event_store.h"
#include "store/ticket_store.h"
#include "store/user_store.h"

namespace redress::service {
namespace {

using store::Connection;

// Pending statuses wait for a date or for the customer: nobody should process them now.
// (Closed tickets are left out by closed_at.)
std::map<std::string, std::vector<std::string>> not_now(const workflow::WorkflowCatalog& workflows) {
  std::map<std::string, std::vector<std::string>> out;
  for (const auto& wf : workflows.all())
    for (const auto& s : wf.statuses)
      if (s.category == "pending") out[wf.id].push_back(s.id);
  return out;
}

bool is_closed(const Context& ctx, const domain::Ticket& t) {
  const auto* wf = ctx.workflows.find(t.workflow);
  return wf && wf->is_closed(t.status);
}

Result<Error> taken_conflict(Connection& c, int64_t holder) {
  Error e = REDRESS_TRY(detail::taken_error(c, holder));
  e.code = ErrorCode::kConflict;
  return e;
}

domain::Event released_event(const Actor& actor, TimePoint now, int64_t ticket_id, int64_t holder, const std::string& why) {
  domain::Event e = detail::ticket_event(actor, now, ticket_id, "ticket.released");
  e.from = std::to_string(holder);
  e.data = {{"why", why}};
  return e;
}

// Takes t for the actor. Another agent who took it in between (a concurrent writer on
// PostgreSQL) makes this a Conflict "ticket_taken" naming them.
Result<domain::Ticket> take_in(Context& ctx, Connection& c, const Actor& actor, domain::Ticket t) {
  const auto now = ctx.clock.now();
  const int64_t me = *actor.user_id();
  store::TicketStore tickets(c);
  t.taken_by = me;
  t.taken_at = now;
  t.updated_at = now;
  auto saved = tickets.update(t);
  if (!saved) {
    if (saved.error().reason != "stale") return fail(std::move(saved).error());
    auto fresh = REDRESS_TRY(tickets.find(t.id));
    if (fresh && fresh->taken_by && *fresh->taken_by != me) return fail(REDRESS_TRY(taken_conflict(c, *fresh->taken_by)));
    return fail(std::move(saved).error());
  }
  domain::Event e = detail::ticket_event(actor, now, saved->id, "ticket.taken");
  e.to = std::to_string(me);
  REDRESS_CHECK(store::EventStore(c).append(e));

  const auto* wf = ctx.workflows.find(saved->workflow);
  const auto* tr = wf && !wf->on_take.empty() ? wf->transition(wf->on_take) : nullptr;
  if (tr && std::ranges::find(tr->from, saved->status) != tr->from.end()) {
    // Taking is the agent's own right; if the workflow does not let them run the on_take
    // transition, the ticket is theirs all the same, in its current status.
    TransitionInput input;
    input.transition = tr->id;
    auto moved = TransitionService(ctx).run_in(c, actor, *saved, input);
    if (moved) return std::move(*moved);
    if (moved.error().code != ErrorCode::kForbidden) return fail(std::move(moved).error());
  }
  return std::move(*saved);
}

Result<domain::Ticket> release_in(const Context& ctx, Connection& c, const Actor& actor, domain::Ticket t,
                                  const std::string& why) {
  const auto now = ctx.clock.now();
  const int64_t holder = *t.taken_by;
  t.taken_by.reset();
  t.taken_at.reset();
  t.updated_at = now;
  auto saved = REDRESS_TRY(store::TicketStore(c).update(std::move(t)));
  REDRESS_CHECK(store::EventStore(c).append(released_event(actor, now, saved.id, holder, why)));
  return saved;
}

Result<void> need_take_right(const Actor& actor) {
  if (!actor.user) return fail(Error::forbidden("only a user can take tickets", "right_missing"));
  if (!actor.has_right(domain::rights::kTicketsTake))
    return fail(Error::forbidden("taking tickets needs the tickets.take right", "right_missing"));
  return {};
}

}  // namespace

QueueService::QueueService(Context& ctx) : ctx_(ctx), not_now_(not_now(ctx.workflows)) {}

Result<TicketDetail> QueueService::take(const Actor& actor, const std::string& key) {
  REDRESS_CHECK(need_take_right(actor));
  return ctx_.db.transact_value<TicketDetail>(store::TxMode::kWrite, [&](Connection& c) -> Result<TicketDetail> {
    auto t = REDRESS_TRY(detail::find_visible(c, actor, key, detail::Access::kAny));
    if (!t) return fail(Error::not_found("ticket"));
    if (t->taken_by == actor.user_id()) return detail::load_detail(c, ctx_, actor, std::move(*t));
    if (t->taken_by) return fail(REDRESS_TRY(taken_conflict(c, *t->taken_by)));
    if (is_closed(ctx_, *t)) return fail(Error::conflict("a closed ticket cannot be taken", "ticket_closed"));
    auto taken = REDRESS_TRY(take_in(ctx_, c, actor, std::move(*t)));
    return detail::load_detail(c, ctx_, actor, std::move(taken));
  });
}

Result<TicketDetail> QueueService::release(const Actor& actor, const std::string& key) {
  return ctx_.db.transact_value<TicketDetail>(store::TxMode::kWrite, [&](Connection& c) -> Result<TicketDetail> {
    auto t = REDRESS_TRY(detail::find_visible(c, actor, key, detail::Access::kAny));
    if (!t) return fail(Error::not_found("ticket"));
    if (!actor.has_right(domain::rights::kTicketsTake) && !actor.has_right(domain::rights::kTicketsRelease))
      return fail(Error::forbidden("not allowed to change who works on tickets", "right_missing"));
    if (!t->taken_by) return detail::load_detail(c, ctx_, actor, std::move(*t));
    const bool own = t->taken_by == actor.user_id();
    if (!own && !actor.has_right(domain::rights::kTicketsRelease)) return fail(REDRESS_TRY(detail::taken_error(c, *t->taken_by)));
    auto released = REDRESS_TRY(release_in(ctx_, c, actor, std::move(*t), own ? "removed_own" : "released"));
    return detail::load_detail(c, ctx_, actor, std::move(released));
  });
}

Result<QueuePage> QueueService::queue(const Actor& actor, int limit) {
  REDRESS_CHECK(need_take_right(actor));
  return ctx_.db.transact_value<QueuePage>(store::TxMode::kRead, [&](Connection& c) -> Result<QueuePage> {
    store::TicketStore tickets(c);
    store::QueueQuery q{*actor.user_id(), &not_now_, limit};
    QueuePage out;
    for (auto& item : REDRESS_TRY(tickets.queue_mine(q))) {
      out.page.items.push_back(std::move(item));
      out.sections.emplace_back("mine");
    }
    q.limit = limit - static_cast<int>(out.page.items.size());
    if (q.limit > 0) {
      for (auto& item : REDRESS_TRY(tickets.queue_unclaimed(q))) {
        out.page.items.push_back(std::move(item));
        out.sections.emplace_back("unassigned");
      }
    }
    REDRESS_CHECK(detail::fill_page_refs(c, out.page));
    return out;
  });
}

Result<std::optional<TicketDetail>> QueueService::next(const Actor& actor) {
  REDRESS_CHECK(need_take_right(actor));
  using Out = std::optional<TicketDetail>;
  return ctx_.db.transact_value<Out>(store::TxMode::kWrite, [&](Connection& c) -> Result<Out> {
    store::TicketStore tickets(c);
    store::QueueQuery q{*actor.user_id(), &not_now_, 1};
    // Each round reads the queue afresh: on PostgreSQL, tickets other agents claimed
    // meanwhile are gone from it (read committed), so a few rounds always suffice.
    for (int round = 0; round < 8; ++round) {
      std::vector<store::TicketListItem> candidates = REDRESS_TRY(tickets.queue_mine(q));
      if (!candidates.empty() && candidates.front().ticket.taken_by == actor.user_id())
        return Out(REDRESS_TRY(detail::load_detail(c, ctx_, actor, std::move(candidates.front().ticket))));
      if (candidates.empty()) {
        store::QueueQuery wide = q;
        wide.limit = 8;
        candidates = REDRESS_TRY(tickets.queue_unclaimed(wide));
      }
      if (candidates.empty()) return Out();
      for (auto& item : candidates) {
        auto taken = take_in(ctx_, c, actor, std::move(item.ticket));
        if (taken) return Out(REDRESS_TRY(detail::load_detail(c, ctx_, actor, std::move(*taken))));
        const auto& why = taken.error().reason;
        if (why != "ticket_taken" && why != "stale") return fail(std::move(taken).error());
      }
    }
    return fail(Error::conflict("the queue is changing too fast; try again", "busy"));
  });
}

Result<domain::Ticket> customer_message_arrived(const Context& ctx, Connection& c, domain::Ticket t) {
  const auto now = ctx.clock.now();
  bool changed = false;
  if (!t.customer_waiting_since) {
    t.customer_waiting_since = now;
    changed = true;
  }
  std::optional<int64_t> released_holder;
  if (t.taken_by) {
    auto taker = REDRESS_TRY(store::UserStore(c).find(*t.taken_by));
    bool inactive = !taker || !taker->active;
    if (!inactive && ctx.taker_inactive_hours > 0) {
      // Taking a ticket is activity too: a taker never seen over HTTP (CLI, tests) counts
      // from the moment they took it.
      TimePoint seen = std::max(taker->last_seen_at.value_or(TimePoint{}), t.taken_at.value_or(TimePoint{}));
      inactive = now - seen > std::chrono::hours(ctx.taker_inactive_hours);
    }
    if (inactive) {
      released_holder = t.taken_by;
      t.taken_by.reset();
      t.taken_at.reset();
      changed = true;
    }
  }
  if (!changed) return t;
  t.updated_at = now;
  auto saved = REDRESS_TRY(store::TicketStore(c).update(std::move(t)));
  if (released_holder)
    REDRESS_CHECK(store::EventStore(c).append(released_event(Actor::system(), now, saved.id, *released_holder, "taker_inactive")));
  return saved;
}

Result<domain::Ticket> support_answered(const Context& ctx, Connection& c, domain::Ticket t) {
  if (!t.customer_waiting_since) return t;
  t.customer_waiting_since.reset();
  t.updated_at = ctx.clock.now();
  return store::TicketStore(c).update(std::move(t));
}

Result<void> release_all_taken_by(const Context& ctx, Connection& c, const Actor& actor, int64_t user_id,
                                  const std::string& why) {
  store::TicketStore tickets(c);
  for (int64_t id : REDRESS_TRY(tickets.taken_by(user_id))) {
    auto t = REDRESS_TRY(tickets.find(id));
    if (t && t->taken_by) REDRESS_CHECK(release_in(ctx, c, actor, std::move(*t), why));
  }
  return {};
}

}  // namespace redress::service
