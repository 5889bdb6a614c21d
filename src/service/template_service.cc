#include "service/template_service.h"

#include <algorithm>

#include "domain/message_text.h"
#include "domain/validation.h"
#include "notify/templates.h"
#include "service/mail_config.h"
#include "service/ticket_access.h"
#include "store/contact_store.h"
#include "store/event_store.h"
#include "store/reason_store.h"
#include "store/template_store.h"

namespace redress::service {
namespace {

using store::Connection;

constexpr size_t kMaxTemplateName = 200;
constexpr size_t kMaxTemplateSubject = 300;

Error invalid_template(std::map<std::string, std::string> fields, const std::string& what) {
  Error e(ErrorCode::kInvalid, what);
  if (fields.size() == 1) e.message = fields.begin()->first + ": " + fields.begin()->second;
  e.fields = std::move(fields);
  return e;
}

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

// The workflows a template is for: those its reasons belong to, or every workflow when it
// is for every reason.
std::vector<const workflow::WorkflowDef*> workflows_of(const workflow::WorkflowCatalog& workflows,
                                                       const std::vector<domain::Reason>& reasons) {
  std::vector<const workflow::WorkflowDef*> out;
  for (const auto& wf : workflows.all()) {
    if (reasons.empty() || std::ranges::any_of(reasons, [&](const auto& r) { return r.workflow == wf.id; }))
      out.push_back(&wf);
  }
  return out;
}

// The custom fields a template may name: those of the workflows it is for.
std::set<std::string> field_ids_for(const workflow::WorkflowCatalog& workflows,
                                    const std::vector<domain::Reason>& reasons) {
  std::set<std::string> out;
  for (const auto* wf : workflows_of(workflows, reasons)) {
    for (const auto& f : wf->fields) out.insert(f.id);
  }
  return out;
}

// Adds the names of from not yet in into.
void add_unique(std::vector<std::string>& into, std::vector<std::string> from) {
  for (auto& name : from) {
    if (std::ranges::find(into, name) == into.end()) into.push_back(std::move(name));
  }
}

// A reason by id, or by code when exactly one workflow has that code.
Result<std::optional<domain::Reason>> find_reason(store::ReasonStore& reasons, const Ref& ref, std::string& why) {
  if (ref.id) {
    auto r = REDRESS_TRY(reasons.find(*ref.id));
    if (!r) why = "unknown reason " + std::to_string(*ref.id);
    return r;
  }
  std::optional<domain::Reason> found;
  for (auto& r : REDRESS_TRY(reasons.list("", true))) {
    if (r.code != ref.key) continue;
    if (found) {
      why = "reason code '" + ref.key + "' is used by several workflows; give its id";
      return std::optional<domain::Reason>();
    }
    found = std::move(r);
  }
  if (!found) why = "unknown reason '" + ref.key + "'";
  return found;
}

Result<std::vector<domain::Reason>> reasons_of(Connection& c, const domain::ResponseTemplate& t) {
  store::ReasonStore reasons(c);
  std::vector<domain::Reason> out;
  for (int64_t id : t.reason_ids) {
    if (auto r = REDRESS_TRY(reasons.find(id))) out.push_back(std::move(*r));
  }
  return out;
}

// The value of a custom field as text; "" when it has none.
std::string field_text(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "";
  return v.dump();
}

// Every value a template can use for ticket t, written by actor, in language (for labels).
// What the ticket lacks is left out, so that missing_values finds it.
Result<nlohmann::json> template_values_for(const Context& ctx, Connection& c, const Actor& actor, const domain::Ticket& t,
                                  const std::string& language) {
  nlohmann::json v = nlohmann::json::object();
  v["ticket"] = {{"number", t.number}, {"subject", t.subject}};
  v["contact"] = nlohmann::json::object();
  if (t.main_contact_id) {
    if (auto ct = REDRESS_TRY(store::ContactStore(c).find(*t.main_contact_id))) {
      v["contact"]["name"] = ct->name;
      if (ct->email) v["contact"]["email"] = *ct->email;
    }
  }
  v["reason"] = nlohmann::json::object();
  if (t.reason_id) {
    if (auto r = REDRESS_TRY(store::ReasonStore(c).find(*t.reason_id))) v["reason"]["label"] = r->label(language);
  }
  if (ctx.mail) v["portal_url"] = ctx.mail->portal_url(t.number);
  v["agent"] = nlohmann::json::object();
  if (actor.user) {
    v["agent"]["name"] = actor.user->name;
    if (actor.user->signature) v["agent"]["signature"] = *actor.user->signature;
  }
  v["fields"] = nlohmann::json::object();
  if (const auto* wf = ctx.workflows.find(t.workflow)) {
    for (const auto& f : wf->fields) {
      if (auto it = t.fields.find(f.id); it != t.fields.end()) v["fields"][f.id] = field_text(*it);
    }
  }
  return v;
}

// A plausible value of a custom field for a preview, in language.
std::string sample_field(const workflow::FieldDef& f, const std::string& language) {
  if (f.type == "datetime") return "2026-12-01T09:00:00Z";
  if (f.type == "number") return "3";
  if (f.type == "boolean") return "true";
  if (f.type == "choice" && !f.choices.empty()) return f.choices.front();
  return workflow::label_in(f.labels, language, f.id);
}

// What a template is previewed with: a value for every variable it may use, in its
// language. The number is one this server could give; the reason is the template's own.
nlohmann::json template_sample_values(const Context& ctx, const std::string& language,
                             const std::vector<domain::Reason>& reasons) {
  const bool fr = language == "fr";
  const std::string number = ctx.number_format.render(ctx.clock.now(), 42);
  const std::string reason = reasons.empty() ? (fr ? "Livraison" : "Delivery") : reasons.front().label(language);
  nlohmann::json v = nlohmann::json::object();
  v["contact"] = {{"name", "Claire Dubois"}, {"email", "claire.dubois@example.com"}};
  v["ticket"] = {{"number", number}, {"subject", fr ? "Colis arrivé abîmé" : "Parcel arrived damaged"}};
  v["reason"] = {{"label", reason}};
  v["portal_url"] = ctx.mail ? ctx.mail->portal_url(number) : "/portal/tickets/" + number;
  v["agent"] = {{"name", "Sam Martin"}, {"signature", fr ? "Sam Martin\nService client" : "Sam Martin\nCustomer care"}};
  v["fields"] = nlohmann::json::object();
  for (const auto* wf : workflows_of(ctx.workflows, reasons)) {
    for (const auto& f : wf->fields) v["fields"][f.id] = sample_field(f, language);
  }
  return v;
}

// Template languages are two letters; a ticket may say "fr-CA".
std::string template_language_of(const std::string& ticket_language) {
  return ticket_language.size() >= 2 ? ticket_language.substr(0, 2) : ticket_language;
}

// Checks a whole template and resolves its reasons into t.reason_ids; every problem named.
Result<std::vector<domain::Reason>> check(const Context& ctx, Connection& c, domain::ResponseTemplate& t,
                                          const std::optional<std::vector<Ref>>& reason_refs,
                                          std::map<std::string, std::string>& errors) {
  if (t.name.empty() || t.name.size() > kMaxTemplateName)
    errors["name"] = "required, at most " + std::to_string(kMaxTemplateName) + " characters";
  if (!domain::is_template_language(t.language)) errors["language"] = "must be a two-letter language code such as en or fr";
  std::vector<domain::Reason> reasons;
  if (reason_refs) {
    store::ReasonStore store(c);
    t.reason_ids.clear();
    for (size_t i = 0; i < reason_refs->size(); ++i) {
      std::string why;
      auto r = REDRESS_TRY(find_reason(store, (*reason_refs)[i], why));
      if (!r) {
        errors["reasons[" + std::to_string(i) + "]"] = why;
      } else if (std::ranges::find(t.reason_ids, r->id) == t.reason_ids.end()) {
        t.reason_ids.push_back(r->id);
        reasons.push_back(std::move(*r));
      }
    }
  } else {
    reasons = REDRESS_TRY(reasons_of(c, t));
  }
  const auto fields = field_ids_for(ctx.workflows, reasons);
  if (domain::trim(t.subject).empty() || t.subject.size() > kMaxTemplateSubject) {
    errors["subject"] = "required, at most " + std::to_string(kMaxTemplateSubject) + " characters";
  } else if (t.subject.find_first_of("\r\n") != std::string::npos) {
    errors["subject"] = "must be one line";
  } else if (auto why = template_text_problem(t.subject, fields); !why.empty()) {
    errors["subject"] = why;
  }
  if (domain::trim(t.body).empty()) {
    errors["body"] = "required";
  } else if (domain::count_code_points(t.body) > static_cast<size_t>(ctx.messages.max_length)) {
    errors["body"] = "at most " + std::to_string(ctx.messages.max_length) + " characters";
  } else if (auto why = template_text_problem(t.body, fields); !why.empty()) {
    errors["body"] = why;
  }
  return reasons;
}

nlohmann::json reason_codes(const std::vector<domain::Reason>& reasons) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& r : reasons) out.push_back(r.code);
  return out;
}

