#include "service/transition_service.h"

#include "domain/validation.h"
#include "service/notifier.h"
#include "service/ticket_access.h"
#include "store/event_store.h"
#include "store/job_store.h"
#include "store/ticket_store.h"
#include "store/user_store.h"
#include "workflow/engine.h"

namespace redress::service {
namespace {

using store::Connection;

std::string timer_key_prefix(int64_t ticket_id) { return "timer:" + std::to_string(ticket_id) + ":"; }

Result<int64_t> bump_status_seq(Connection& c, int64_t ticket_id) {
  auto row = REDRESS_TRY(
      c.query_one("UPDATE tickets SET status_seq = status_seq + 1 WHERE id = ? RETURNING status_seq", {ticket_id}));
  if (!row) return fail(Error::not_found("ticket"));
  return row->integer(0);
}

// Users named for roles: they must exist and be able to work on tickets.
Result<std::map<std::string, std::optional<int64_t>>> resolve_assignees(Connection& c, const workflow::WorkflowDef& wf,
                                                                       const std::map<std::string, Ref>& refs) {
  std::map<std::string, std::optional<int64_t>> out;
  Error invalid(ErrorCode::kInvalid, "the request has invalid fields");
  store::UserStore users(c);
  for (const auto& [role, ref] : refs) {
    const std::string field = "assignees." + role;
    if (!wf.has_role(role)) {
      invalid.fields[field] = "workflow " + wf.id + " has no role '" + role + "'";
      continue;
    }
    auto u = REDRESS_TRY(ref.id ? users.find(*ref.id) : users.find_by_email(domain::lower_ascii(ref.key)));
    if (!u) {
      invalid.fields[field] = "no such user";
    } else if (!u->has_right(domain::rights::kTicketsWrite)) {
      invalid.fields[field] = "this user cannot work on tickets";
    } else {
      out[role] = u->id;
    }
  }
  if (!invalid.fields.empty()) {
    if (invalid.fields.size() == 1) invalid.message = invalid.fields.begin()->first + ": " + invalid.fields.begin()->second;
    return fail(std::move(invalid));
  }
  return out;
}

// Runs one transition on t inside c. Shared by the HTTP path and timers.
Result<domain::Ticket> apply_transition(Connection& c, const Context& ctx, const Actor& actor, domain::Ticket t,
                                        const TransitionInput& input, TimePoint now) {
  const workflow::WorkflowDef* wf = ctx.workflows.find(t.workflow);
  if (!wf) return fail(Error::internal("ticket " + t.number + " has unknown workflow " + t.workflow));
  workflow::TransitionRequest request;
  request.transition = input.transition;
  request.note = domain::trim(input.note);
  request.fields = input.fields;
  auto state = REDRESS_TRY(detail::ticket_state(c, t));
  // Seed 004: close once the customer has an answer, "or a note saying why none was sent".
  if (!request.note.empty()) state.has_public_reply = true;
  auto caller = REDRESS_TRY(detail::caller_for(c, actor, t));
  // Decide whether the caller may run this transition at all before looking up the users
  // it names, so that the answers cannot be used to find out who has an account.
  auto allowed = workflow::plan(*wf, state, caller, request);
  if (!allowed && (allowed.error().code != ErrorCode::kInvalid || allowed.error().fields.contains("transition")))
    return fail(std::move(allowed).error());
  request.assignees = REDRESS_TRY(resolve_assignees(c, *wf, input.assignees));
  auto plan = REDRESS_TRY(workflow::plan(*wf, state, caller, request));

  store::TicketStore tickets(c);
  store::EventStore events(c);
  const std::string from = t.status;
  t.status = plan.to;
  for (const auto& action : plan.entry_actions) {
    if (action.kind == "clear_role") plan.assignee_changes[action.target] = std::nullopt;
  }
  // Who is told comes from the routing table: the status entered first, then each role
  // newly given to someone (the notifier mails a person once for the whole step).
  std::vector<NotifyEvent> notices;
  NotifyEvent entered;
  entered.kind = kNotifyStatusEntered;
  entered.status = plan.to;
  entered.note = request.note;
  notices.push_back(std::move(entered));
  for (const auto& [role, user] : plan.assignee_changes) {
    std::optional<int64_t> before;
    if (auto it = t.assignees.find(role); it != t.assignees.end()) before = it->second;
    if (before == user) continue;
    if (user) {
      t.assignees[role] = *user;
      NotifyEvent assigned;
      assigned.kind = kNotifyAssigned;
      assigned.role = role;
      assigned.assigned_user_id = *user;
      notices.push_back(std::move(assigned));
    } else {
      t.assignees.erase(role);
    }
    REDRESS_CHECK(tickets.set_assignee(t.id, role, user));
    domain::Event e = detail::ticket_event(actor, now, t.id, user ? "assignee.set" : "assignee.cleared");
    if (before) e.from = std::to_string(*before);
    if (user) e.to = std::to_string(*user);
    e.data = {{"role", role}, {"transition", plan.transition->id}};
    REDRESS_CHECK(events.append(e));
  }
  for (auto& [k, v] : plan.field_changes.items()) {
    if (v.is_null()) {
      t.fields.erase(k);
    } else {
      t.fields[k] = v;
    }
  }
  if (wf->is_closed(plan.to)) {
    if (!t.closed_at) t.closed_at = now;
    t.customer_waiting_since.reset();  // nothing waits on a closed ticket
  } else {
    t.closed_at.reset();
  }
  t.updated_at = now;
  t = REDRESS_TRY(tickets.update(std::move(t)));
  const int64_t seq = REDRESS_TRY(bump_status_seq(c, t.id));

  domain::Event moved = detail::ticket_event(actor, now, t.id, "transition");
  moved.from = from;
  moved.to = plan.to;
  moved.data = {{"transition", plan.transition->id}};
  if (!request.note.empty()) moved.data["note"] = request.note;
  if (!plan.field_changes.empty()) moved.data["fields"] = plan.field_changes;
  nlohmann::json actions = nlohmann::json::array();
  for (const auto& a : plan.entry_actions) actions.push_back({{"kind", a.kind}, {"target", a.target}});
  if (!actions.empty()) moved.data["entry_actions"] = actions;
  auto told = REDRESS_TRY(notify(ctx, c, actor, t, notices));
  if (!told.recipients.empty()) moved.data["notified"] = told.recipients;
  REDRESS_CHECK(events.append(moved));

  // Timers belong to one stay in one status: leaving it cancels them, entering arms them.
  store::JobStore jobs(c);
  REDRESS_CHECK(jobs.cancel_pending(timer_key_prefix(t.id), now));
  for (const workflow::TimerDef* timer : plan.timers) {
    TimePoint due = now;
    if (timer->after) {
      due = now + std::chrono::duration_cast<std::chrono::microseconds>(*timer->after);
    } else {
      const auto& v = t.fields.contains(timer->at_field) ? t.fields[timer->at_field] : nlohmann::json();
      if (!v.is_string() || !parse_rfc3339(v.get<std::string>(), due))
        return fail(Error::invalid_field("fields." + timer->at_field, "a date-time is needed for timer " + timer->id));
    }
    store::NewJob job;
    job.kind = kTimerJobKind;
    job.due_at = due;
    job.payload = {{"ticket_id", t.id}, {"status", plan.to}, {"status_seq", seq}, {"timer", timer->id},
                   {"transition", timer->transition}};
    job.idempotency_key = timer_key_prefix(t.id) + std::to_string(seq) + ":" + timer->id;
    REDRESS_CHECK(jobs.enqueue(job, now));
  }
  return t;
}

}  // namespace

Result<TicketDetail> TransitionService::run(const Actor& actor, const std::string& key, const TransitionInput& input) {
  auto now = ctx_.clock.now();
  return ctx_.db.transact_value<TicketDetail>(store::TxMode::kWrite, [&](Connection& c) -> Result<TicketDetail> {
    auto t = REDRESS_TRY(detail::find_visible(c, actor, key));
    if (!t) return fail(Error::not_found("ticket"));
    auto changed = REDRESS_TRY(apply_transition(c, ctx_, actor, std::move(*t), input, now));
    return detail::load_detail(c, ctx_, actor, std::move(changed));
  });
}

Result<TicketDetail> TransitionService::set_assignee(const Actor& actor, const std::string& key,
                                                     const std::string& role, const std::optional<Ref>& user) {
  auto now = ctx_.clock.now();
  return ctx_.db.transact_value<TicketDetail>(store::TxMode::kWrite, [&](Connection& c) -> Result<TicketDetail> {
    auto t = REDRESS_TRY(detail::find_visible(c, actor, key));
    if (!t) return fail(Error::not_found("ticket"));
    if (!actor.has_right(domain::rights::kTicketsWrite))
      return fail(Error::forbidden("not allowed to assign", "right_missing"));
    const workflow::WorkflowDef* wf = ctx_.workflows.find(t->workflow);
    if (!wf || !wf->has_role(role)) return fail(Error::not_found("role " + role + " in workflow " + t->workflow));
    std::optional<int64_t> next;
    if (user) {
      auto resolved = REDRESS_TRY(resolve_assignees(c, *wf, {{role, *user}}));
      next = resolved.at(role);
    }
    std::optional<int64_t> before;
    if (auto it = t->assignees.find(role); it != t->assignees.end()) before = it->second;
    if (before == next) return detail::load_detail(c, ctx_, actor, std::move(*t));
    REDRESS_CHECK(store::TicketStore(c).set_assignee(t->id, role, next));
    if (next) {
      t->assignees[role] = *next;
    } else {
      t->assignees.erase(role);
    }
    t->updated_at = now;
    auto saved = REDRESS_TRY(store::TicketStore(c).update(std::move(*t)));
    domain::Event e = detail::ticket_event(actor, now, saved.id, next ? "assignee.set" : "assignee.cleared");
    if (before) e.from = std::to_string(*before);
    if (next) e.to = std::to_string(*next);
    e.data = {{"role", role}};
    if (next) {
      NotifyEvent assigned;
      assigned.kind = kNotifyAssigned;
      assigned.role = role;
      assigned.assigned_user_id = *next;
      auto told = REDRESS_TRY(notify(ctx_, c, actor, saved, {assigned}));
      if (!told.recipients.empty()) e.data["notified"] = told.recipients;
    }
    REDRESS_CHECK(store::EventStore(c).append(e));
    return detail::load_detail(c, ctx_, actor, std::move(saved));
  });
}

Result<domain::Ticket> TransitionService::run_in(Connection& c, const Actor& actor, domain::Ticket t,
                                                const TransitionInput& input) {
  return apply_transition(c, ctx_, actor, std::move(t), input, ctx_.clock.now());
}

Result<void> TransitionService::fire_timer(Connection& c, const nlohmann::json& payload) {
  if (!payload.is_object() || !payload.contains("ticket_id") || !payload.contains("status_seq"))
    return fail(Error::internal("timer job without ticket_id/status_seq"));
  auto t = REDRESS_TRY(store::TicketStore(c).find(payload["ticket_id"].get<int64_t>()));
  if (!t) return {};  // the ticket is gone: nothing to do
  auto seq = REDRESS_TRY(c.query_one("SELECT status_seq FROM tickets WHERE id = ?", {t->id}));
  if (t->status != payload.value("status", "") || !seq || seq->integer(0) != payload["status_seq"].get<int64_t>())
    return {};  // the ticket left that status since the timer was armed
  TransitionInput input;
  input.transition = payload.value("transition", "");
  auto now = ctx_.clock.now();
  REDRESS_CHECK(apply_transition(c, ctx_, Actor::system(), std::move(*t), input, now));
  return {};
}

}  // namespace redress::service
