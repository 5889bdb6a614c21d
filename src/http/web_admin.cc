// Administration pages: users and rights, reasons, response templates (previewed in each
// language), the notification routing table, mailboxes, review connectors, failed mails
// and jobs, and the workflows drawn as diagrams. Each page reads and writes through the
// API, which checks the admin's rights again; a refusal is shown in the page's error box
// with the API's status, the form as it was sent, and nothing written.
#include <algorithm>
#include <map>
#include <set>

#include "core/json_parse.h"
#include "domain/response_template.h"
#include "domain/user.h"
#include "http/web_diagram.h"
#include "http/web_pages.h"
#include "http/web_support.h"

namespace redress::http {
namespace {

using nlohmann::json;

struct Section {
  const char* path;
  const char* key;  // words admin_<key> (its link) and admin_<key>_text (what it is for)
};
constexpr Section kSections[] = {{"/admin/users", "users"},         {"/admin/reasons", "reasons"},
                                 {"/admin/templates", "templates"}, {"/admin/routing", "routing"},
                                 {"/admin/mailboxes", "mailboxes"}, {"/admin/reviews", "reviews"},
                                 {"/admin/mail", "mail"},           {"/admin/workflows", "workflows"}};

// The status of a page shown again with the API's refusal: the API's own.
int status_of(const json& extra) { return extra.contains("error") ? extra["error"].value("status", 422) : 200; }

// An admin page: under the layout's Admin tab, with the sections' links above it. extra
// (an error to show, with its status) goes over values.
Result<Response> page(WebCall& call, const std::string& name, std::string_view section, json values,
                      const json& extra = json::object()) {
  json subnav = json::array();
  for (const auto& s : kSections) {
    subnav.push_back(
        {{"href", s.path}, {"label", call.say(std::string("admin_") + s.key)}, {"current", section == s.key}});
  }
  values["subnav"] = std::move(subnav);
  values["nav"] = "admin";
  values.update(extra);
  return render(call, name, std::move(values), status_of(extra));
}

bool posted(const WebCall& call) { return call.request.method == "POST"; }

// A form's field as sent when its page is shown again after a refusal, else as stored.
std::string sent_or(const WebCall& call, const std::string& field, const std::string& stored) {
  return posted(call) ? call.field(field) : stored;
}
bool ticked_or(const WebCall& call, const std::string& field, bool stored) {
  return posted(call) ? call.field(field) == "true" : stored;
}

// A page built with what to add to it (an error, a notice).
using PageWith = Result<Response> (*)(WebCall&, json);

// After a form's API call: the page again with the API's refusal (and its status), else
// on to `then` (the POST/redirect/GET pattern: reloading does not send the form again).
Result<Response> answer(WebCall& call, const ApiReply& reply, PageWith again, const std::string& then) {
  if (!reply.ok()) return again(call, {{"error", reply.error()}});
  return redirect(then);
}

// A page's notice after a redirect that saved something (?saved=1 and the like).
void add_notice(const WebCall& call, json& v, const std::string& param, const std::string& value,
                const std::string& word) {
  if (call.query(param) == value) v["notice"] = call.say(word);
}

std::set<std::string> string_set(const json& list) {
  std::set<std::string> out;
  for (const auto& item : list) {
    if (item.is_string()) out.insert(item.get<std::string>());
  }
  return out;
}

std::set<std::string> string_set(const std::vector<std::string>& list) { return {list.begin(), list.end()}; }

// A word of the page, or fallback when the messages have none (a custom workflow's role).
std::string word_or(const WebCall& call, const std::string& key, const std::string& fallback) {
  const std::string said = call.say(key);
  return said == key ? fallback : said;
}

// Mustache shows a section for any string, even "": what may be empty is null instead.
json text_or_null(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }

std::string joined(const std::vector<std::string>& parts, const std::string& separator = ", ") {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : separator) + p;
  return out;
}

std::string label_of(const workflow::Labels& labels, const WebCall& call, const std::string& id) {
  return workflow::label_in(labels, call.lang, id);
}

std::string workflow_label(const WebCall& call, const std::string& id) {
  const auto* wf = call.ctx.workflows.find(id);
  return wf ? label_of(wf->labels, call, id) : id;
}

// ---- index ----

Result<Response> index_page(WebCall& call) {
  auto count = [&](const std::string& target, const char* list = "items") -> json {
    auto reply = call.get(target);
    if (!reply.ok() || !reply.body.is_object() || !reply.body[list].is_array()) return nullptr;
    return reply.body[list].size();
  };
  const json failed_mails = count("/api/v1/mail/failed");
  const json failed_jobs = count("/api/v1/jobs?status=failed");
  std::map<std::string, json> counts = {{"users", count("/api/v1/users?limit=500")},
                                        {"reasons", count("/api/v1/reasons?include_inactive=true")},
                                        {"templates", count("/api/v1/templates?include_inactive=true")},
                                        {"routing", count("/api/v1/routing", "rules")},
                                        {"mailboxes", count("/api/v1/mailboxes")},
                                        {"reviews", count("/api/v1/review-sources")},
                                        {"mail", failed_mails.is_number() && failed_jobs.is_number()
                                                     ? json(failed_mails.get<size_t>() + failed_jobs.get<size_t>())
                                                     : json(nullptr)},
                                        {"workflows", call.ctx.workflows.all().size()}};
  json sections = json::array();
  for (const auto& s : kSections) {
    const json& n = counts[s.key];
    sections.push_back({{"href", s.path},
                        {"label", call.say(std::string("admin_") + s.key)},
                        {"text", call.say(std::string("admin_") + s.key + "_text")},
                        {"count", n.is_number() ? json(std::to_string(n.get<size_t>())) : json(nullptr)},
                        {"alert", std::string_view(s.key) == "mail" && n.is_number() && n.get<size_t>() > 0}});
  }
  return page(call, "admin", "", {{"sections", sections}, {"title", call.say("admin_title")}});
}

// ---- users ----

std::string user_path(const WebCall& call) { return "/api/v1/users/" + url_encode(call.params.at("id")); }

json role_options(const WebCall& call, const std::string& selected) {
  json out = json::array();
  for (const char* r : {"agent", "viewer", "admin", "customer"}) {
    out.push_back({{"value", r}, {"label", call.say(std::string("user_role_") + r)}, {"selected", selected == r}});
  }
  return out;
}

// A checkbox per right the server knows, with what it allows; those in held ticked.
json right_boxes(const WebCall& call, const std::set<std::string>& held) {
  json out = json::array();
  for (const auto right : domain::known_rights()) {
    const std::string name(right);
    std::string key = "right_" + name;
    std::ranges::replace(key, '.', '_');
    out.push_back({{"value", name}, {"id", key}, {"text", call.say(key)}, {"checked", held.contains(name)}});
  }
  return out;
}

Result<Response> users_page(WebCall& call, json extra) {
  auto reply = call.get("/api/v1/users?limit=500");
  if (!reply.ok()) return error_page(call, reply);
  json users = json::array();
  for (auto u : reply.body["items"]) {
    u["role_label"] = call.say("user_role_" + u.value("role", ""));
    u["language_label"] = word_or(call, "language_" + u.value("language", ""), u.value("language", ""));
    users.push_back(std::move(u));
  }
  json v = {{"users", users},
            {"roles", role_options(call, sent_or(call, "role", "agent"))},
            {"languages", language_options(call, sent_or(call, "language", call.lang))},
            {"rights", right_boxes(call, string_set(call.fields("rights")))},
            {"email", call.field("email")},
            {"name", call.field("name")}};
  add_notice(call, v, "saved", "1", "user_created");
  return page(call, "admin_users", "users", std::move(v), extra);
}

Result<Response> create_user(WebCall& call) {
  json body = {{"email", call.field("email")},
               {"name", call.field("name")},
               {"role", call.field("role")},
               {"language", call.field("language")},
               {"rights", call.fields("rights")}};
  if (auto password = call.field("password"); !password.empty()) body["password"] = password;
  return answer(call, call.send("POST", "/api/v1/users", body), users_page, "/admin/users?saved=1");
}

Result<Response> user_page(WebCall& call, json extra) {
  auto reply = call.get(user_path(call));
  if (!reply.ok()) return error_page(call, reply);
  const json& u = reply.body;
  const auto held = posted(call) ? string_set(call.fields("rights")) : string_set(u.value("rights", json::array()));
  json v = {{"user", u},
            {"title", u.value("name", "")},
            {"name", sent_or(call, "name", u.value("name", ""))},
            {"active", ticked_or(call, "active", u.value("active", true))},
            {"roles", role_options(call, sent_or(call, "role", u.value("role", "")))},
            {"languages", language_options(call, sent_or(call, "language", u.value("language", "")))},
            {"rights", right_boxes(call, held)},
            {"created_at_text", format_when(u["created_at"])}};
  add_notice(call, v, "saved", "1", "saved");
  return page(call, "admin_user", "users", std::move(v), extra);
}

Result<Response> save_user(WebCall& call) {
  auto current = call.get(user_path(call));
  if (!current.ok()) return error_page(call, current);
  json patch = {{"name", call.field("name")},
                {"role", call.field("role")},
                {"language", call.field("language")},
                {"active", call.field("active") == "true"}};
  // The rights as ticked, unless they are those the account has: then a new role brings
  // its own defaults (what was granted or withdrawn by hand stays so).
  const auto rights = call.fields("rights");
  if (string_set(rights) != string_set(current.body["rights"])) patch["rights"] = rights;
  return answer(call, call.send("PATCH", user_path(call), patch), user_page,
                "/admin/users/" + url_encode(call.params.at("id")) + "?saved=1");
}

// ---- reasons ----

std::string reason_path(const WebCall& call) { return "/api/v1/reasons/" + url_encode(call.params.at("id")); }

json workflow_options(const WebCall& call, const std::string& selected) {
  json out = json::array();
  for (const auto& wf : call.ctx.workflows.all()) {
    out.push_back({{"value", wf.id}, {"label", label_of(wf.labels, call, wf.id)}, {"selected", wf.id == selected}});
  }
  return out;
}

// The labels a reason form sends, over those the reason has: English always (the API
// names it when empty), French when given, other languages as they were.
json form_labels(const WebCall& call, json labels = json::object()) {
  if (!labels.is_object()) labels = json::object();
  labels["en"] = call.field("label_en");
  if (auto fr = call.field("label_fr"); fr.empty()) {
    labels.erase("fr");
  } else {
    labels["fr"] = fr;
  }
  return labels;
}

Result<Response> reasons_page(WebCall& call, json extra) {
  auto reply = call.get("/api/v1/reasons?include_inactive=true");
  if (!reply.ok()) return error_page(call, reply);
  // Per workflow, in the catalog's order; reasons of a workflow no longer configured last.
  std::vector<std::string> order;
  for (const auto& wf : call.ctx.workflows.all()) order.push_back(wf.id);
  std::map<std::string, json> by_workflow;
  for (auto r : reply.body["items"]) {
    const std::string wf = r.value("workflow", "");
    if (std::ranges::find(order, wf) == order.end()) order.push_back(wf);
    r["en"] = r["labels"].value("en", "");
    r["fr"] = r["labels"].value("fr", "");
    auto& list = by_workflow[wf];
    if (list.is_null()) list = json::array();
    list.push_back(std::move(r));
  }
  json groups = json::array();
  for (const auto& wf : order) {
    json reasons = by_workflow.contains(wf) ? by_workflow[wf] : json::array();
    groups.push_back(
        {{"id", wf}, {"label", workflow_label(call, wf)}, {"reasons", reasons}, {"empty", reasons.empty()}});
  }
  json v = {{"groups", groups},
            {"workflows", workflow_options(call, call.field("workflow"))},
            {"code", call.field("code")},
            {"label_en", call.field("label_en")},
            {"label_fr", call.field("label_fr")}};
  add_notice(call, v, "saved", "1", "saved");
  return page(call, "admin_reasons", "reasons", std::move(v), extra);
}

Result<Response> create_reason(WebCall& call) {
  const json body = {{"workflow", call.field("workflow")}, {"code", call.field("code")}, {"labels", form_labels(call)}};
  return answer(call, call.send("POST", "/api/v1/reasons", body), reasons_page, "/admin/reasons?saved=1");
}

Result<Response> reason_page(WebCall& call, json extra) {
  auto reply = call.get(reason_path(call));
  if (!reply.ok()) return error_page(call, reply);
  const json& r = reply.body;
  json v = {{"reason", r},
            {"title", r.value("label", "")},
            {"workflow_label", workflow_label(call, r.value("workflow", ""))},
            {"label_en", sent_or(call, "label_en", r["labels"].value("en", ""))},
            {"label_fr", sent_or(call, "label_fr", r["labels"].value("fr", ""))},
            {"active", ticked_or(call, "active", r.value("active", true))}};
  return page(call, "admin_reason", "reasons", std::move(v), extra);
}

Result<Response> save_reason(WebCall& call) {
  auto current = call.get(reason_path(call));
  if (!current.ok()) return error_page(call, current);
  const json patch = {{"labels", form_labels(call, current.body["labels"])},
                      {"active", call.field("active") == "true"}};
  return answer(call, call.send("PATCH", reason_path(call), patch), reason_page, "/admin/reasons?saved=1");
}

// The list's button: deactivate, or use again.
Result<Response> set_reason_active(WebCall& call) {
  return answer(call, call.send("PATCH", reason_path(call), {{"active", call.field("active") == "true"}}), reasons_page,
                "/admin/reasons?saved=1");
}

// ---- response templates ----

std::string template_path(const WebCall& call) { return "/api/v1/templates/" + url_encode(call.params.at("id")); }

// What a template form sends, as the API takes it (POST and PATCH alike).
json template_form(const WebCall& call) {
  json reasons = json::array();
  for (const auto& r : call.fields("reasons")) reasons.push_back(id_or_key(r));
  return {{"name", call.field("name")},
          {"language", call.field("language")},
          {"subject", call.field("subject")},
          {"body", call.field("body")},
          {"reasons", reasons},
          {"active", call.field("active") == "true"}};
}

// A checkbox per reason (its workflow's name before it); inactive ones only when chosen.
json reason_boxes(const WebCall& call, const std::set<std::string>& chosen) {
  auto reply = call.get("/api/v1/reasons?include_inactive=true");
  json out = json::array();
  if (!reply.ok()) return out;
  for (const auto& r : reply.body["items"]) {
    const std::string id = std::to_string(r.value("id", int64_t{0}));
    const bool active = r.value("active", true);
    if (!active && !chosen.contains(id)) continue;
    std::string label = workflow_label(call, r.value("workflow", "")) + " — " + r.value("label", "");
    if (!active) label += " (" + call.say("inactive") + ")";
    out.push_back({{"value", id}, {"label", label}, {"checked", chosen.contains(id)}});
  }
  return out;
}

std::set<std::string> reason_ids(const json& reasons) {
  std::set<std::string> out;
  for (const auto& r : reasons) out.insert(r.is_object() ? std::to_string(r.value("id", int64_t{0})) : r.dump());
  return out;
}

// The variables a template may use, for the form's help.
json template_variables(const WebCall& call) {
  json out = json::array();
  for (const char* v : domain::kTemplateVariables) out.push_back(v);
  std::set<std::string> fields;
  for (const auto& wf : call.ctx.workflows.all()) {
    for (const auto& f : wf.fields) fields.insert(std::string(domain::kFieldVariablePrefix) + f.id);
  }
  for (const auto& f : fields) out.push_back(f);
  return out;
}

// The template form (web/pages/admin_template_form.mustache), put into values as
// template_form: filled as sent when shown again after a refusal, else from stored.
Result<void> add_template_form(const WebCall& call, json& values, const json& stored, const std::string& action,
                               const std::string& submit) {
  const json t = posted(call) ? template_form(call) : stored;
  json form = {{"tmpl", t},
               {"tmpl_active", t.value("active", true)},
               {"form_action", action},
               {"submit", submit},
               {"variables", template_variables(call)},
               {"languages", language_options(call, t.value("language", ""))},
               {"reasons", reason_boxes(call, reason_ids(t["reasons"]))}};
  values["template_form"] = REDRESS_TRY(render_fragment(call, "admin_template_form", std::move(form))).body;
  return {};
}

Result<Response> templates_page(WebCall& call, json extra) {
  auto reply = call.get("/api/v1/templates?include_inactive=true");
  if (!reply.ok()) return error_page(call, reply);
  json items = json::array();
  for (auto t : reply.body["items"]) {
    std::vector<std::string> reasons;
    for (const auto& r : t["reasons"]) reasons.push_back(r.value("label", ""));
    t["reasons_text"] = reasons.empty() ? call.say("every_reason") : joined(reasons);
    t["language_label"] = word_or(call, "language_" + t.value("language", ""), t.value("language", ""));
    add_times(t, {"updated_at"});
    items.push_back(std::move(t));
  }
  json v = {{"items", std::move(items)}};
  REDRESS_CHECK(add_template_form(call, v, {{"language", call.lang}, {"active", true}, {"reasons", json::array()}},
                                  "/admin/templates", call.say("create_template")));
  return page(call, "admin_templates", "templates", std::move(v), extra);
}

Result<Response> create_template(WebCall& call) {
  auto reply = call.send("POST", "/api/v1/templates", template_form(call));
  if (!reply.ok()) return templates_page(call, {{"error", reply.error()}});
  return redirect("/admin/templates/" + std::to_string(reply.body.value("id", int64_t{0})) + "?saved=1");
}

// The template and each template of the same name in another language, rendered with
// sample values: this one first, then by language.
json previews_of(const WebCall& call, const json& tmpl) {
  auto all = call.get("/api/v1/templates?include_inactive=true");
  std::vector<json> same;
  same.push_back(tmpl);
  if (all.ok()) {
    for (const auto& t : all.body["items"]) {
      if (t["name"] == tmpl["name"] && t["id"] != tmpl["id"]) same.push_back(t);
    }
  }
  std::stable_sort(same.begin() + 1, same.end(),
                   [](const json& a, const json& b) { return a.value("language", "") < b.value("language", ""); });
  json out = json::array();
  for (const auto& t : same) {
    const std::string id = std::to_string(t.value("id", int64_t{0}));
    const std::string language = t.value("language", "");
    json p = {{"id", id},
              {"this", t["id"] == tmpl["id"]},
              {"active", t.value("active", true)},
              {"language", language},
              {"language_label", word_or(call, "language_" + language, language)}};
    auto reply = call.get("/api/v1/templates/" + id + "/preview");
    if (reply.ok()) {
      p["subject"] = reply.body["subject"];
      p["body"] = reply.body["body"];
      p["missing"] = reply.body["missing"];
    } else {
      p["preview_error"] = reply.error();
    }
    out.push_back(std::move(p));
  }
  return out;
}

Result<Response> template_page(WebCall& call, json extra) {
  auto reply = call.get(template_path(call));
  if (!reply.ok()) return error_page(call, reply);
  json v = {{"id", reply.body["id"]}};
  REDRESS_CHECK(
      add_template_form(call, v, reply.body, "/admin/templates/" + url_encode(call.params.at("id")), call.say("save")));
  v["title"] = reply.body.value("name", "");
  v["updated_at_text"] = format_when(reply.body["updated_at"]);
  v["previews"] = previews_of(call, reply.body);
  v["single_language"] = v["previews"].size() == 1;
  add_notice(call, v, "saved", "1", "saved");
  return page(call, "admin_template", "templates", std::move(v), extra);
}

Result<Response> save_template(WebCall& call) {
  return answer(call, call.send("PATCH", template_path(call), template_form(call)), template_page,
                "/admin/templates/" + url_encode(call.params.at("id")) + "?saved=1");
}

// ---- notification routing ----

std::string status_label(const WebCall& call, const std::string& workflow, const std::string& status) {
  for (const auto& wf : call.ctx.workflows.all()) {
    if (workflow != "*" && wf.id != workflow) continue;
    if (const auto* s = wf.status(status)) return label_of(s->labels, call, status);
  }
  return status;
}

std::string role_label(const WebCall& call, const std::string& role) { return word_or(call, "role_" + role, role); }

// The table as PUT takes it back, a rule a line: without what the server adds (id,
// position, updated_at) nor what a rule leaves at its default (empty, enabled).
std::string rules_text(const json& rules) {
  std::string out = "[";
  for (auto r : rules) {
    for (const char* added : {"id", "position", "updated_at"}) r.erase(added);
    for (auto it = r.begin(); it != r.end();) {
      const bool left_default = it->is_string()  ? it->get_ref<const std::string&>().empty()
                                : it->is_array() ? it->empty()
                                                 : it.key() == "enabled" && *it == true;
      it = left_default ? r.erase(it) : std::next(it);
    }
    out += std::string(out.size() == 1 ? "\n  " : ",\n  ") + r.dump();
  }
  return out + "\n]";
}

Result<Response> routing_page(WebCall& call, json extra) {
  auto reply = call.get("/api/v1/routing");
  if (!reply.ok()) return error_page(call, reply);
  json rows = json::array();
  for (const auto& r : reply.body["rules"]) {
    const std::string wf = r.value("workflow", "");
    std::vector<std::string> when;
    if (auto s = r.value("status", ""); !s.empty()) when.push_back(status_label(call, wf, s));
    if (auto role = r.value("role", ""); !role.empty()) when.push_back(role_label(call, role));
    if (auto c = r.value("channel", ""); !c.empty()) when.push_back(word_or(call, "channel_" + c, c));
    auto list = [](const json& l) { return l.is_array() ? joined(l.get<std::vector<std::string>>()) : std::string(); };
    rows.push_back({{"position", rows.size() + 1},
                    {"workflow", wf == "*" ? call.say("all_workflows") : workflow_label(call, wf)},
                    {"event", word_or(call, "event_" + r.value("event", ""), r.value("event", ""))},
                    {"when", joined(when)},
                    {"to", list(r["to"])},
                    {"cc", list(r["cc"])},
                    {"bcc", list(r["bcc"])},
                    {"template", r.value("template", "")},
                    {"subject", text_or_null(r.value("subject", ""))},
                    {"enabled", r.value("enabled", true)}});
  }
  json v = {{"rows", rows},
            {"rules_json", posted(call) ? call.field("rules") : rules_text(reply.body["rules"])},
            {"events", reply.body["events"]},
            {"channels", reply.body["channels"]},
            {"tokens", reply.body["tokens"]}};
  add_notice(call, v, "saved", "1", "saved");
  return page(call, "admin_routing", "routing", std::move(v), extra);
}

// The textarea holds the rules (a list) or the whole PUT body ({"rules": [...]}).
Result<Response> save_routing(WebCall& call) {
  JsonProblem problem = JsonProblem::kNone;
  std::string why;
  const json sent = parse_json(call.field("rules"), &problem, &why);
  if (problem != JsonProblem::kNone) {
    if (problem == JsonProblem::kTooDeep) why = call.say("json_too_deep");
    return routing_page(
        call, {{"error",
                {{"message", call.say("routing_bad_json") + " " + why}, {"fields", json::array()}, {"status", 400}}}});
  }
  const json body = sent.is_array() ? json{{"rules", sent}} : sent;
  return answer(call, call.send("PUT", "/api/v1/routing", body), routing_page, "/admin/routing?saved=1");
}

// ---- configured connectors (read-only) ----

Result<Response> list_page(WebCall& call, const std::string& target, const std::string& name, const char* section) {
  auto reply = call.get(target);
  if (!reply.ok()) return error_page(call, reply);
  json items = reply.body["items"];
  for (auto& i : items) {
    if (i.contains("workflow")) i["workflow_label"] = workflow_label(call, i.value("workflow", ""));
    if (i.contains("language"))
      i["language_label"] = word_or(call, "language_" + i.value("language", ""), i.value("language", ""));
  }
  return page(call, name, section, {{"items", items}, {"empty", items.empty()}});
}

// ---- failed mails and jobs ----

Result<Response> mail_page(WebCall& call, json extra) {
  auto mails = call.get("/api/v1/mail/failed");
  if (!mails.ok()) return error_page(call, mails);
  auto jobs = call.get("/api/v1/jobs?status=failed");
  if (!jobs.ok()) return error_page(call, jobs);
  json failed = mails.body["items"], parked = jobs.body["items"];
  for (auto& m : failed) {
    add_times(m, {"created_at", "updated_at"});
    m["detail"] = text_or_null(m.value("detail", ""));
  }
  for (auto& j : parked) {
    add_times(j, {"created_at", "finished_at"});
    j["payload_text"] = j["payload"].dump();
  }
  json v = {{"mails", failed}, {"jobs", parked}, {"no_mails", failed.empty()}, {"no_jobs", parked.empty()}};
  add_notice(call, v, "retried", "mail", "mail_retried");
  add_notice(call, v, "retried", "job", "job_retried");
  return page(call, "admin_mail", "mail", std::move(v), extra);
}

// A Retry button: POST target, back to the list with what happened.
Result<Response> retry(WebCall& call, const std::string& target, const std::string& what) {
  return answer(call, call.send("POST", target + url_encode(call.params.at("id")) + "/retry", nullptr), mail_page,
                "/admin/mail?retried=" + what);
}

// ---- workflows (read-only) ----

std::string who_text(const WebCall& call, const workflow::Permission& who) {
  std::vector<std::string> out;
  if (who.any_agent) out.push_back(call.say("who_agent"));
  for (const auto& r : who.roles) out.push_back(role_label(call, r));
  if (who.customer) out.push_back(call.say("who_customer"));
  if (who.system) out.push_back(call.say("who_system"));
  return joined(out);
}

std::string requirement_text(const WebCall& call, const workflow::WorkflowDef& wf, const std::string& r) {
  if (r.starts_with("assignees.")) return role_label(call, r.substr(10));
  if (r.starts_with("fields.")) {
    const auto* f = wf.field(r.substr(7));
    return f ? label_of(f->labels, call, f->id) : r;
  }
  return word_or(call, "requires_" + r, r);
}

std::string status_name(const WebCall& call, const workflow::WorkflowDef& wf, const std::string& id) {
  const auto* s = wf.status(id);
  return s ? label_of(s->labels, call, id) : id;
}

// "4d", "36h", "90m", as the workflow files write them.
std::string duration_text(std::chrono::seconds d) {
  const auto n = d.count();
  if (n % 86400 == 0) return std::to_string(n / 86400) + "d";
  if (n % 3600 == 0) return std::to_string(n / 3600) + "h";
  if (n % 60 == 0) return std::to_string(n / 60) + "m";
  return std::to_string(n) + "s";
}

Result<Response> workflows_page(WebCall& call) {
  json items = json::array();
  for (const auto& wf : call.ctx.workflows.all()) {
    std::vector<std::string> roles;
    for (const auto& r : wf.roles) roles.push_back(role_label(call, r));
    items.push_back({{"id", wf.id},
                     {"label", label_of(wf.labels, call, wf.id)},
                     {"start", status_name(call, wf, wf.start_status)},
                     {"roles", joined(roles)},
                     {"statuses", wf.statuses.size()},
                     {"transitions", wf.transitions.size()}});
  }
  return page(call, "admin_workflows", "workflows", {{"items", items}});
}

Result<Response> workflow_page(WebCall& call) {
  const auto* wf = call.ctx.workflows.find(call.params.at("id"));
  if (!wf) return error_page(call, ApiReply{404, {{"error", {{"message", call.say("no_such_workflow")}}}}, {}, {}, {}});
  json statuses = json::array();
  for (const auto& s : wf->statuses) {
    std::vector<std::string> on_enter;
    for (const auto& a : s.on_enter) {
      if (a.kind == "clear_role") on_enter.push_back(call.say("clears_role") + " " + role_label(call, a.target));
    }
    statuses.push_back({{"id", s.id},
                        {"label", label_of(s.labels, call, s.id)},
                        {"category", s.category},
                        {"category_label", word_or(call, "category_" + s.category, s.category)},
                        {"start", s.id == wf->start_status},
                        {"on_enter", joined(on_enter)}});
  }
  json transitions = json::array();
  for (const auto& t : wf->transitions) {
    std::vector<std::string> from, needs;
    for (const auto& f : t.from) from.push_back(status_name(call, *wf, f));
    if (t.note_required) needs.push_back(call.say("requires_note"));
    for (const auto& r : t.requires_) needs.push_back(requirement_text(call, *wf, r));
    std::vector<std::string> clears;
    for (const auto& r : t.clears_roles) clears.push_back(role_label(call, r));
    transitions.push_back({{"id", t.id},
                           {"label", label_of(t.labels, call, t.id)},
                           {"from", joined(from)},
                           {"to", status_name(call, *wf, t.to)},
                           {"who", who_text(call, t.who)},
                           {"requires", joined(needs)},
                           {"clears", text_or_null(joined(clears))}});
  }
  json timers = json::array();
  for (const auto& tm : wf->timers) {
    const auto* tr = wf->transition(tm.transition);
    std::string when;
    if (tm.after) when = call.say("timer_after") + " " + duration_text(*tm.after);
    if (!tm.at_field.empty()) when = call.say("timer_at") + " " + requirement_text(call, *wf, "fields." + tm.at_field);
    timers.push_back({{"status", status_name(call, *wf, tm.status)},
                      {"when", when},
                      {"transition", tr ? label_of(tr->labels, call, tr->id) : tm.transition}});
  }
  json diagram = workflow_diagram(*wf, call.lang);
  for (auto& b : diagram["boxes"])
    b["category_label"] = word_or(call, "category_" + b.value("category", ""), b.value("category", ""));
  const std::string label = label_of(wf->labels, call, wf->id);
  return page(call, "admin_workflow", "workflows",
              {{"workflow", {{"id", wf->id}, {"label", label}}},
               {"title", label},
               {"diagram", std::move(diagram)},
               {"statuses", statuses},
               {"transitions", transitions},
               {"timers", timers}});
}

}  // namespace

