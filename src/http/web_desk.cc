// The agent desk's lists: "Requests to process" (the queue and its "process next"
// button), my tickets, all tickets with filters and search, a new ticket, contacts.
#include "http/web_pages.h"
#include "http/web_support.h"

namespace redress::http {
namespace {

// Each ticket row as the list templates show it.
nlohmann::json rows(const WebCall& call, nlohmann::json items) {
  const std::string me = std::to_string(call.user.value("id", 0));
  for (auto& item : items) {
    add_times(item, {"created_at", "updated_at", "customer_waiting_since"});
    item["channel_label"] = channel_label(call, item.value("channel", ""));
    if (item.contains("taken_by") && item["taken_by"].is_object()) {
      item["taken_by_me"] = std::to_string(item["taken_by"].value("id", 0)) == me;
    }
  }
  return items;
}

nlohmann::json workflows_of(const WebCall& call) {
  auto reply = call.get("/api/v1/workflows");
  return reply.ok() ? reply.body["items"] : nlohmann::json::array();
}

Result<Response> queue_page(WebCall& call, nlohmann::json extra) {
  auto reply = call.get("/api/v1/queue");
  if (!reply.ok()) return error_page(call, reply);
  nlohmann::json mine = nlohmann::json::array(), waiting = nlohmann::json::array();
  for (auto& item : rows(call, reply.body["items"])) (item.value("section", "") == "mine" ? mine : waiting).push_back(item);
  nlohmann::json v = {{"mine", mine}, {"waiting", waiting}, {"nav", "queue"},
                      {"has_mine", !mine.empty()}, {"has_waiting", !waiting.empty()},
                      {"can_take", call.has_right("tickets.take")}};
  v.update(extra);
  return render(call, "queue", std::move(v));
}

Result<Response> process_next(WebCall& call) {
  auto reply = call.send("POST", "/api/v1/queue/next", nullptr);
  if (reply.status == 204) return queue_page(call, {{"notice", call.say("queue_empty")}});
  if (!reply.ok()) return queue_page(call, {{"error", reply.error()}});
  return redirect("/desk/tickets/" + reply.body.value("number", std::to_string(reply.body.value("id", 0))));
}

// The filters the list page understands, passed to GET /api/v1/tickets as they are.
constexpr const char* kFilters[] = {"q", "status", "workflow", "reason", "channel", "assignee", "created_from", "created_to"};

Result<Response> desk_list_page(WebCall& call, bool mine) {
  std::string query;
  nlohmann::json filters = nlohmann::json::object();
  for (const char* name : kFilters) {
    std::string value = call.query(name);
    if (mine && std::string_view(name) == "assignee") value = "me";
    filters[name] = value;
    if (!value.empty()) query += std::string(query.empty() ? "" : "&") + name + "=" + url_encode(value);
  }
  std::string target = "/api/v1/tickets?" + query;
  if (auto cursor = call.query("cursor"); !cursor.empty()) target += "&cursor=" + url_encode(cursor);
  auto reply = call.get(target);
  nlohmann::json v = {{"filters", filters}, {"mine", mine}, {"nav", mine ? "mine" : "tickets"},
                      {"title", call.say(mine ? "mine_title" : "tickets_title")}};
  if (!reply.ok()) {
    v["error"] = reply.error();
    v["items"] = nlohmann::json::array();
  } else {
    v["items"] = rows(call, reply.body["items"]);
    if (reply.body["next_cursor"].is_string()) {
      v["next_page"] = std::string(mine ? "/desk/mine?" : "/desk/tickets?") + query + (query.empty() ? "" : "&") +
                       "cursor=" + reply.body["next_cursor"].get<std::string>();
    }
  }
  v["empty"] = v["items"].empty();
  const auto workflows = workflows_of(call);
  v["workflows"] = options(workflows, "id", "label", filters["workflow"]);
  nlohmann::json statuses = nlohmann::json::array();
  for (const auto& wf : workflows) {
    for (const auto& s : wf["statuses"]) {
      const std::string id = s["id"];
      statuses.push_back({{"value", id}, {"label", wf.value("label", "") + " — " + s.value("label", id)},
                          {"selected", id == filters["status"]}});
    }
  }
  v["statuses"] = std::move(statuses);
  auto reasons = call.get("/api/v1/reasons");
  if (reasons.ok()) v["reasons"] = options(reasons.body["items"], "id", "label", filters["reason"]);
  nlohmann::json channels = nlohmann::json::array();
  for (const char* c : {"mail", "portal", "staff", "phone", "review"}) {
    channels.push_back({{"value", c}, {"label", channel_label(call, c)}, {"selected", filters["channel"] == c}});
  }
  v["channels"] = std::move(channels);
  return render(call, "tickets", std::move(v), reply.ok() ? 200 : reply.status);
}

// New ticket: pick the workflow first (its roles and reasons shape the form).
Result<Response> new_ticket_page(WebCall& call, nlohmann::json extra) {
  const auto workflows = workflows_of(call);
  std::string chosen = call.request.method == "POST" ? call.field("workflow") : call.query("workflow");
  if (chosen.empty() && !workflows.empty()) chosen = workflows[0]["id"];
  nlohmann::json v = {{"nav", "new_ticket"}, {"workflows", options(workflows, "id", "label", chosen)}, {"workflow", chosen}};
  for (const auto& wf : workflows) {
    if (wf["id"] != chosen) continue;
    auto users = call.get("/api/v1/users");
    nlohmann::json roles = nlohmann::json::array();
    for (const auto& role : wf["roles"]) {
      nlohmann::json choices = nlohmann::json::array();
      const std::string picked = call.field("assignee." + role.get<std::string>());
      if (users.ok()) {
        for (const auto& u : users.body["items"]) {
          if (!assignable(u)) continue;
          const std::string id = std::to_string(u.value("id", 0));
          choices.push_back({{"value", id}, {"label", u.value("name", "")}, {"selected", id == picked}});
        }
      }
      roles.push_back({{"role", role}, {"label", call.say("role_" + role.get<std::string>())}, {"users", choices}});
    }
    v["roles"] = std::move(roles);
  }
  auto reasons = call.get("/api/v1/reasons?workflow=" + url_encode(chosen));
  if (reasons.ok()) v["reasons"] = options(reasons.body["items"], "id", "label", call.field("reason"));
  v["languages"] = language_options(call, call.field("language").empty() ? call.lang : call.field("language"));
  for (const char* f : {"subject", "description", "contact_id", "contact_name", "contact_email", "cc_contacts"}) v[f] = call.field(f);
  if (auto id = call.field("contact_id"); !id.empty()) {
    auto contact = call.get("/api/v1/contacts/" + url_encode(id));
    if (contact.ok()) v["contact"] = contact.body;
  }
  v.update(extra);
  return render(call, "new_ticket", std::move(v), extra.contains("error") ? 422 : 200);
}

Result<Response> create_ticket(WebCall& call) {
  nlohmann::json body = {{"workflow", call.field("workflow")},
                         {"subject", call.field("subject")},
                         {"description", call.field("description")},
                         {"channel", "staff"}};
  if (auto l = call.field("language"); !l.empty()) body["language"] = l;
  if (auto r = call.field("reason"); !r.empty()) body["reason"] = r;
  nlohmann::json contacts = nlohmann::json::array();
  if (auto id = call.field("contact_id"); !id.empty()) {
    contacts.push_back({{"id", id_or_key(id)}, {"main", true}});
  } else if (!call.field("contact_email").empty() || !call.field("contact_name").empty()) {
    contacts.push_back({{"email", call.field("contact_email")}, {"name", call.field("contact_name")}, {"main", true}});
    if (auto l = call.field("language"); !l.empty()) contacts.back()["language"] = l;
  }
  if (!contacts.empty()) body["contacts"] = contacts;
  nlohmann::json assignees = nlohmann::json::object();
  for (const auto& [key, value] : call.form) {
    if (key.starts_with("assignee.") && !value.empty()) assignees[key.substr(9)] = id_or_key(value);
  }
  if (!assignees.empty()) body["assignees"] = assignees;
  auto reply = call.send("POST", "/api/v1/tickets", body);
  if (!reply.ok()) return new_ticket_page(call, {{"error", reply.error()}});
  return redirect("/desk/tickets/" + reply.body.value("number", ""));
}

// The magnifier: contacts matching a name or address, as a fragment htmx puts under the
// search box (or a whole page without JavaScript).
Result<Response> contact_search(WebCall& call) {
  const std::string q = call.query("q");
  nlohmann::json v = {{"q", q}, {"target", call.query("for")}};
  if (!q.empty()) {
    auto reply = call.get("/api/v1/contacts?q=" + url_encode(q));
    v["items"] = reply.ok() ? reply.body["items"] : nlohmann::json::array();
    v["none"] = v["items"].empty();
  }
  if (call.request.header("HX-Request") && !call.request.header("HX-Boosted")) return render_fragment(call, "contact_results", v);
  v["standalone"] = true;
  v["nav"] = "tickets";
  v["title"] = call.say("contact_search_title");
  return render(call, "contact_results", std::move(v));
}

Result<Response> contact_page(WebCall& call) {
  auto reply = call.get("/api/v1/contacts/" + url_encode(call.params.at("id")));
  if (!reply.ok()) return error_page(call, reply);
  nlohmann::json v = reply.body;
  for (auto& t : v["tickets"]) add_times(t, {"created_at"});
  v["nav"] = "tickets";
  v["title"] = v.value("name", call.say("contact_title"));
  return render(call, "contact", std::move(v));
}

}  // namespace

void add_desk_pages(const PageRoutes& add) {
  add("GET", "/desk", Access::kStaff, [](WebCall& call) { return queue_page(call, nlohmann::json::object()); });
  add("POST", "/desk/next", Access::kStaff, process_next);
  add("GET", "/desk/mine", Access::kStaff, [](WebCall& call) { return desk_list_page(call, true); });
  add("GET", "/desk/tickets", Access::kStaff, [](WebCall& call) { return desk_list_page(call, false); });
  add("GET", "/desk/tickets/new", Access::kStaff, [](WebCall& call) { return new_ticket_page(call, nlohmann::json::object()); });
  add("POST", "/desk/tickets/new", Access::kStaff, create_ticket);
  add("GET", "/desk/contacts", Access::kStaff, contact_search);
  add("GET", "/desk/contacts/{id}", Access::kStaff, contact_page);
  add_ticket_pages(add);
}

}  // namespace redress::http
