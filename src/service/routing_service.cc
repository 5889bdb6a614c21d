#include "service/routing_service.h"

#include <set>

#include "service/mail_config.h"
#include "store/event_store.h"
#include "store/routing_store.h"

namespace redress::service {
namespace {

constexpr size_t kMaxRuleSubject = 500;

std::string joined(const char* const* begin, const char* const* end) {
  std::string out;
  for (auto it = begin; it != end; ++it) out += (out.empty() ? "" : ", ") + std::string(*it);
  return out;
}

// Roles a row may name: its workflow's, or for "*" those of every workflow.
std::set<std::string> roles_for(const workflow::WorkflowCatalog& workflows, const workflow::WorkflowDef* wf) {
  if (wf) return std::set<std::string>(wf->roles.begin(), wf->roles.end());
  std::set<std::string> out;
  for (const auto& w : workflows.all()) out.insert(w.roles.begin(), w.roles.end());
  return out;
}

std::string role_problem(const std::string& role, const std::set<std::string>& roles, const std::string& workflow) {
  if (roles.contains(role)) return "";
  return workflow == "*" ? "no workflow has a role '" + role + "'"
                         : "workflow " + workflow + " has no role '" + role + "'";
}

// Why one recipient list is wrong, or "".
std::string recipients_problem(const std::vector<std::string>& list, const domain::RoutingRule& rule,
                               const std::set<std::string>& roles) {
  using Kind = domain::RecipientToken::Kind;
  if (list.size() > kMaxRecipientsPerList) return "at most " + std::to_string(kMaxRecipientsPerList) + " recipients";
  std::string problems;
  auto add = [&](const std::string& why) { problems += (problems.empty() ? "" : "; ") + why; };
  for (const auto& text : list) {
    auto token = domain::parse_recipient(text);
    if (!token) {
      if (text.find('@') != std::string::npos) {
        add("'" + text + "' is not a valid email address");
      } else {
        add("unknown recipient '" + text + "': use " +
            joined(std::begin(domain::kRecipientTokens), std::end(domain::kRecipientTokens)) +
            " or an email address");
      }
      continue;
    }
    if (token->kind == Kind::kRole) {
      if (auto why = role_problem(token->value, roles, rule.workflow); !why.empty()) add("'" + text + "': " + why);
    } else if (token->kind == Kind::kAssignee && rule.event != "assigned") {
      add("'assignee' names someone only for event assigned");
    } else if (token->kind == Kind::kAuthor && !domain::is_message_event(rule.event)) {
      add("'author' names someone only for message events (customer_message, support_reply, note)");
    }
  }
  return problems;
}

// Every value a template may use, so that the render check exercises the whole file.
nlohmann::json sample_values() {
  nlohmann::json v = nlohmann::json::object();
  for (const char* key :
       {"number", "subject", "status", "status_id", "workflow", "workflow_id", "recipient_name", "user_name",
        "contact_name", "actor_name", "author_name", "author_email", "role", "role_label", "note", "excerpt", "message",
        "ticket_url", "portal_url", "organisation"})
    v[key] = "x";
  v["has_note"] = true;
  v["has_message"] = true;
  v["has_author"] = true;
  return v;
}

nlohmann::json history_json(const std::vector<domain::RoutingRule>& rules) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& r : rules) out.push_back(domain::written_json(r));
  return out;
}

}  // namespace

