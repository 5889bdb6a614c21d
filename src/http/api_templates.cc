// Response templates (F13): staff list them (for a ticket: those that fit it, rendered for
// it) and read one; holders of templates.manage create and change them.
#include <map>
#include <set>
#include <string>

#include "domain/user.h"
#include "http/api.h"
#include "http/api_support.h"
#include "http/json_input.h"
#include "http/views.h"

namespace redress::http {
namespace {

nlohmann::json template_json(const service::TemplateView& v, const std::string& language) {
  const auto& t = v.tmpl;
  nlohmann::json reasons = nlohmann::json::array();
  for (const auto& r : v.reasons) reasons.push_back(reason_json(r, language));
  nlohmann::json j = {{"id", t.id},
                      {"name", t.name},
                      {"language", t.language},
                      {"subject", t.subject},
                      {"body", t.body},
                      {"reasons", std::move(reasons)},
                      {"active", t.active},
                      {"created_at", format_rfc3339(t.created_at)},
                      {"updated_at", format_rfc3339(t.updated_at)},
                      {"created_by", t.created_by ? nlohmann::json(*t.created_by) : nlohmann::json(nullptr)}};
  if (v.rendered) {
    j["rendered"] = {{"subject", v.rendered->subject}, {"body", v.rendered->body}, {"missing", v.rendered->missing}};
  }
  return j;
}

// The members of POST and PATCH; PATCH takes any subset.
service::TemplateInput read_template(ObjectReader& in) {
  service::TemplateInput t;
  t.name = in.string("name");
  t.language = in.string("language");
  t.subject = in.string("subject");
  t.body = in.string("body");
  t.active = in.boolean("active");
  if (in.has("active") && in.is_null("active")) in.add_error("active", "must be true or false");
  if (const auto* reasons = in.raw("reasons"); reasons && !reasons->is_null()) {
    if (!reasons->is_array()) {
      in.add_error("reasons", "must be a list of reason ids or codes");
    } else {
      t.reasons.emplace();
      for (size_t i = 0; i < reasons->size(); ++i) {
        const auto& r = (*reasons)[i];
        if (r.is_number_integer()) {
          t.reasons->push_back(service::Ref{r.get<int64_t>(), ""});
        } else if (r.is_string()) {
          t.reasons->push_back(service::Ref{std::nullopt, r.get<std::string>()});
        } else {
          in.add_error("reasons[" + std::to_string(i) + "]", "must be a reason id (number) or code (string)");
        }
      }
    }
  }
  return t;
}

// The {id} of a template staff read. Staff first: a customer gets 403 whatever the id.
Result<int64_t> staff_template_id(const Api::Call& call) {
  if (!call.actor().has_right(domain::rights::kTicketsViewAll))
    return fail(Error::forbidden("response templates are for staff", "right_missing"));
  auto id = parse_positive(call.params.at("id"));
  if (!id) return fail(Error::not_found("template"));
  return *id;
}

}  // namespace

Result<Response> Api::list_templates(Call& call) {
  const auto& r = call.request;
  static const std::set<std::string> kKnown = {"reason", "language", "include_inactive", "ticket"};
  std::map<std::string, std::string> errors;
  refuse_unknown_params(r, kKnown, "unknown filter; use reason, language, include_inactive or ticket", errors);
  service::TemplateQuery q;
  if (auto reason = r.query_param("reason")) {
    auto id = parse_positive(*reason);
    q.reason = service::Ref{id, id ? "" : *reason};
  }
  q.language = r.query_param("language").value_or("");
  if (auto all = r.query_param("include_inactive")) {
    if (*all != "true" && *all != "false") errors["include_inactive"] = "true or false";
    q.include_inactive = *all == "true";
  }
  q.ticket = r.query_param("ticket");
  if (!errors.empty()) {
    Error e(ErrorCode::kInvalid, "bad query parameters");
    if (errors.size() == 1) e.message = errors.begin()->first + ": " + errors.begin()->second;
    e.fields = std::move(errors);
    return fail(std::move(e));
  }
  auto views = REDRESS_TRY(templates_.list(call.actor(), q));
  nlohmann::json items = nlohmann::json::array();
  for (const auto& v : views) items.push_back(template_json(v, call.language()));
  return json_response(200, {{"items", std::move(items)}});
}

Result<Response> Api::create_template(Call& call) {
  // Before the body is read: whoever may not write templates learns nothing from its checks.
  if (!call.actor().has_right(domain::rights::kTemplatesManage))
    return fail(Error::forbidden("writing response templates needs the templates.manage right", "right_missing"));
  auto body = REDRESS_TRY(parse_json_body(call.request));
  ObjectReader in(body);
  const auto input = read_template(in);
  REDRESS_CHECK(in.finish());
  auto created = REDRESS_TRY(templates_.create(call.actor(), input));
  Response resp = json_response(201, template_json(created, call.language()));
  resp.headers.emplace_back("Location", "/api/v1/templates/" + std::to_string(created.tmpl.id));
  return resp;
}

Result<Response> Api::get_template(Call& call) {
  const int64_t id = REDRESS_TRY(staff_template_id(call));
  auto view = REDRESS_TRY(templates_.get(call.actor(), id));
  return json_response(200, template_json(view, call.language()));
}

Result<Response> Api::patch_template(Call& call) {
  if (!call.actor().has_right(domain::rights::kTemplatesManage))
    return fail(Error::forbidden("writing response templates needs the templates.manage right", "right_missing"));
  auto id = parse_positive(call.params.at("id"));
  if (!id) return fail(Error::not_found("template"));
  auto body = REDRESS_TRY(parse_json_body(call.request));
  ObjectReader in(body);
  const auto input = read_template(in);
  REDRESS_CHECK(in.finish());
  auto updated = REDRESS_TRY(templates_.update(call.actor(), *id, input));
  return json_response(200, template_json(updated, call.language()));
}

Result<Response> Api::preview_template(Call& call) {
  const int64_t id = REDRESS_TRY(staff_template_id(call));
  auto preview = REDRESS_TRY(templates_.preview(call.actor(), id));
  return json_response(200, {{"id", preview.view.tmpl.id},
                             {"name", preview.view.tmpl.name},
                             {"language", preview.view.tmpl.language},
                             {"subject", preview.rendered.subject},
                             {"body", preview.rendered.body},
                             {"missing", preview.rendered.missing},
                             {"values", preview.values}});
}

}  // namespace redress::http
