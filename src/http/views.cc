#include "http/views.h"

#include <algorithm>

namespace redress::http {
namespace {

nlohmann::json time_or_null(const std::optional<TimePoint>& t) {
  return t ? nlohmann::json(format_rfc3339(*t)) : nlohmann::json(nullptr);
}

nlohmann::json status_json(const workflow::WorkflowDef* wf, const std::string& id, const std::string& language) {
  nlohmann::json s = {{"id", id}, {"label", id}};
  if (wf) {
    if (const auto* def = wf->status(id)) {
      s["label"] = workflow::label_in(def->labels, language, id);
      s["category"] = def->category;
    }
  }
  return s;
}

// What a requirement is called on the ticket page. Custom fields carry their own labels
// in the workflow file; the built-in ones are named here.
std::string requirement_label(const workflow::WorkflowDef* wf, const std::string& requirement,
                              const std::string& language) {
  static const std::map<std::string, workflow::Labels> kBuiltIn = {
      {"reason", {{"en", "Reason"}, {"fr", "Motif"}}},
      {"contact", {{"en", "Contact"}, {"fr", "Contact"}}},
      {"public_reply", {{"en", "Reply to the customer (or a note saying why none)"},
                        {"fr", "Réponse au client (ou une note expliquant pourquoi)"}}},
  };
  if (auto it = kBuiltIn.find(requirement); it != kBuiltIn.end())
    return workflow::label_in(it->second, language, requirement);
  if (wf && requirement.starts_with("fields.")) {
    if (const auto* def = wf->field(requirement.substr(7))) return workflow::label_in(def->labels, language, def->id);
  }
  if (requirement.starts_with("assignees.")) return requirement.substr(10);
  return requirement;
}

// Seed 004's red asterisks: each requirement still unmet for a transition this viewer may
// run, with the transitions it holds back. A note, and a value the transition sets itself
// (postpone's reopen_at), are asked for when the button is pressed: not fields to qualify.
nlohmann::json qualification_json(const service::TicketDetail& d, const std::string& language) {
  std::vector<std::string> order;
  std::map<std::string, std::vector<std::string>> held_back;
  for (const auto& a : d.available) {
    for (const auto& requirement : a.requires_) {
      const auto& sets = a.transition->sets;
      if (requirement == "note" || std::find(sets.begin(), sets.end(), requirement) != sets.end()) continue;
      if (!held_back.contains(requirement)) order.push_back(requirement);
      held_back[requirement].push_back(a.transition->id);
    }
  }
  nlohmann::json missing = nlohmann::json::array();
  for (const auto& requirement : order) {
    missing.push_back({{"field", requirement},
                       {"label", requirement_label(d.workflow, requirement, language)},
                       {"for", held_back[requirement]}});
  }
  return {{"complete", missing.empty()}, {"missing", missing}};
}

}  // namespace

nlohmann::json user_json(const domain::User& u) {
  const auto rights = u.effective_rights();
  return {{"id", u.id},           {"email", u.email},  {"name", u.name},
          {"role", domain::to_string(u.role)},        {"rights", rights},
          {"language", u.language}, {"active", u.active}, {"created_at", format_rfc3339(u.created_at)},
          {"signature", u.signature ? nlohmann::json(*u.signature) : nlohmann::json(nullptr)}};
}

nlohmann::json user_ref_json(const domain::UserRef& u) { return {{"id", u.id}, {"name", u.name}, {"email", u.email}}; }

nlohmann::json contact_json(const domain::Contact& c) {
  return {{"id", c.id},
          {"name", c.name},
          {"email", c.email ? nlohmann::json(*c.email) : nlohmann::json(nullptr)},
          {"phone", c.phone ? nlohmann::json(*c.phone) : nlohmann::json(nullptr)},
          {"language", c.language},
          {"customer_id", c.customer_id ? nlohmann::json(*c.customer_id) : nlohmann::json(nullptr)},
          {"created_at", format_rfc3339(c.created_at)}};
}

nlohmann::json reason_json(const domain::Reason& r, const std::string& language) {
  return {{"id", r.id},         {"workflow", r.workflow},         {"code", r.code},
          {"labels", r.labels}, {"label", r.label(language)}, {"active", r.active}};
}

nlohmann::json customer_json(const std::optional<domain::Customer>& customer) {
  return customer ? nlohmann::json{{"id", customer->id}, {"name", customer->name}} : nlohmann::json(nullptr);
}

// The contact with what an agent wants beside a ticket: their other tickets and the
// channels they used.
nlohmann::json contact_profile_json(const service::ContactProfile& p, const workflow::WorkflowCatalog& workflows,
                            const std::string& language) {
  auto j = contact_json(p.contact);
  j["customer"] = customer_json(p.customer);
  j["tickets"] = nlohmann::json::array();
  for (const auto& t : p.recent_tickets) {
    j["tickets"].push_back({{"id", t.id},
                            {"number", t.number},
                            {"workflow", t.workflow},
                            {"status", status_json(workflows.find(t.workflow), t.status, language)},
                            {"subject", t.subject},
                            {"channel", t.channel},
                            {"created_at", format_rfc3339(t.created_at)},
                            {"closed_at", time_or_null(t.closed_at)}});
  }
  int64_t total = 0;
  j["channels"] = nlohmann::json::array();
  for (const auto& c : p.channels) {
    total += c.tickets;
    j["channels"].push_back({{"channel", c.channel}, {"tickets", c.tickets}, {"last_at", format_rfc3339(c.last_at)}});
  }
  j["ticket_count"] = total;
  return j;
}

nlohmann::json ticket_json(const service::TicketDetail& d, const TicketViewer& viewer) {
  const auto& t = d.ticket;
  const std::string& language = viewer.language;
  const bool portal = viewer.customer_email.has_value();
  auto visible_contact = [&](const domain::Contact& c) {
    if (!portal || c.email == viewer.customer_email) return contact_json(c);
    return nlohmann::json{{"id", c.id}, {"name", c.name}};
  };
  nlohmann::json j;
  j["id"] = t.id;
  j["number"] = t.number;
  j["workflow"] = t.workflow;
  j["status"] = status_json(d.workflow, t.status, language);
  j["subject"] = t.subject;
  j["description"] = t.description;
  j["channel"] = t.channel;
  j["language"] = t.language;
  j["reason"] = d.reason ? reason_json(*d.reason, language) : nlohmann::json(nullptr);
  j["customer"] = d.customer && !portal ? nlohmann::json{{"id", d.customer->id}, {"name", d.customer->name}}
                                        : nlohmann::json(nullptr);
  j["contacts"] = nlohmann::json::array();
  j["main_contact"] = nullptr;
  for (const auto& c : d.contacts) {
    auto cj = visible_contact(c);
    cj["main"] = t.main_contact_id && *t.main_contact_id == c.id;
    if (cj["main"].get<bool>()) j["main_contact"] = visible_contact(c);
    j["contacts"].push_back(std::move(cj));
  }
  j["assignees"] = nlohmann::json::object();
  if (!portal) {
    for (const auto& [role, u] : d.assignees) j["assignees"][role] = user_ref_json(u);
  }
  j["taken_by"] = d.taken_by && !portal ? user_ref_json(*d.taken_by) : nlohmann::json(nullptr);
  if (!portal) {
    j["taken_at"] = t.taken_at ? nlohmann::json(format_rfc3339(*t.taken_at)) : nlohmann::json(nullptr);
    j["customer_waiting_since"] =
        t.customer_waiting_since ? nlohmann::json(format_rfc3339(*t.customer_waiting_since)) : nlohmann::json(nullptr);
  }
  j["messaging_blocked"] = t.messaging_blocked;
  // Seed 004: the review behind a review request, for staff qualifying it.
  j["review"] = nullptr;
  if (d.review && !portal) {
    const auto& r = *d.review;
    j["review"] = {{"source", r.source},
                   {"external_id", r.external_id},
                   {"rating", r.rating ? nlohmann::json(*r.rating) : nlohmann::json(nullptr)},
                   {"url", r.url.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.url)},
                   {"author", {{"name", r.author_name.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.author_name)},
                               {"email", r.author_email.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.author_email)}}},
                   {"received_at", format_rfc3339(r.received_at)}};
  }
  j["fields"] = portal ? nlohmann::json::object() : t.fields;
  j["available_transitions"] = nlohmann::json::array();
  for (const auto& a : d.available) {
    j["available_transitions"].push_back({{"id", a.transition->id},
                                          {"label", workflow::label_in(a.transition->labels, language, a.transition->id)},
                                          {"to", a.transition->to},
                                          {"requires", a.requires_}});
  }
  if (!portal) j["qualification"] = qualification_json(d, language);
  j["created_at"] = format_rfc3339(t.created_at);
  j["updated_at"] = format_rfc3339(t.updated_at);
  j["closed_at"] = time_or_null(t.closed_at);
  j["version"] = t.version;
  return j;
}

