#include "domain/routing.h"

#include <set>

#include "domain/validation.h"

namespace redress::domain {

nlohmann::json written_json(const RoutingRule& r) {
  return {{"workflow", r.workflow}, {"event", r.event},     {"status", r.status},
          {"role", r.role},         {"channel", r.channel}, {"to", r.to},
          {"cc", r.cc},             {"bcc", r.bcc},         {"template", r.template_id},
          {"subject", r.subject},   {"enabled", r.enabled}};
}
namespace {

template <size_t N>
bool one_of(const char* const (&list)[N], std::string_view s) {
  for (const char* item : list) {
    if (s == item) return true;
  }
  return false;
}

bool is_role_name(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) return false;
  }
  return true;
}

}  // namespace

bool is_routing_event(std::string_view kind) { return one_of(kRoutingEvents, kind); }

bool is_message_event(std::string_view kind) {
  return kind == "customer_message" || kind == "support_reply" || kind == "note";
}

bool is_routing_channel(std::string_view channel) { return one_of(kRoutingChannels, channel); }

std::optional<RecipientToken> parse_recipient(std::string_view text) {
  using Kind = RecipientToken::Kind;
  static const std::map<std::string_view, Kind> kNamed = {
      {"taker", Kind::kTaker},           {"handlers", Kind::kHandlers}, {"assignees", Kind::kAssignees},
      {"assignee", Kind::kAssignee},     {"main_contact", Kind::kMainContact},
      {"contacts", Kind::kContacts},     {"author", Kind::kAuthor}};
  if (auto it = kNamed.find(text); it != kNamed.end()) return RecipientToken{it->second, ""};
  if (text.starts_with("role:")) {
    auto role = text.substr(5);
    if (!is_role_name(role)) return std::nullopt;
    return RecipientToken{Kind::kRole, std::string(role)};
  }
  if (is_plausible_email(text)) return RecipientToken{Kind::kAddress, lower_ascii(text)};
  return std::nullopt;
}

bool rule_matches(const RoutingRule& rule, const std::string& workflow, const RoutingEvent& event) {
  if (!rule.enabled || rule.event != event.kind) return false;
  if (rule.workflow != "*" && rule.workflow != workflow) return false;
  if (event.kind == "status_entered") return rule.status == event.status;
  if (event.kind == "assigned") return rule.role.empty() || rule.role == event.role;
  if (is_message_event(event.kind)) return rule.channel.empty() || rule.channel == event.channel;
  return true;
}

std::string_view to_string(RecipientSlot slot) {
  switch (slot) {
    case RecipientSlot::kTo: return "to";
    case RecipientSlot::kCc: return "cc";
    case RecipientSlot::kBcc: return "bcc";
  }
  return "to";
}

namespace {

// Who a token names for one event, in a stable order.
std::vector<Recipient> resolve(const RecipientToken& token, const RecipientSources& s, const RoutingEvent& e) {
  using Kind = RecipientToken::Kind;
  std::vector<Recipient> out;
  auto all_holders = [&] {
    for (const auto& [role, who] : s.role_holders) out.push_back(who);
  };
  switch (token.kind) {
    case Kind::kRole:
      if (auto it = s.role_holders.find(token.value); it != s.role_holders.end()) out.push_back(it->second);
      break;
    case Kind::kTaker:
      if (s.taker) out.push_back(*s.taker);
      break;
    case Kind::kHandlers:
      // Whoever took the ticket handles it; before anyone takes it, its role holders do.
      if (s.taker) {
        out.push_back(*s.taker);
      } else {
        all_holders();
      }
      break;
    case Kind::kAssignees: all_holders(); break;
    case Kind::kAssignee:
      if (e.assignee) out.push_back(*e.assignee);
      break;
    case Kind::kMainContact:
      if (s.main_contact) out.push_back(*s.main_contact);
      break;
    case Kind::kContacts: out = s.contacts; break;
    case Kind::kAuthor:
      if (e.author) out.push_back(*e.author);
      break;
    case Kind::kAddress: out.push_back(Recipient{token.value, "", "", true}); break;
  }
  return out;
}

}  // namespace

RecipientPlan plan_recipients(const std::vector<RoutingRule>& rules, const std::vector<RoutingEvent>& events,
                              const RecipientSources& sources, const std::string& actor_address) {
  RecipientPlan plan;
  std::set<std::string> taken;
  std::set<std::string> actor_noted;  // report the actor once, not once per row
  for (size_t ei = 0; ei < events.size(); ++ei) {
    for (size_t ri = 0; ri < rules.size(); ++ri) {
      const RoutingRule& rule = rules[ri];
      if (!rule_matches(rule, sources.workflow, events[ei])) continue;
      const std::pair<const std::vector<std::string>*, RecipientSlot> slots[] = {
          {&rule.to, RecipientSlot::kTo}, {&rule.cc, RecipientSlot::kCc}, {&rule.bcc, RecipientSlot::kBcc}};
      for (const auto& [list, slot] : slots) {
        for (const auto& text : *list) {
          auto token = parse_recipient(text);
          if (!token) continue;  // the API refuses these; a row edited in the database is not trusted
          for (Recipient r : resolve(*token, sources, events[ei])) {
            r.address = lower_ascii(r.address);
            if (r.address.empty() || taken.contains(r.address)) continue;
            if (!actor_address.empty() && r.address == actor_address &&
                token->kind != RecipientToken::Kind::kAuthor) {
              if (actor_noted.insert(r.address).second) plan.skipped.emplace_back(r.address, "actor");
              continue;
            }
            taken.insert(r.address);
            plan.mails.push_back(PlannedMail{std::move(r), slot, ri, ei});
          }
        }
      }
    }
  }
  // The actor's own receipt (author) came later than a row that skipped them: they were
  // mailed after all.
  std::erase_if(plan.skipped, [&](const auto& s) { return taken.contains(s.first); });
  return plan;
}

}  // namespace redress::domain
