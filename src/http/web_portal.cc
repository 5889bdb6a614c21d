// The customer portal: my requests, a new complaint, the thread with its message box, and
// "Issue Resolved" on a request waiting for the customer's confirmation (seeds 002, 003).
#include "http/web_pages.h"
#include "http/web_support.h"

namespace redress::http {
namespace {

std::string api_path(const WebCall& call) { return "/api/v1/tickets/" + url_encode(call.params.at("id")); }
std::string page_path(const WebCall& call) { return "/portal/requests/" + url_encode(call.params.at("id")); }

Result<Response> my_requests(WebCall& call) {
  auto reply = call.get("/api/v1/tickets?limit=100");
  if (!reply.ok()) return error_page(call, reply);
  nlohmann::json items = reply.body["items"];
  for (auto& item : items) {
    add_times(item, {"created_at", "updated_at"});
    item["waiting_for_me"] = item["status"].value("category", "") == "pending" && item["status"].value("id", "") == "confirmation";
  }
  return render(call, "portal", {{"items", items}, {"empty", items.empty()}, {"nav", "portal"},
                                 {"created", call.query("created") == "1"}});
}

Result<Response> new_request_page(WebCall& call, nlohmann::json extra) {
  auto workflows = call.get("/api/v1/workflows");
  nlohmann::json kinds = nlohmann::json::array();
  const std::string chosen = call.field("workflow");
  if (workflows.ok()) {
    for (const auto& wf : workflows.body["items"]) {
      const std::string id = wf["id"];
      if (id == "complaint-investigation") continue;  // an internal investigation, opened by staff
      kinds.push_back({{"value", id}, {"label", wf.value("label", id)}, {"selected", id == chosen}});
    }
  }
  nlohmann::json v = {{"nav", "portal_new"}, {"workflows", kinds}, {"subject", call.field("subject")},
                      {"description", call.field("description")},
                      {"attachments", call.ctx.messages.portal_attachments}};
  v.update(extra);
  return render(call, "portal_new", std::move(v), extra.contains("error") ? 422 : 200);
}

Result<Response> create_request(WebCall& call) {
  nlohmann::json body = {{"workflow", call.field("workflow")}, {"subject", call.field("subject")},
                         {"description", call.field("description")}, {"channel", "portal"}};
  // The evidence (a photo, an invoice) goes with the request, as the API takes it.
  if (!call.files.empty()) {
    body["attachments"] = attachments_json(call.files);
  }
  auto reply = call.send("POST", "/api/v1/tickets", body);
  if (!reply.ok()) return new_request_page(call, {{"error", reply.error()}});
  return redirect("/portal/requests/" + reply.body.value("number", "") + "?created=1");
}

Result<Response> request_page(WebCall& call, nlohmann::json extra, int status = 200) {
  auto reply = call.get(api_path(call));
  if (!reply.ok()) return error_page(call, reply);
  nlohmann::json t = std::move(reply.body);
  add_times(t, {"created_at", "updated_at", "closed_at"});
  auto messages = call.get(api_path(call) + "/messages?limit=500");
  nlohmann::json thread = messages.ok() ? messages.body["items"] : nlohmann::json::array();
  for (auto& m : thread) {
    add_times(m, {"created_at"});
    m["mine"] = m["author"].is_object() && m["author"].value("type", "") == "user" &&
                m["author"].value("id", 0) == call.user.value("id", -1);
    add_files(call, m);
  }
  nlohmann::json v = {{"ticket", t}, {"thread", thread}, {"nav", "portal"},
                      {"title", t.value("number", "") + " · " + t.value("subject", "")},
                      {"closed", t["status"].value("category", "") == "closed"},
                      {"created", call.query("created") == "1"}};
  nlohmann::json actions = nlohmann::json::array();
  for (const auto& a : t["available_transitions"]) actions.push_back(a);
  v["actions"] = std::move(actions);
  v.update(extra);
  return render(call, "portal_request", std::move(v), status);
}

Result<Response> act(WebCall& call, const ApiReply& reply) {
  if (!reply.ok()) {
    nlohmann::json extra = {{"error", reply.error()}, {"body", call.field("body")}};
    return request_page(call, std::move(extra), reply.status);
  }
  return redirect(page_path(call) + "#thread");
}

}  // namespace

void add_portal_pages(const PageRoutes& add) {
  add("GET", "/portal", Access::kCustomer, my_requests);
  add("GET", "/portal/new", Access::kCustomer, [](WebCall& call) { return new_request_page(call, nlohmann::json::object()); });
  add("POST", "/portal/new", Access::kCustomer, create_request);
  add("GET", "/portal/requests/{id}", Access::kCustomer, [](WebCall& call) { return request_page(call, nlohmann::json::object()); });
  // The link our mails carry (MailConfig::portal_url): the request's page for a customer,
  // the ticket's for staff (an agent in copy).
  add("GET", "/portal/tickets/{id}", Access::kSignedIn, [](WebCall& call) -> Result<Response> {
    if (call.staff()) return redirect("/desk/tickets/" + url_encode(call.params.at("id")));
    return redirect(page_path(call));
  });
  add("POST", "/portal/requests/{id}/message", Access::kCustomer,
      [](WebCall& call) { return act(call, call.send("POST", api_path(call) + "/messages", {{"body", call.field("body")}})); });
  add("POST", "/portal/requests/{id}/transition", Access::kCustomer, [](WebCall& call) {
    return act(call, call.send("POST", api_path(call) + "/transitions", {{"transition", call.field("transition")}}));
  });
}

}  // namespace redress::http