std::map<std::string, std::string> validate_routing(const workflow::WorkflowCatalog& workflows,
                                                    const notify::MailTemplates& templates,
                                                    const std::vector<domain::RoutingRule>& rules) {
  std::map<std::string, std::string> errors;
  if (rules.size() > kMaxRoutingRules) {
    errors["rules"] = "at most " + std::to_string(kMaxRoutingRules) + " rules";
    return errors;
  }
  const auto sample = sample_values();
  std::map<std::string, std::string> template_checked;  // template -> problem ("" fine)
  for (size_t i = 0; i < rules.size(); ++i) {
    const domain::RoutingRule& r = rules[i];
    const std::string at = "rules[" + std::to_string(i) + "].";
    auto bad = [&](const std::string& field, const std::string& why) { errors.emplace(at + field, why); };

    const workflow::WorkflowDef* wf = nullptr;
    bool workflow_ok = true;
    if (r.workflow.empty()) {
      bad("workflow", "required: a workflow id, or * for every workflow");
      workflow_ok = false;
    } else if (r.workflow != "*") {
      wf = workflows.find(r.workflow);
      if (!wf) {
        bad("workflow", "unknown workflow '" + r.workflow + "'");
        workflow_ok = false;
      }
    }

    const bool event_ok = domain::is_routing_event(r.event);
    if (r.event.empty()) {
      bad("event", "required: one of " + joined(std::begin(domain::kRoutingEvents), std::end(domain::kRoutingEvents)));
    } else if (!event_ok) {
      bad("event", "unknown event '" + r.event + "': use one of " +
                       joined(std::begin(domain::kRoutingEvents), std::end(domain::kRoutingEvents)));
    }

    if (r.event == "status_entered") {
      if (r.workflow == "*") {
        bad("workflow", "status_entered needs one workflow: statuses belong to a workflow, not to *");
      } else if (r.status.empty()) {
        bad("status", "required for event status_entered");
      } else if (wf && !wf->status(r.status)) {
        bad("status", "workflow " + wf->id + " has no status '" + r.status + "'");
      }
    } else if (!r.status.empty() && event_ok) {
      bad("status", "only for event status_entered");
    }

    const std::set<std::string> roles = workflow_ok ? roles_for(workflows, wf) : std::set<std::string>{};
    if (!r.role.empty()) {
      if (event_ok && r.event != "assigned") {
        bad("role", "only for event assigned");
      } else if (workflow_ok) {
        if (auto why = role_problem(r.role, roles, r.workflow); !why.empty()) bad("role", why);
      }
    }

    if (!r.channel.empty()) {
      if (event_ok && !domain::is_message_event(r.event)) {
        bad("channel", "only for message events (customer_message, support_reply, note)");
      } else if (!domain::is_routing_channel(r.channel)) {
        bad("channel", "unknown channel '" + r.channel + "': use " +
                           joined(std::begin(domain::kRoutingChannels), std::end(domain::kRoutingChannels)) +
                           ", or leave it empty for any");
      }
    }

    // With an unknown workflow (already reported) roles are checked as for "*", so that
    // the recipients get no second complaint about the same mistake.
    domain::RoutingRule scope = r;
    if (!workflow_ok) scope.workflow = "*";
    const auto known_roles = workflow_ok ? roles : roles_for(workflows, nullptr);
    const std::pair<const char*, const std::vector<std::string>*> lists[] = {
        {"to", &r.to}, {"cc", &r.cc}, {"bcc", &r.bcc}};
    for (const auto& [field, list] : lists) {
      if (auto why = recipients_problem(*list, scope, known_roles); !why.empty()) bad(field, why);
    }
    if (r.to.empty() && r.cc.empty() && r.bcc.empty()) bad("to", "at least one recipient in to, cc or bcc");

    if (r.template_id.empty()) {
      bad("template", "required: the name of a mail template");
    } else {
      auto [it, fresh] = template_checked.emplace(r.template_id, "");
      if (fresh) {
        auto rendered = templates.render(r.template_id, "en", sample);
        if (!rendered) {
          it->second = rendered.error().code == ErrorCode::kNotFound || rendered.error().fields.contains("template")
                           ? "unknown template '" + r.template_id + "': there is no " + r.template_id +
                                 ".en.txt in the shipped templates or the templates directory"
                           : rendered.error().message;
        }
      }
      if (!it->second.empty()) bad("template", it->second);
    }

    if (!r.subject.empty()) {
      if (r.subject.size() > kMaxRuleSubject) {
        bad("subject", "at most " + std::to_string(kMaxRuleSubject) + " characters");
      } else if (r.subject.find_first_of("\r\n") != std::string::npos) {
        bad("subject", "one line");
      } else if (auto why = notify::MailTemplates::mustache_error(r.subject); !why.empty()) {
        bad("subject", "not valid mustache: " + why);
      }
    }
  }
  return errors;
}

const notify::MailTemplates& RoutingService::templates() const {
  return ctx_.mail ? ctx_.mail->templates : shipped_;
}

Result<std::vector<domain::RoutingRule>> RoutingService::list(const Actor& actor) {
  if (!actor.has_right(domain::rights::kAdmin))
    return fail(Error::forbidden("only admins see the routing table", "right_missing"));
  return ctx_.db.transact_value<std::vector<domain::RoutingRule>>(
      store::TxMode::kRead, [](store::Connection& c) { return store::RoutingStore(c).list(); });
}

Result<std::vector<domain::RoutingRule>> RoutingService::replace(const Actor& actor,
                                                                const std::vector<domain::RoutingRule>& rules) {
  if (!actor.has_right(domain::rights::kAdmin))
    return fail(Error::forbidden("only admins edit the routing table", "right_missing"));
  auto errors = validate_routing(ctx_.workflows, templates(), rules);
  if (!errors.empty()) {
    Error e(ErrorCode::kInvalid, "the routing table has invalid rules");
    if (errors.size() == 1) e.message = errors.begin()->first + ": " + errors.begin()->second;
    e.fields = std::move(errors);
    return fail(std::move(e));
  }
  const TimePoint now = ctx_.clock.now();
  return ctx_.db.transact_value<std::vector<domain::RoutingRule>>(
      store::TxMode::kWrite, [&](store::Connection& c) -> Result<std::vector<domain::RoutingRule>> {
        store::RoutingStore store(c);
        auto before = REDRESS_TRY(store.list());
        auto saved = REDRESS_TRY(store.replace_all(rules, now));
        REDRESS_CHECK(store::EventStore(c).append(event_by(actor, now, "routing", std::nullopt, "routing.replaced",
                                                           {{"before", history_json(before)},
                                                            {"after", history_json(saved)}})));
        return saved;
      });
}

}  // namespace redress::service
