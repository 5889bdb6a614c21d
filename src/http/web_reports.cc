// Reports for viewers and up: counts by status, reason, assignee and channel, created vs
// closed per week, median times to first response and to resolution. Tables carry the
// figures (readable without script, by screen readers, and printable); web/assets/
// reports.js draws the same figures as Chart.js charts from a JSON block on the page.
#include <cmath>

#include "http/web_pages.h"
#include "http/web_support.h"

namespace redress::http {
namespace {

std::string report_query(const WebCall& call) {
  std::string q;
  for (const char* name : {"from", "to", "workflow"}) {
    const std::string v = call.query(name);
    if (!v.empty()) q += std::string(q.empty() ? "" : "&") + name + "=" + url_encode(v);
  }
  return q;
}

// "2 d 4 h", "3 h 20 min", "45 min": a median of days is not read to the second.
std::string report_duration_text(const WebCall& call, const nlohmann::json& seconds) {
  if (!seconds.is_number()) return "—";
  const auto s = static_cast<long long>(std::llround(seconds.get<double>()));
  const long long days = s / 86400, hours = (s % 86400) / 3600, minutes = (s % 3600) / 60;
  const std::string d = call.say("unit_days"), h = call.say("unit_hours"), m = call.say("unit_minutes");
  if (days > 0) return std::to_string(days) + " " + d + " " + std::to_string(hours) + " " + h;
  if (hours > 0) return std::to_string(hours) + " " + h + " " + std::to_string(minutes) + " " + m;
  return std::to_string(std::max(minutes, 1LL)) + " " + m;
}

// JSON inside <script type="application/json">: no "<" may close the element early.
std::string script_safe(const nlohmann::json& j) {
  std::string out;
  for (char c : j.dump()) {
    if (c == '<') out += "\\u003c";
    else if (c == '>') out += "\\u003e";
    else if (c == '&') out += "\\u0026";
    else out += c;
  }
  return out;
}

Result<Response> reports_page(WebCall& call) {
  const std::string query = report_query(call);
  auto reply = call.get("/api/v1/reports" + std::string(query.empty() ? "" : "?") + query);
  nlohmann::json v = {{"nav", "reports"}, {"from", call.query("from")}, {"to", call.query("to")}};
  auto workflows = call.get("/api/v1/workflows");
  nlohmann::json wf_options = nlohmann::json::array();
  if (workflows.ok()) {
    for (const auto& wf : workflows.body["items"]) {
      wf_options.push_back({{"value", wf["id"]}, {"label", wf.value("label", "")}, {"selected", wf["id"] == call.query("workflow")}});
    }
  }
  v["workflows"] = std::move(wf_options);
  if (!reply.ok()) {
    v["error"] = reply.error();
    return render(call, "reports", std::move(v), reply.status);
  }
  nlohmann::json r = std::move(reply.body);
  const std::string none = call.say("report_none");
  for (auto& row : r["by_reason"]) if (!row["label"].is_string()) row["label"] = none;
  for (auto& row : r["by_assignee"]) if (!row["name"].is_string()) row["name"] = call.say("report_unassigned");
  for (auto& row : r["by_channel"]) row["label"] = channel_label(call, row.value("channel", ""));
  if (!r["from"].is_null()) v["from"] = r["from"];
  if (!r["to"].is_null()) v["to"] = r["to"];
  v["report"] = r;
  v["first_response_text"] = report_duration_text(call, r["first_response"].value("median_seconds", nlohmann::json()));
  v["resolution_text"] = report_duration_text(call, r["resolution"].value("median_seconds", nlohmann::json()));
  v["csv_url"] = "/reports.csv?" + report_query(call);

  // What the charts draw: the same rows as the tables, with the words they need.
  nlohmann::json charts = {
      {"weekly", {{"labels", nlohmann::json::array()}, {"created", nlohmann::json::array()}, {"closed", nlohmann::json::array()},
                  {"created_label", call.say("report_created")}, {"closed_label", call.say("report_closed")}}},
      {"bars", nlohmann::json::array()}};
  for (const auto& w : r["weekly"]) {
    charts["weekly"]["labels"].push_back(w.value("week", ""));
    charts["weekly"]["created"].push_back(w.value("created", 0));
    charts["weekly"]["closed"].push_back(w.value("closed", 0));
  }
  auto bars = [&](const char* id, const char* table, const char* label_key) {
    nlohmann::json b = {{"id", id}, {"labels", nlohmann::json::array()}, {"counts", nlohmann::json::array()}, {"label", call.say("report_count")}};
    for (const auto& row : r[table]) {
      b["labels"].push_back(row.value(label_key, ""));
      b["counts"].push_back(row.value("count", 0));
    }
    charts["bars"].push_back(std::move(b));
  };
  bars("chart-status", "by_status", "label");
  bars("chart-reason", "by_reason", "label");
  bars("chart-assignee", "by_assignee", "name");
  bars("chart-channel", "by_channel", "label");
  v["chart_data"] = script_safe(charts);
  auto page = REDRESS_TRY(render(call, "reports", std::move(v)));
  // Chart.js sizes its canvases through style attributes; this page allows those (and
  // only those: no <style> element, no inline script).
  for (auto& [name, value] : page.headers) {
    if (name == "Content-Security-Policy") value += "; style-src-attr 'unsafe-inline'";
  }
  return page;
}

// The CSV the API makes, downloaded under the page's address (the session cookie is what
// the browser has; it never holds an API token).
Result<Response> reports_csv(WebCall& call) {
  std::string target = "/api/v1/reports?format=csv";
  if (auto q = report_query(call); !q.empty()) target += "&" + q;
  auto reply = call.get(target);
  if (!reply.ok()) return error_page(call, reply);
  Response r;
  r.content_type = reply.content_type;
  r.body = std::move(reply.raw);
  for (const auto& [name, value] : reply.headers) {
    if (name == "Content-Disposition") r.headers.emplace_back(name, value);
  }
  r.headers.emplace_back("Cache-Control", "no-store");
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  return r;
}

}  // namespace

void add_report_pages(const PageRoutes& add) {
  add("GET", "/reports", Access::kReports, reports_page);
  add("GET", "/reports.csv", Access::kReports, reports_csv);
}

}  // namespace redress::http