nlohmann::json ticket_page_json(const service::TicketPage& page, const workflow::WorkflowCatalog& workflows,
                                const TicketViewer& viewer) {
  const std::string& language = viewer.language;
  const bool portal = viewer.customer_email.has_value();
  nlohmann::json items = nlohmann::json::array();
  for (const auto& item : page.items) {
    const auto& t = item.ticket;
    nlohmann::json j;
    j["id"] = t.id;
    j["number"] = t.number;
    j["workflow"] = t.workflow;
    j["status"] = status_json(workflows.find(t.workflow), t.status, language);
    j["subject"] = t.subject;
    j["channel"] = t.channel;
    j["language"] = t.language;
    j["reason"] = nullptr;
    if (t.reason_id) {
      if (auto it = page.reasons.find(*t.reason_id); it != page.reasons.end())
        j["reason"] = {{"id", it->second.id}, {"code", it->second.code}, {"label", it->second.label(language)}};
    }
    j["main_contact"] = nullptr;
    if (t.main_contact_id) {
      j["main_contact"] = {{"id", *t.main_contact_id}, {"name", item.main_contact_name.value_or("")}};
      if (!portal || item.main_contact_email == viewer.customer_email)
        j["main_contact"]["email"] = item.main_contact_email ? nlohmann::json(*item.main_contact_email) : nlohmann::json(nullptr);
    }
    j["taken_by"] = nullptr;
    if (t.taken_by && !portal) {
      if (auto it = page.users.find(*t.taken_by); it != page.users.end()) j["taken_by"] = user_ref_json(it->second);
    }
    j["created_at"] = format_rfc3339(t.created_at);
    j["updated_at"] = format_rfc3339(t.updated_at);
    items.push_back(std::move(j));
  }
  return {{"items", std::move(items)},
          {"next_cursor", page.next_before_id ? nlohmann::json(std::to_string(*page.next_before_id)) : nlohmann::json(nullptr)}};
}

