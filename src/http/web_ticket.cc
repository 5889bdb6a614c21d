// The ticket page of the agent desk and every button on it. Each button is a form that
// posts here; the handler turns it into one API call and shows the page again, with the
// API's refusal in the page's error box when there is one (status kept).
#include <map>

#include "http/web_pages.h"
#include "http/web_support.h"

namespace redress::http {
namespace {

std::string ticket_path(const WebCall& call) { return "/api/v1/tickets/" + url_encode(call.params.at("id")); }
std::string ticket_page_path(const WebCall& call) { return "/desk/tickets/" + url_encode(call.params.at("id")); }

// "2026-12-01T09:00" from <input type=datetime-local> is read as UTC, as the API's times are.
std::string to_rfc3339(const std::string& local) {
  if (local.size() == 16 && local[10] == 'T') return local + ":00Z";
  return local;
}

// Values of custom fields and workflow fields sent by a form as field.<id>.
nlohmann::json form_fields(const WebCall& call) {
  nlohmann::json fields = nlohmann::json::object();
  for (const auto& [key, value] : call.form) {
    if (!key.starts_with("field.")) continue;
    const std::string id = key.substr(6);
    if (value.empty()) continue;
    fields[id] = id.ends_with("_at") ? to_rfc3339(value) : value;
  }
  return fields;
}

nlohmann::json thread_of(const WebCall& call) {
  auto reply = call.get(ticket_path(call) + "/messages?limit=500");
  nlohmann::json items = reply.ok() ? reply.body["items"] : nlohmann::json::array();
  for (auto& m : items) {
    add_times(m, {"created_at"});
    const std::string kind = m.value("kind", "");
    m["is_note"] = kind == "note";
    m["kind_label"] = call.say("kind_" + kind);
    m["has_html"] = m["html"].is_string() && !m["html"].get<std::string>().empty();
    if (m.contains("delivery") && m["delivery"].is_object()) m["delivery_label"] = call.say("delivery_" + m["delivery"].value("status", ""));
    add_files(call, m);
  }
  return items;
}

// The history as sentences: what happened (in the page's words), who did it, and the
// values that changed, statuses by their labels.
nlohmann::json history_of(const WebCall& call, const nlohmann::json& status_labels) {
  auto reply = call.get(ticket_path(call) + "/history");
  nlohmann::json items = reply.ok() ? reply.body["items"] : nlohmann::json::array();
  auto status = [&](const nlohmann::json& id) -> std::string {
    if (!id.is_string()) return "";
    return status_labels.value(id.get<std::string>(), id.get<std::string>());
  };
  for (auto& e : items) {
    add_times(e, {"at"});
    e["actor_name"] = e["actor"].is_object() ? e["actor"].value("name", e["actor"].value("label", "")) : call.say("system");
    std::string kind = e.value("kind", "");
    for (auto& ch : kind) if (ch == '.') ch = '_';
    const std::string key = "event_" + kind;
    const std::string label = call.say(key);
    e["what"] = label == key ? e.value("kind", "") : label;
    if (e["kind"] == "transition" || e["kind"] == "ticket.created") {
      if (auto from = status(e["from"]); !from.empty()) e["from_label"] = from;
      if (auto to = status(e["to"]); !to.empty()) e["to_label"] = to;
    }
    nlohmann::json details = nlohmann::json::array();
    if (e["data"].is_object()) {
      for (const auto& [k, val] : e["data"].items()) {
        if (k == "number" || k == "workflow") continue;
        details.push_back({{"key", k}, {"value", val.is_string() ? val.get<std::string>() : val.dump()}});
      }
    }
    e["details"] = std::move(details);
  }
  return items;
}

// A refusal naming what the ticket still lacks speaks of it as the qualification box does:
// by its label, in the page's language, instead of the API's field names.
void name_missing_fields(const WebCall& call, nlohmann::json& v) {
  if (!v.contains("error") || !v["error"].contains("fields") || v["error"]["fields"].empty()) return;
  std::map<std::string, std::string> labels;
  for (const auto& m : v["ticket"]["qualification"].value("missing", nlohmann::json::array())) {
    labels[m.value("field", "")] = m.value("label", "");
  }
  bool all_known = true;
  for (auto& f : v["error"]["fields"]) {
    auto it = labels.find(f.value("name", ""));
    if (it == labels.end()) {
      all_known = false;
      continue;
    }
    f["name"] = it->second;
    f["why"] = nullptr;
  }
  if (all_known) v["error"]["message"] = call.say("still_needed");
}

Result<Response> ticket_page(WebCall& call, nlohmann::json extra, int status = 200) {
  auto reply = call.get(ticket_path(call));
  if (!reply.ok()) {
    nlohmann::json v = {{"error", reply.error()}, {"nav", "tickets"}, {"id", call.params.at("id")}, {"title", call.say("ticket_locked_title")}};
    if (reply.body.is_object() && reply.body["error"].value("code", "") == "ticket_taken") {
      v["locked"] = true;
      // The holder in the page's own words (the API's message is in English).
      const auto details = reply.body["error"].value("details", nlohmann::json::object());
      if (details.contains("holder")) {
        v["holder"] = details["holder"];
        v.erase("error");
      }
      v["can_release"] = call.has_right("tickets.release");
      return render(call, "ticket_locked", std::move(v), reply.status);
    }
    return error_page(call, reply);
  }
  nlohmann::json t = std::move(reply.body);
  add_times(t, {"created_at", "updated_at", "taken_at", "closed_at", "customer_waiting_since"});
  const std::string me = std::to_string(call.user.value("id", 0));
  const bool taken = t["taken_by"].is_object();
  const bool taken_by_me = taken && std::to_string(t["taken_by"].value("id", 0)) == me;

  nlohmann::json v = {{"ticket", t}, {"nav", "tickets"}, {"title", t.value("number", "") + " · " + t.value("subject", "")}};
  v["taken_by_me"] = taken_by_me;
  v["can_take"] = !taken && call.has_right("tickets.take") && t["status"].value("category", "") != "closed";
  v["tab_history"] = call.query("tab") == "history";
  v["thread"] = thread_of(call);

  // Transition buttons, each with its note box when the workflow asks for one.
  nlohmann::json transitions = nlohmann::json::array();
  for (auto tr : t["available_transitions"]) {
    for (const auto& req : tr["requires"]) {
      const std::string r = req.is_string() ? req.get<std::string>() : req.value("field", "");
      if (r == "note") tr["needs_note"] = true;
      if (r == "fields.reopen_at" || r == "reopen_at") tr["needs_reopen_at"] = true;
    }
    tr["danger"] = tr.value("id", "").find("decline") != std::string::npos || tr.value("id", "").find("reject") != std::string::npos;
    transitions.push_back(std::move(tr));
  }
  v["transitions"] = std::move(transitions);

  // Qualification: reasons of this workflow, and the fields still missing (red asterisks).
  std::set<std::string> missing;
  for (const auto& m : t["qualification"].value("missing", nlohmann::json::array())) missing.insert(m.value("field", ""));
  v["reason_required"] = missing.contains("reason");
  v["contact_required"] = missing.contains("contact");
  auto reasons = call.get("/api/v1/reasons?workflow=" + url_encode(t.value("workflow", "")));
  if (reasons.ok()) {
    const std::string current = t["reason"].is_object() ? std::to_string(t["reason"].value("id", 0)) : "";
    nlohmann::json opts = nlohmann::json::array();
    for (const auto& r : reasons.body["items"]) {
      const std::string id = std::to_string(r.value("id", 0));
      opts.push_back({{"value", id}, {"label", r.value("label", "")}, {"selected", id == current}});
    }
    v["reasons"] = std::move(opts);
  }

  // Assignees by role: who holds each role, and the staff who could.
  auto workflows = call.get("/api/v1/workflows");
  auto users = call.get("/api/v1/users");
  nlohmann::json roles = nlohmann::json::array();
  if (workflows.ok()) {
    for (const auto& wf : workflows.body["items"]) {
      if (wf["id"] != t["workflow"]) continue;
      v["ticket"]["workflow_label"] = wf.value("label", "");
      if (v["tab_history"]) {
        nlohmann::json labels = nlohmann::json::object();
        for (const auto& st : wf["statuses"]) labels[st.value("id", "")] = st.value("label", "");
        v["history"] = history_of(call, labels);
      }
      for (const auto& role : wf["roles"]) {
        const std::string r = role;
        const auto& holder = t["assignees"].value(r, nlohmann::json());
        const std::string held = holder.is_object() ? std::to_string(holder.value("id", 0)) : "";
        nlohmann::json choices = nlohmann::json::array();
        if (users.ok()) {
          for (const auto& u : users.body["items"]) {
            if (!assignable(u)) continue;
            const std::string id = std::to_string(u.value("id", 0));
            choices.push_back({{"value", id}, {"label", u.value("name", "")}, {"selected", id == held}});
          }
        }
        roles.push_back({{"role", r}, {"label", call.say("role_" + r)}, {"holder", holder}, {"users", choices},
                         {"required", missing.contains("assignees." + r)}});
      }
    }
  }
  v["roles"] = std::move(roles);
  v["can_assign"] = users.ok();

  // The contact beside the thread.
  if (t["main_contact"].is_object()) {
    auto profile = call.get("/api/v1/contacts/" + std::to_string(t["main_contact"].value("id", 0)));
    if (profile.ok()) {
      nlohmann::json p = profile.body;
      for (auto& rt : p["tickets"]) add_times(rt, {"created_at"});
      v["profile"] = std::move(p);
    }
  }

  // Reply box: the templates that fit this ticket, one picked when asked.
  auto templates = call.get("/api/v1/templates?ticket=" + url_encode(call.params.at("id")));
  nlohmann::json tpl = nlohmann::json::array();
  const std::string picked = call.query("template");
  if (templates.ok()) {
    for (const auto& item : templates.body["items"]) {
      const std::string id = std::to_string(item.value("id", 0));
      const bool selected = id == picked;
      tpl.push_back({{"value", id}, {"label", item.value("name", "")}, {"selected", selected}});
      if (selected) {
        const auto& rendered = item.value("rendered", nlohmann::json::object());
        v["reply_body"] = rendered.value("body", item.value("body", ""));
        v["reply_template"] = id;
        v["template_missing"] = rendered.value("missing", nlohmann::json::array());
      }
    }
  }
  v["templates"] = std::move(tpl);
  if (extra.contains("reply_body")) v["reply_body"] = extra["reply_body"];

  v["languages"] = language_options(call, t.value("language", ""));
  v["can_block"] = call.has_right("messages.block");
  v.update(extra);
  name_missing_fields(call, v);
  return render(call, "ticket", std::move(v), status);
}

// Runs one API change for a button; back to the page on success, the page with the
// refusal otherwise.
Result<Response> act_on_ticket(WebCall& call, const ApiReply& reply, const std::string& anchor = "") {
  if (!reply.ok()) {
    nlohmann::json extra = {{"error", reply.error()}};
    if (auto body = call.field("body"); !body.empty()) extra["reply_body"] = body;
    return ticket_page(call, std::move(extra), reply.status);
  }
  return redirect(ticket_page_path(call) + anchor);
}

Result<Response> run_transition(WebCall& call) {
  nlohmann::json body = {{"transition", call.field("transition")}};
  if (auto note = call.field("note"); !note.empty()) body["note"] = note;
  if (auto fields = form_fields(call); !fields.empty()) body["fields"] = fields;
  return act_on_ticket(call, call.send("POST", ticket_path(call) + "/transitions", body));
}

Result<Response> qualify(WebCall& call) {
  nlohmann::json patch = nlohmann::json::object();
  const std::string reason = call.field("reason");
  patch["reason"] = reason.empty() ? nlohmann::json(nullptr) : id_or_key(reason);
  if (auto fields = form_fields(call); !fields.empty()) patch["fields"] = fields;
  if (auto l = call.field("language"); !l.empty()) patch["language"] = l;
  return act_on_ticket(call, call.send("PATCH", ticket_path(call), patch));
}

// Adds a contact found with the magnifier (or typed in) as the main contact.
Result<Response> add_contact(WebCall& call) {
  auto current = call.get(ticket_path(call));
  if (!current.ok()) return act_on_ticket(call, current);
  nlohmann::json contacts = nlohmann::json::array();
  nlohmann::json added;
  if (auto id = call.field("contact_id"); !id.empty()) {
    added = {{"id", id_or_key(id)}, {"main", true}};
  } else {
    added = {{"email", call.field("contact_email")}, {"name", call.field("contact_name")}, {"main", true}};
  }
  for (const auto& c : current.body["contacts"]) {
    if (added.contains("id") && added["id"] == c["id"]) continue;
    contacts.push_back({{"id", c["id"]}, {"main", false}});
  }
  contacts.push_back(added);
  return act_on_ticket(call, call.send("PATCH", ticket_path(call), {{"contacts", contacts}}));
}

Result<Response> set_assignee(WebCall& call) {
  const std::string role = call.field("role");
  const std::string user = call.field("user");
  const std::string target = ticket_path(call) + "/assignees/" + url_encode(role);
  if (user.empty()) return act_on_ticket(call, call.send("DELETE", target, nullptr));
  return act_on_ticket(call, call.send("PUT", target, {{"user", id_or_key(user)}}));
}

Result<Response> acknowledge(WebCall& call) {
  nlohmann::json body = {{"language", call.field("language")}};
  nlohmann::json cc = nlohmann::json::array();
  std::string current;
  for (char ch : call.field("cc") + ",") {
    if (ch == ',' || ch == ';' || ch == ' ' || ch == '\n' || ch == '\r' || ch == '\t') {
      if (!current.empty()) cc.push_back(current);
      current.clear();
    } else {
      current += ch;
    }
  }
  body["cc"] = cc;
  auto reply = call.send("POST", ticket_path(call) + "/acknowledgement", body);
  if (!reply.ok()) return act_on_ticket(call, reply);
  return redirect(ticket_page_path(call) + "?sent=ack");
}

Result<Response> post_message(WebCall& call) {
  nlohmann::json body = {{"body", call.field("body")}, {"visibility", call.field("visibility") == "internal" ? "internal" : "public"}};
  if (auto tpl = call.field("template"); !tpl.empty() && body["visibility"] == "public") body["template"] = id_or_key(tpl);
  // The form's files go to the API as it takes them (the limits and refusals are its own).
  if (!call.files.empty()) {
    body["attachments"] = attachments_json(call.files);
  }
  return act_on_ticket(call, call.send("POST", ticket_path(call) + "/messages", body), "#thread");
}

}  // namespace

void add_ticket_pages(const PageRoutes& add) {
  add("GET", "/desk/tickets/{id}", Access::kStaff, [](WebCall& call) {
    nlohmann::json extra = nlohmann::json::object();
    if (call.query("sent") == "ack") extra["notice"] = call.say("ack_sent");
    return ticket_page(call, std::move(extra));
  });
  add("POST", "/desk/tickets/{id}/take", Access::kStaff,
      [](WebCall& call) { return act_on_ticket(call, call.send("POST", ticket_path(call) + "/take", nullptr)); });
  add("POST", "/desk/tickets/{id}/release", Access::kStaff, [](WebCall& call) -> Result<Response> {
    auto reply = call.send("DELETE", ticket_path(call) + "/take", nullptr);
    if (reply.ok() && call.field("then") == "queue") return redirect("/desk");
    return act_on_ticket(call, reply);
  });
  add("POST", "/desk/tickets/{id}/transition", Access::kStaff, run_transition);
  add("POST", "/desk/tickets/{id}/qualify", Access::kStaff, qualify);
  add("POST", "/desk/tickets/{id}/contact", Access::kStaff, add_contact);
  add("POST", "/desk/tickets/{id}/assignee", Access::kStaff, set_assignee);
  add("POST", "/desk/tickets/{id}/acknowledge", Access::kStaff, acknowledge);
  add("POST", "/desk/tickets/{id}/message", Access::kStaff, post_message);
  add("POST", "/desk/tickets/{id}/messaging", Access::kStaff, [](WebCall& call) {
    return act_on_ticket(call, call.send("PUT", ticket_path(call) + "/messaging", {{"blocked", call.field("blocked") == "true"}}));
  });
}

}  // namespace redress::http
