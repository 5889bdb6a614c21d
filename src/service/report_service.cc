#include "service/report_service.h"

#include <algorithm>
#include <map>
#include <tuple>

#include <fmt/format.h>

#include "store/reason_store.h"
#include "store/report_store.h"

namespace redress::service {
namespace {

using std::chrono::days;

// The status's label from the report's workflow, else from the first workflow that has
// a status with this id (the shipped ones share "closed"); the id when none has it.
std::string status_label(const workflow::WorkflowCatalog& workflows, const std::string& workflow,
                         const std::string& status, const std::string& language) {
  for (const auto& wf : workflows.all()) {
    if (!workflow.empty() && wf.id != workflow) continue;
    if (const auto* def = wf.status(status)) return workflow::label_in(def->labels, language, status);
  }
  return status;
}

// Largest count first, then named rows by label, then the unnamed one; the id settles
// what is left so that the order never depends on the engine.
template <typename Row, typename Key>
void sort_rows(std::vector<Row>& rows, Key key) {
  std::ranges::sort(rows, [&](const Row& a, const Row& b) {
    auto [label_a, id_a] = key(a);
    auto [label_b, id_b] = key(b);
    return std::make_tuple(-a.count, !label_a.has_value(), label_a.value_or(""), id_a) <
           std::make_tuple(-b.count, !label_b.has_value(), label_b.value_or(""), id_b);
  });
}

DurationStat duration_stat(std::vector<int64_t> micros) {
  DurationStat out;
  out.count = static_cast<int64_t>(micros.size());
  if (auto m = median(std::move(micros))) out.median_seconds = *m / 1e6;
  return out;
}

}  // namespace

std::string format_day(Day day) {
  const std::chrono::year_month_day ymd{day};
  return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                     static_cast<unsigned>(ymd.day()));
}

Day week_start(Day day) {
  const std::chrono::weekday wd{day};
  return day - days((wd.c_encoding() + 6) % 7);  // Monday is 0 days after its week's start
}

std::string iso_week(Day day) {
  const Day thursday = week_start(day) + days(3);
  const std::chrono::year year = std::chrono::year_month_day{thursday}.year();
  const Day first_day = std::chrono::sys_days{year / std::chrono::January / 1};
  const auto week = (thursday - first_day).count() / 7 + 1;
  return fmt::format("{:04}-W{:02}", static_cast<int>(year), week);
}

std::optional<double> median(std::vector<int64_t> values) {
  if (values.empty()) return std::nullopt;
  const size_t mid = values.size() / 2;
  std::ranges::nth_element(values, values.begin() + static_cast<std::ptrdiff_t>(mid));
  const double upper = static_cast<double>(values[mid]);
  if (values.size() % 2 == 1) return upper;
  const double lower = static_cast<double>(*std::max_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(mid)));
  return (lower + upper) / 2;
}

Result<void> ReportService::may_view(const Actor& actor) {
  if (!actor.has_right(domain::rights::kReportsView))
    return fail(Error::forbidden("reports need the reports.view right", "right_missing"));
  return {};
}

Result<Report> ReportService::summary(const Actor& actor, const ReportQuery& query) {
  REDRESS_CHECK(may_view(actor));
  Report out;
  out.to = query.to.value_or(std::chrono::floor<days>(ctx_.clock.now()));
  out.from = query.from.value_or(out.to - days(29));
  out.workflow = query.workflow;
  std::map<std::string, std::string> errors;
  if (!out.workflow.empty() && !ctx_.workflows.find(out.workflow)) errors["workflow"] = "no workflow has this id";
  // Name what the caller gave: a `from` after today is the mistake when `to` was left out.
  const std::string range_field = query.to ? "to" : "from";
  if (out.to < out.from) {
    errors[range_field] = "the range ends before it starts (from must not be after to)";
  } else if ((out.to - out.from).count() + 1 > kMaxReportDays) {
    errors[range_field] = "a report covers at most 3 years (" + std::to_string(kMaxReportDays) + " days)";
  }
  if (!errors.empty()) return fail(Error::invalid_fields(std::move(errors), "bad report range"));

  const store::ReportScope scope{TimePoint(out.from), TimePoint(out.to + days(1)), out.workflow};
  const Day first_week = week_start(out.from);
  const std::string language = actor.language();
  return ctx_.db.transact_value<Report>(store::TxMode::kRead, [&](store::Connection& c) -> Result<Report> {
    Report r = out;
    store::ReportStore reports(c);
    REDRESS_CHECK(reports.use_one_snapshot());
    r.total = REDRESS_TRY(reports.total(scope));

    for (auto& row : REDRESS_TRY(reports.by_status(scope)))
      r.by_status.push_back({row.key, status_label(ctx_.workflows, r.workflow, row.key, language), row.count});
    sort_rows(r.by_status, [](const StatusCount& s) { return std::pair(std::optional(s.label), int64_t{0}); });

    store::ReasonStore reasons(c);
    for (const auto& row : REDRESS_TRY(reports.by_reason(scope))) {
      ReasonCount rc{row.key, std::nullopt, std::nullopt, row.count};
      if (row.key) {
        if (auto reason = REDRESS_TRY(reasons.find(*row.key))) {
          rc.code = reason->code;
          rc.label = reason->label(language);
        }
      }
      r.by_reason.push_back(std::move(rc));
    }
    sort_rows(r.by_reason, [](const ReasonCount& rc) { return std::pair(rc.label, rc.reason.value_or(0)); });

    for (auto& row : REDRESS_TRY(reports.by_assignee(scope))) {
      r.by_assignee.push_back(
          {row.user_id, row.user_id ? std::optional(std::move(row.name)) : std::nullopt, row.count});
    }
    sort_rows(r.by_assignee, [](const AssigneeCount& a) { return std::pair(a.name, a.user.value_or(0)); });

    for (auto& row : REDRESS_TRY(reports.by_channel(scope))) r.by_channel.push_back({std::move(row.key), row.count});
    sort_rows(r.by_channel, [](const ChannelCount& ch) { return std::pair(std::optional(ch.channel), int64_t{0}); });

    const auto created = REDRESS_TRY(reports.created_per_week(scope, TimePoint(first_week)));
    const auto closed = REDRESS_TRY(reports.closed_per_week(scope, TimePoint(first_week)));
    for (Day monday = first_week; monday <= r.to; monday += days(7)) {
      const int64_t n = (monday - first_week).count() / 7;
      WeekCount w{iso_week(monday), monday, 0, 0};
      if (auto it = created.find(n); it != created.end()) w.created = it->second;
      if (auto it = closed.find(n); it != closed.end()) w.closed = it->second;
      r.weekly.push_back(std::move(w));
    }

    r.first_response = duration_stat(REDRESS_TRY(reports.first_response_micros(scope)));
    r.resolution = duration_stat(REDRESS_TRY(reports.resolution_micros(scope)));
    return r;
  });
}

}  // namespace redress::service