Result<void> require_staff(const Actor& actor) {
  if (!actor.has_right(domain::rights::kTicketsViewAll))
    return fail(Error::forbidden("response templates are for staff", "right_missing"));
  return {};
}

Result<void> require_manager(const Actor& actor) {
  if (!actor.has_right(domain::rights::kTemplatesManage))
    return fail(Error::forbidden("writing response templates needs the templates.manage right", "right_missing"));
  return {};
}

}  // namespace

std::string template_text_problem(const std::string& text, const std::set<std::string>& field_ids) {
  if (auto why = notify::MailTemplates::mustache_error(text); !why.empty()) return "mustache syntax: " + why;
  using Kind = notify::MustacheTag::Kind;
  for (const auto& tag : notify::mustache_tags(text)) {
    switch (tag.kind) {
      case Kind::kComment: break;
      case Kind::kVariable:
        if (auto why = domain::variable_problem(tag.name, field_ids); !why.empty()) return why;
        break;
      case Kind::kSectionBegin:
      case Kind::kInvertedBegin:
      case Kind::kSectionEnd:
        return "sections ({{#" + tag.name + "}}) are not supported: every variable must have a value";
      case Kind::kPartial: return "partials ({{>" + tag.name + "}}) are not supported";
      case Kind::kSetDelimiter: return "changing the delimiters is not supported";
    }
  }
  return "";
}

