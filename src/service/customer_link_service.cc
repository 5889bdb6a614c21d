#include "service/customer_link_service.h"

#include <algorithm>

#include "domain/validation.h"
#include "service/mail_config.h"
#include "service/transition_service.h"
#include "store/contact_store.h"
#include "store/ticket_store.h"

namespace redress::service {
namespace {

// The transition a customer may run from this status, if any (confirm in confirmation).
const workflow::TransitionDef* customer_transition(const workflow::WorkflowDef& wf, const std::string& status) {
  for (const auto& tr : wf.transitions) {
    if (tr.who.customer && std::find(tr.from.begin(), tr.from.end(), status) != tr.from.end()) return &tr;
  }
  return nullptr;
}

}  // namespace

std::optional<std::string> CustomerLinkService::path_for(const Context& ctx, const domain::Ticket& t,
                                                         int64_t contact_id) {
  if (!ctx.mail) return std::nullopt;
  const workflow::WorkflowDef* wf = ctx.workflows.find(t.workflow);
  const workflow::TransitionDef* tr = wf ? customer_transition(*wf, t.status) : nullptr;
  if (!tr) return std::nullopt;
  domain::ActionLink link{t.id, contact_id, tr->id,
                          ctx.clock.now() + std::chrono::hours(24) * ctx.mail->settings.action_link_days};
  return "/confirm/" + domain::sign_action_link(ctx.mail->secret, link);
}

bool CustomerLinkService::offers_link(const Context& ctx, const domain::Ticket& t) {
  const workflow::WorkflowDef* wf = ctx.mail ? ctx.workflows.find(t.workflow) : nullptr;
  return wf && customer_transition(*wf, t.status);
}

Result<LinkPage> CustomerLinkService::inspect(const std::string& token) {
  return ctx_.db.transact_value<LinkPage>(store::TxMode::kRead,
                                          [&](store::Connection& c) { return page(c, token, false); });
}

Result<LinkPage> CustomerLinkService::act(const std::string& token) {
  return ctx_.db.transact_value<LinkPage>(store::TxMode::kWrite,
                                          [&](store::Connection& c) { return page(c, token, true); });
}

Result<LinkPage> CustomerLinkService::page(store::Connection& c, const std::string& token, bool run) {
  LinkPage out;
  if (!ctx_.mail) return out;  // no secret: no link can be valid
  const auto check = domain::verify_action_link(ctx_.mail->secret, token, ctx_.clock.now());
  if (check.problem == domain::LinkProblem::kMalformed || check.problem == domain::LinkProblem::kForged) return out;

  // A correctly signed link always names a ticket and contact we made it for; both may
  // have been deleted or detached since.
  auto t = REDRESS_TRY(store::TicketStore(c).find(check.link.ticket_id));
  auto contact = REDRESS_TRY(store::ContactStore(c).find(check.link.contact_id));
  const workflow::WorkflowDef* wf = t ? ctx_.workflows.find(t->workflow) : nullptr;
  if (!t || !contact || !wf ||
      std::find(t->contact_ids.begin(), t->contact_ids.end(), contact->id) == t->contact_ids.end())
    return out;
  out.language = domain::is_language_tag(contact->language) ? contact->language : t->language;
  out.ticket_number = t->number;
  out.subject = t->subject;
  const workflow::TransitionDef* tr = wf->transition(check.link.transition);
  out.action_label = tr ? workflow::label_in(tr->labels, out.language, tr->id) : check.link.transition;
  auto status_label = [&](const std::string& status) {
    const auto* def = wf->status(status);
    return def ? workflow::label_in(def->labels, out.language, status) : status;
  };
  out.status_label = status_label(t->status);
  if (check.problem == domain::LinkProblem::kExpired) {
    out.state = LinkPage::State::kExpired;
    return out;
  }
  if (!tr || std::find(tr->from.begin(), tr->from.end(), t->status) == tr->from.end()) {
    out.state = LinkPage::State::kNotWaiting;
    return out;
  }
  if (!run) {
    out.state = LinkPage::State::kReady;
    return out;
  }
  TransitionInput input;
  input.transition = tr->id;
  const Actor actor = Actor::contact_link(contact->id, contact->email.value_or(contact->name));
  auto moved = REDRESS_TRY(TransitionService(ctx_).run_in(c, actor, std::move(*t), input));
  out.state = LinkPage::State::kDone;
  out.status_label = status_label(moved.status);
  return out;
}

}  // namespace redress::service