void add_admin_pages(const PageRoutes& add) {
  add("GET", "/admin", Access::kAdmin, index_page);
  add("GET", "/admin/users", Access::kAdmin, [](WebCall& call) { return users_page(call, json::object()); });
  add("POST", "/admin/users", Access::kAdmin, create_user);
  add("GET", "/admin/users/{id}", Access::kAdmin, [](WebCall& call) { return user_page(call, json::object()); });
  add("POST", "/admin/users/{id}", Access::kAdmin, save_user);
  add("GET", "/admin/reasons", Access::kAdmin, [](WebCall& call) { return reasons_page(call, json::object()); });
  add("POST", "/admin/reasons", Access::kAdmin, create_reason);
  add("GET", "/admin/reasons/{id}", Access::kAdmin, [](WebCall& call) { return reason_page(call, json::object()); });
  add("POST", "/admin/reasons/{id}", Access::kAdmin, save_reason);
  add("POST", "/admin/reasons/{id}/active", Access::kAdmin, set_reason_active);
  add("GET", "/admin/templates", Access::kAdmin, [](WebCall& call) { return templates_page(call, json::object()); });
  add("POST", "/admin/templates", Access::kAdmin, create_template);
  add("GET", "/admin/templates/{id}", Access::kAdmin,
      [](WebCall& call) { return template_page(call, json::object()); });
  add("POST", "/admin/templates/{id}", Access::kAdmin, save_template);
  add("GET", "/admin/routing", Access::kAdmin, [](WebCall& call) { return routing_page(call, json::object()); });
  add("POST", "/admin/routing", Access::kAdmin, save_routing);
  add("GET", "/admin/mailboxes", Access::kAdmin,
      [](WebCall& call) { return list_page(call, "/api/v1/mailboxes", "admin_mailboxes", "mailboxes"); });
  add("GET", "/admin/reviews", Access::kAdmin,
      [](WebCall& call) { return list_page(call, "/api/v1/review-sources", "admin_reviews", "reviews"); });
  add("GET", "/admin/mail", Access::kAdmin, [](WebCall& call) { return mail_page(call, json::object()); });
  add("POST", "/admin/mail/failed/{id}/retry", Access::kAdmin,
      [](WebCall& call) { return retry(call, "/api/v1/mail/failed/", "mail"); });
  add("POST", "/admin/jobs/{id}/retry", Access::kAdmin,
      [](WebCall& call) { return retry(call, "/api/v1/jobs/", "job"); });
  add("GET", "/admin/workflows", Access::kAdmin, workflows_page);
  add("GET", "/admin/workflows/{id}", Access::kAdmin, workflow_page);
}

}  // namespace redress::http