std::vector<std::string> template_variables(const std::string& text) {
  std::vector<std::string> out;
  for (const auto& tag : notify::mustache_tags(text)) {
    if (tag.kind == notify::MustacheTag::Kind::kVariable && std::ranges::find(out, tag.name) == out.end())
      out.push_back(tag.name);
  }
  return out;
}

Result<RenderedText> render_template_text(const std::string& text, const nlohmann::json& values,
                                          const std::string& what, bool one_line) {
  RenderedText out;
  out.missing = domain::missing_values(template_variables(text), values);
  const auto filled = domain::with_placeholders(values, out.missing);
  out.text = one_line ? REDRESS_TRY(notify::MailTemplates::render_subject(text, filled, what))
                      : REDRESS_TRY(notify::MailTemplates::render_text(text, filled, what));
  return out;
}

namespace {

// Subject and body rendered with values; what lacks a value listed once.
Result<RenderedTemplate> render_template(const domain::ResponseTemplate& t, const nlohmann::json& values) {
  auto subject = REDRESS_TRY(render_template_text(t.subject, values, "subject", true));
  auto body = REDRESS_TRY(render_template_text(t.body, values, "body", false));
  RenderedTemplate r{std::move(subject.text), std::move(body.text), std::move(subject.missing)};
  add_unique(r.missing, std::move(body.missing));
  return r;
}

}  // namespace

