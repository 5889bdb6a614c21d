// Reports (F16): GET /api/v1/reports as JSON, or as CSV in long form (one row per figure)
// with format=csv or Accept: text/csv.
#include <cctype>
#include <map>
#include <optional>
#include <set>
#include <string>

#include <fmt/format.h>

#include "core/csv.h"
#include "http/api.h"
#include "http/api_support.h"
#include "service/report_service.h"

namespace redress::http {
namespace {

using service::Day;

// Exactly YYYY-MM-DD: a report is made of whole UTC days.
std::optional<Day> parse_day(const std::string& text) {
  TimePoint t;
  if (text.size() != 10 || !parse_rfc3339(text, t)) return std::nullopt;
  return std::chrono::floor<std::chrono::days>(t);
}

// Whether the client asks for CSV before (or instead of) JSON.
bool accepts_csv_first(std::string accept) {
  for (char& ch : accept) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  const auto csv = accept.find("text/csv");
  const auto json = accept.find("application/json");
  return csv != std::string::npos && (json == std::string::npos || csv < json);
}

nlohmann::json or_null(const std::optional<std::string>& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); }
nlohmann::json or_null(const std::optional<int64_t>& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); }

// A whole number of seconds reads as one ("5400", not "5400.0").
nlohmann::json seconds_json(const std::optional<double>& s) {
  if (!s) return nullptr;
  if (*s == static_cast<double>(static_cast<int64_t>(*s))) return static_cast<int64_t>(*s);
  return *s;
}

nlohmann::json duration_json(const service::DurationStat& d) {
  return {{"median_seconds", seconds_json(d.median_seconds)}, {"count", d.count}};
}

nlohmann::json report_json(const service::Report& r) {
  nlohmann::json j = {{"from", service::format_day(r.from)},
                      {"to", service::format_day(r.to)},
                      {"workflow", r.workflow.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.workflow)},
                      {"total", r.total}};
  auto& status = j["by_status"] = nlohmann::json::array();
  for (const auto& s : r.by_status) status.push_back({{"status", s.status}, {"label", s.label}, {"count", s.count}});
  auto& reason = j["by_reason"] = nlohmann::json::array();
  for (const auto& s : r.by_reason)
    reason.push_back({{"reason", or_null(s.reason)}, {"code", or_null(s.code)}, {"label", or_null(s.label)}, {"count", s.count}});
  auto& assignee = j["by_assignee"] = nlohmann::json::array();
  for (const auto& a : r.by_assignee) assignee.push_back({{"user", or_null(a.user)}, {"name", or_null(a.name)}, {"count", a.count}});
  auto& channel = j["by_channel"] = nlohmann::json::array();
  for (const auto& c : r.by_channel) channel.push_back({{"channel", c.channel}, {"count", c.count}});
  auto& weekly = j["weekly"] = nlohmann::json::array();
  for (const auto& w : r.weekly)
    weekly.push_back({{"week", w.week}, {"start", service::format_day(w.start)}, {"created", w.created}, {"closed", w.closed}});
  j["first_response"] = duration_json(r.first_response);
  j["resolution"] = duration_json(r.resolution);
  return j;
}

// Long form: table,key,label,value. Keys are ids or codes, empty for the "none" rows.
std::string report_csv(const service::Report& r) {
  CsvWriter w;
  auto n = [](int64_t v) { return std::to_string(v); };
  auto id = [](const std::optional<int64_t>& v) { return v ? std::to_string(*v) : std::string(); };
  w.add({"table", "key", "label", "value"});
  w.add({"total", "", "", n(r.total)});
  for (const auto& s : r.by_status) w.add({"by_status", s.status, s.label, n(s.count)});
  for (const auto& s : r.by_reason) w.add({"by_reason", s.code.value_or(""), s.label.value_or(""), n(s.count)});
  for (const auto& a : r.by_assignee) w.add({"by_assignee", id(a.user), a.name.value_or(""), n(a.count)});
  for (const auto& c : r.by_channel) w.add({"by_channel", c.channel, c.channel, n(c.count)});
  for (const auto& wk : r.weekly) {
    w.add({"weekly", wk.week, "created", n(wk.created)});
    w.add({"weekly", wk.week, "closed", n(wk.closed)});
  }
  const std::pair<const char*, const service::DurationStat*> durations[] = {{"first_response", &r.first_response},
                                                                            {"resolution", &r.resolution}};
  for (const auto& [table, d] : durations) {
    w.add({table, "median_seconds", "", d->median_seconds ? fmt::format("{}", *d->median_seconds) : ""});
    w.add({table, "count", "", n(d->count)});
  }
  return w.text();
}

}  // namespace

Result<Response> Api::report(Call& call) {
  // Before the query is read: whoever may not see reports learns nothing from its checks.
  REDRESS_CHECK(service::ReportService::may_view(call.actor()));
  const auto& r = call.request;
  static const std::set<std::string> kKnown = {"from", "to", "workflow", "format"};
  std::map<std::string, std::string> errors;
  refuse_unknown_params(r, kKnown, "unknown parameter; use from, to, workflow or format", errors);
  service::ReportQuery q;
  for (auto [name, day] : {std::pair{"from", &q.from}, std::pair{"to", &q.to}}) {
    if (auto text = r.query_param(name)) {
      *day = parse_day(*text);
      if (!*day) errors[name] = "a date as YYYY-MM-DD";
    }
  }
  q.workflow = r.query_param("workflow").value_or("");
  bool csv = false;
  if (auto format = r.query_param("format")) {
    csv = *format == "csv";
    if (!csv && *format != "json") errors["format"] = "json or csv";
  } else if (auto accept = r.header("Accept")) {
    csv = accepts_csv_first(*accept);
  }
  if (!errors.empty()) return fail(Error::invalid_fields(std::move(errors), "bad query parameters"));

  const auto report = REDRESS_TRY(reports_.summary(call.actor(), q));
  if (!csv) return json_response(200, report_json(report));
  Response resp;
  resp.content_type = "text/csv; charset=utf-8";
  resp.body = report_csv(report);
  resp.headers.emplace_back("Content-Disposition", "attachment; filename=\"redress-report-" +
                                                       service::format_day(report.from) + "-" +
                                                       service::format_day(report.to) + ".csv\"");
  return resp;
}

}  // namespace redress::http