nlohmann::json event_json(const domain::Event& e) {
  nlohmann::json actor = e.actor_user_id ? nlohmann::json{{"id", *e.actor_user_id}} : nlohmann::json{{"label", e.actor_label}};
  return {{"id", e.id},
          {"at", format_rfc3339(e.at)},
          {"actor", actor},
          {"kind", e.kind},
          {"entity", e.entity},
          {"entity_id", e.entity_id ? nlohmann::json(*e.entity_id) : nlohmann::json(nullptr)},
          {"from", e.from ? nlohmann::json(*e.from) : nlohmann::json(nullptr)},
          {"to", e.to ? nlohmann::json(*e.to) : nlohmann::json(nullptr)},
          {"data", e.data}};
}

nlohmann::json workflow_json(const workflow::WorkflowDef& wf, const std::string& language) {
  nlohmann::json statuses = nlohmann::json::array();
  for (const auto& s : wf.statuses) {
    statuses.push_back({{"id", s.id},
                        {"label", workflow::label_in(s.labels, language, s.id)},
                        {"labels", s.labels},
                        {"category", s.category},
                        {"start", s.id == wf.start_status}});
  }
  return {{"id", wf.id},
          {"label", workflow::label_in(wf.labels, language, wf.id)},
          {"labels", wf.labels},
          {"roles", wf.roles},
          {"statuses", statuses}};
}

}  // namespace redress::http