Result<TemplateReply> render_reply(const Context& ctx, Connection& c, const Actor& actor, const domain::Ticket& t,
                                   int64_t template_id, const std::optional<std::string>& edited_body) {
  auto found = REDRESS_TRY(store::TemplateStore(c).find(template_id));
  if (!found) return fail(Error::invalid_field("template", "no such response template"));
  if (!found->active) return fail(Error::invalid_field("template", "this response template is no longer in use"));
  const domain::ResponseTemplate& tmpl = *found;
  // A field of another workflow is a variable this ticket has no value for, not a typo:
  // the check knows every workflow's fields and the values only this ticket's.
  const auto fields = field_ids_for(ctx.workflows, {});
  const auto values = REDRESS_TRY(template_values_for(ctx, c, actor, t, tmpl.language));

  std::map<std::string, std::string> errors;
  std::vector<std::string> missing;
  TemplateReply out;
  out.template_id = tmpl.id;
  out.template_name = tmpl.name;
  const std::pair<const char*, const std::string*> parts[] = {{"subject", &tmpl.subject},
                                                              {"body", edited_body ? &*edited_body : &tmpl.body}};
  for (const auto& [field, text] : parts) {
    const bool subject = std::string_view(field) == "subject";
    if (auto why = template_text_problem(*text, fields); !why.empty()) {
      errors[field] = why;
      continue;
    }
    auto rendered = REDRESS_TRY(render_template_text(*text, values, field, subject));
    if (!rendered.missing.empty()) {
      errors[field] = "no value for this ticket: " + joined(rendered.missing);
      add_unique(missing, std::move(rendered.missing));
    }
    (subject ? out.subject : out.body) = std::move(rendered.text);
  }
  if (!errors.empty()) {
    Error e = invalid_template(std::move(errors), "the reply cannot be written from this template");
    if (!missing.empty()) {
      e.reason = "missing_values";
      e.details["missing"] = joined(missing);
    }
    return fail(std::move(e));
  }
  return out;
}

Result<TemplateView> TemplateService::create(const Actor& actor, const TemplateInput& input) {
  REDRESS_CHECK(require_manager(actor));
  const auto now = ctx_.clock.now();
  return ctx_.db.transact_value<TemplateView>(store::TxMode::kWrite, [&](Connection& c) -> Result<TemplateView> {
    domain::ResponseTemplate t;
    t.name = domain::trim(input.name.value_or(""));
    t.language = input.language.value_or("");
    t.subject = input.subject.value_or("");
    t.body = input.body.value_or("");
    t.active = input.active.value_or(true);
    t.created_at = now;
    t.updated_at = now;
    t.created_by = actor.user_id();
    std::map<std::string, std::string> errors;
    auto reasons = REDRESS_TRY(check(ctx_, c, t, input.reasons.value_or(std::vector<Ref>{}), errors));
    if (!errors.empty()) return fail(invalid_template(std::move(errors), "the template is not valid"));
    t = REDRESS_TRY(store::TemplateStore(c).insert(t));
    REDRESS_CHECK(store::EventStore(c).append(event_by(
        actor, now, "template", t.id, "template.created",
        {{"name", t.name}, {"language", t.language}, {"reasons", reason_codes(reasons)}, {"active", t.active}})));
    return TemplateView{std::move(t), std::move(reasons), std::nullopt};
  });
}

Result<TemplateView> TemplateService::update(const Actor& actor, int64_t id, const TemplateInput& patch) {
  REDRESS_CHECK(require_manager(actor));
  const auto now = ctx_.clock.now();
  return ctx_.db.transact_value<TemplateView>(store::TxMode::kWrite, [&](Connection& c) -> Result<TemplateView> {
    store::TemplateStore templates(c);
    auto found = REDRESS_TRY(templates.find(id));
    if (!found) return fail(Error::not_found("template"));
    const domain::ResponseTemplate before = *found;
    const auto reasons_before = REDRESS_TRY(reasons_of(c, before));
    domain::ResponseTemplate t = std::move(*found);
    if (patch.name) t.name = domain::trim(*patch.name);
    if (patch.language) t.language = *patch.language;
    if (patch.subject) t.subject = *patch.subject;
    if (patch.body) t.body = *patch.body;
    if (patch.active) t.active = *patch.active;
    std::map<std::string, std::string> errors;
    auto reasons = REDRESS_TRY(check(ctx_, c, t, patch.reasons, errors));
    if (!errors.empty()) return fail(invalid_template(std::move(errors), "the template is not valid"));

    nlohmann::json changes = nlohmann::json::object();
    if (t.name != before.name) changes["name"] = {before.name, t.name};
    if (t.language != before.language) changes["language"] = {before.language, t.language};
    if (t.active != before.active) changes["active"] = {before.active, t.active};
    if (t.reason_ids != before.reason_ids) changes["reasons"] = {reason_codes(reasons_before), reason_codes(reasons)};
    // The texts are on the template itself; the history says that they changed.
    if (t.subject != before.subject) changes["subject"] = true;
    if (t.body != before.body) changes["body"] = true;
    if (!changes.empty()) {
      t.updated_at = now;
      REDRESS_CHECK(templates.update(t));
      REDRESS_CHECK(
          store::EventStore(c).append(event_by(actor, now, "template", t.id, "template.updated", std::move(changes))));
    }
    return TemplateView{std::move(t), std::move(reasons), std::nullopt};
  });
}

