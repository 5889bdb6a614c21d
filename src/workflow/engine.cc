#include "workflow/engine.h"

#include <algorithm>

namespace redress::workflow {
namespace {

bool listed(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

bool is_blank(const std::string& s) {
  return std::all_of(s.begin(), s.end(), [](unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r'); });
}

bool permitted(const Permission& who, const TicketState& ticket, const Caller& caller) {
  switch (caller.kind) {
    case Caller::Kind::kStaff:
      if (who.any_agent && caller.can_write_tickets) return true;
      // A ticket role is held by one user: a plain agent may not accept on the holder's behalf.
      if (caller.user_id) {
        for (const auto& role : who.roles) {
          auto it = ticket.assignees.find(role);
          if (it != ticket.assignees.end() && it->second == *caller.user_id) return true;
        }
      }
      return false;
    case Caller::Kind::kCustomer:
      return who.customer && caller.is_ticket_contact;
    case Caller::Kind::kSystem:
      return who.system;
  }
  return false;
}

bool has_value(const nlohmann::json& fields, const std::string& id) {
  auto it = fields.find(id);
  return it != fields.end() && !it->is_null() && !(it->is_string() && is_blank(it->get<std::string>()));
}

// Why a `requires` entry is unmet once the transition's own changes are applied, or
// nullopt when it is met. A note stands in for a public reply: closing without answering
// the customer is allowed when the agent says why (F14).
std::optional<std::string> unmet(const std::string& requirement, const TicketState& ticket,
                                 const std::map<std::string, std::optional<int64_t>>& assignees,
                                 const nlohmann::json& fields, const std::string& note) {
  if (requirement == "reason") {
    if (!ticket.has_reason) return "a reason is required";
  } else if (requirement == "contact") {
    if (!ticket.has_contact) return "a contact is required";
  } else if (requirement == "public_reply") {
    if (!ticket.has_public_reply && is_blank(note)) return "a public reply, or a note saying why none, is required";
  } else if (requirement.starts_with("assignees.")) {
    auto it = assignees.find(requirement.substr(10));
    if (it == assignees.end() || !it->second) return "an assignee for this role is required";
  } else if (requirement.starts_with("fields.")) {
    if (!has_value(fields, requirement.substr(7))) return "this field is required";
  }
  return std::nullopt;
}

std::map<std::string, std::optional<int64_t>> current_assignees(const TicketState& ticket) {
  std::map<std::string, std::optional<int64_t>> out;
  for (const auto& [role, user] : ticket.assignees) out[role] = user;
  return out;
}

bool all_digits(const std::string& s, size_t at, size_t n) {
  if (at + n > s.size()) return false;
  for (size_t i = at; i < at + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  return true;
}

int number_at(const std::string& s, size_t at, size_t n) { return std::stoi(s.substr(at, n)); }

// RFC 3339 date-time: 2026-03-01T09:30:00Z, 2026-03-01T09:30:00.250+01:00.
bool is_rfc3339(const std::string& s) {
  if (s.size() < 20 || !all_digits(s, 0, 4) || s[4] != '-' || !all_digits(s, 5, 2) || s[7] != '-' ||
      !all_digits(s, 8, 2) || (s[10] != 'T' && s[10] != 't') || !all_digits(s, 11, 2) || s[13] != ':' ||
      !all_digits(s, 14, 2) || s[16] != ':' || !all_digits(s, 17, 2))
    return false;
  const int year = number_at(s, 0, 4), month = number_at(s, 5, 2), day = number_at(s, 8, 2);
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12) return false;
  if (day < 1 || day > kDays[month - 1] + (month == 2 && leap ? 1 : 0)) return false;
  if (number_at(s, 11, 2) > 23 || number_at(s, 14, 2) > 59 || number_at(s, 17, 2) > 60) return false;
  size_t at = 19;
  if (s[at] == '.') {
    ++at;
    const size_t digits_from = at;
    while (at < s.size() && s[at] >= '0' && s[at] <= '9') ++at;
    if (at == digits_from) return false;
  }
  if (at == s.size()) return false;
  if ((s[at] == 'Z' || s[at] == 'z') && at + 1 == s.size()) return true;
  if ((s[at] == '+' || s[at] == '-') && at + 6 == s.size() && all_digits(s, at + 1, 2) && s[at + 3] == ':' &&
      all_digits(s, at + 4, 2))
    return number_at(s, at + 1, 2) <= 23 && number_at(s, at + 4, 2) <= 59;
  return false;
}

}  // namespace

std::optional<std::string> check_field_value(const FieldDef& def, const nlohmann::json& value) {
  // null empties a field; whether it may be empty is for `requires` to say.
  if (value.is_null()) return std::nullopt;
  if (def.type == "string" || def.type == "text") {
    if (!value.is_string()) return "must be a string";
    if (def.type == "string" && value.get_ref<const std::string&>().size() > 1000)
      return "must be at most 1000 characters";
    return std::nullopt;
  }
  if (def.type == "datetime") {
    if (!value.is_string() || !is_rfc3339(value.get<std::string>()))
      return "must be an RFC 3339 date-time, e.g. 2026-03-01T09:30:00Z";
    return std::nullopt;
  }
  if (def.type == "number") {
    if (!value.is_number()) return "must be a number";
    return std::nullopt;
  }
  if (def.type == "boolean") {
    if (!value.is_boolean()) return "must be true or false";
    return std::nullopt;
  }
  if (def.type == "choice") {
    if (!value.is_string() || !listed(def.choices, value.get<std::string>())) {
      std::string list;
      for (const auto& c : def.choices) list += (list.empty() ? "" : ", ") + c;
      return "must be one of: " + list;
    }
    return std::nullopt;
  }
  return "has an unknown type";
}

Result<TransitionPlan> plan(const WorkflowDef& wf, const TicketState& ticket, const Caller& caller,
                            const TransitionRequest& request) {
  const TransitionDef* t = wf.transition(request.transition);
  if (!t)
    return fail(Error::invalid_field("transition", "no transition '" + request.transition + "' in this workflow"));
  if (!listed(t->from, ticket.status))
    return fail(Error::conflict("transition '" + t->id + "' is not available from status '" + ticket.status + "'",
                                "transition_not_available"));
  if (!permitted(t->who, ticket, caller))
    return fail(Error::forbidden("you may not run transition '" + t->id + "' on this ticket", "transition_forbidden"));

  TransitionPlan out;
  out.transition = t;
  out.from = ticket.status;
  out.to = t->to;
  std::map<std::string, std::string> bad;

  if (t->note_required && is_blank(request.note)) bad["note"] = "a note is required";

  // Clears first, then what the request sets, so a transition that does both ends with the set value.
  for (const auto& role : t->clears_roles) out.assignee_changes[role] = std::nullopt;
  for (const auto& [role, user] : request.assignees) {
    const std::string name = "assignees." + role;
    if (!listed(t->sets, name)) {
      bad[name] = "this transition does not set it";
      continue;
    }
    out.assignee_changes[role] = user;
  }
  if (!request.fields.is_object()) {
    bad["fields"] = "must be an object";
  } else {
    for (const auto& [id, value] : request.fields.items()) {
      const std::string name = "fields." + id;
      const FieldDef* def = wf.field(id);
      if (!def || !listed(t->sets, name)) {
        bad[name] = "this transition does not set it";
        continue;
      }
      if (auto why = check_field_value(*def, value)) {
        bad[name] = *why;
        continue;
      }
      out.field_changes[id] = value;
    }
  }

  auto assignees = current_assignees(ticket);
  for (const auto& [role, user] : out.assignee_changes) assignees[role] = user;
  nlohmann::json fields = ticket.fields.is_object() ? ticket.fields : nlohmann::json::object();
  for (const auto& [id, value] : out.field_changes.items()) fields[id] = value;
  for (const auto& requirement : t->requires_) {
    if (bad.contains(requirement)) continue;  // already named, with the more precise reason
    if (auto why = unmet(requirement, ticket, assignees, fields, request.note)) bad[requirement] = *why;
  }

  if (!bad.empty()) {
    std::string names;
    for (const auto& [name, why] : bad) names += (names.empty() ? "" : ", ") + name;
    Error e(ErrorCode::kInvalid, "transition '" + t->id + "' cannot run: " + names);
    e.fields = std::move(bad);
    return fail(std::move(e));
  }

  if (const StatusDef* to = wf.status(t->to)) out.entry_actions = to->on_enter;
  for (const auto& timer : wf.timers) {
    if (timer.status == t->to) out.timers.push_back(&timer);
  }
  return out;
}

const TransitionDef* reopening_transition(const WorkflowDef& wf, const std::string& status) {
  for (const auto& tr : wf.transitions) {
    if (!tr.who.system || !listed(tr.from, status)) continue;
    const auto* to = wf.status(tr.to);
    if (to && to->category != "closed") return &tr;
  }
  return nullptr;
}

std::vector<AvailableTransition> available(const WorkflowDef& wf, const TicketState& ticket, const Caller& caller) {
  std::vector<AvailableTransition> out;
  const auto assignees = current_assignees(ticket);
  const nlohmann::json fields = ticket.fields.is_object() ? ticket.fields : nlohmann::json::object();
  for (const auto& t : wf.transitions) {
    if (!listed(t.from, ticket.status) || !permitted(t.who, ticket, caller)) continue;
    AvailableTransition a{&t, {}};
    if (t.note_required) a.requires_.push_back("note");
    for (const auto& requirement : t.requires_) {
      if (unmet(requirement, ticket, assignees, fields, "")) a.requires_.push_back(requirement);
    }
    out.push_back(std::move(a));
  }
  return out;
}

}  // namespace redress::workflow