Result<TemplateView> TemplateService::get(const Actor& actor, int64_t id) {
  REDRESS_CHECK(require_staff(actor));
  return ctx_.db.transact_value<TemplateView>(store::TxMode::kRead, [&](Connection& c) -> Result<TemplateView> {
    auto t = REDRESS_TRY(store::TemplateStore(c).find(id));
    if (!t) return fail(Error::not_found("template"));
    auto reasons = REDRESS_TRY(reasons_of(c, *t));
    return TemplateView{std::move(*t), std::move(reasons), std::nullopt};
  });
}

Result<std::vector<TemplateView>> TemplateService::list(const Actor& actor, const TemplateQuery& query) {
  REDRESS_CHECK(require_staff(actor));
  std::map<std::string, std::string> errors;
  if (!query.language.empty() && !domain::is_template_language(query.language))
    errors["language"] = "a two-letter language code such as en or fr";
  if (query.ticket && query.reason) errors["reason"] = "not with ticket: the ticket's reason decides";
  if (query.ticket && query.include_inactive) errors["include_inactive"] = "not with ticket: only active templates fit";
  if (!errors.empty()) return fail(invalid_template(std::move(errors), "bad query parameters"));
  using Views = std::vector<TemplateView>;
  return ctx_.db.transact_value<Views>(store::TxMode::kRead, [&](Connection& c) -> Result<Views> {
    store::TemplateFilter filter;
    filter.language = query.language;
    filter.include_inactive = query.include_inactive;
    std::optional<domain::Ticket> ticket;
    if (query.ticket) {
      ticket = REDRESS_TRY(detail::find_visible(c, actor, *query.ticket, detail::Access::kRead));
      if (!ticket) return fail(Error::not_found("ticket"));
      if (filter.language.empty()) filter.language = template_language_of(ticket->language);
      filter.fits_reason = ticket->reason_id.value_or(0);
    } else if (query.reason) {
      store::ReasonStore reasons(c);
      std::string why;
      auto r = REDRESS_TRY(find_reason(reasons, *query.reason, why));
      if (!r) return fail(Error::invalid_field("reason", why));
      filter.fits_reason = r->id;
    }
    Views out;
    for (auto& t : REDRESS_TRY(store::TemplateStore(c).list(filter))) {
      TemplateView v{std::move(t), {}, std::nullopt};
      v.reasons = REDRESS_TRY(reasons_of(c, v.tmpl));
      if (ticket) {
        const auto values = REDRESS_TRY(template_values_for(ctx_, c, actor, *ticket, v.tmpl.language));
        v.rendered = REDRESS_TRY(render_template(v.tmpl, values));
      }
      out.push_back(std::move(v));
    }
    return out;
  });
}

Result<TemplatePreview> TemplateService::preview(const Actor& actor, int64_t id) {
  auto view = REDRESS_TRY(get(actor, id));
  auto values = template_sample_values(ctx_, view.tmpl.language, view.reasons);
  auto rendered = REDRESS_TRY(render_template(view.tmpl, values));
  return TemplatePreview{std::move(view), std::move(rendered), std::move(values)};
}

}  // namespace redress::service
