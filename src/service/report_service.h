#pragma once
// Reports (F16): for the tickets created in a date range (of one workflow, or all),
// counts by status, reason, assignee and channel; tickets created and closed per ISO week;
// median times to the first staff response and to resolution. Read in one transaction, at
// one snapshot, with the grouping done by the database. Labels in the caller's language.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "service/context.h"

namespace redress::service {

using Day = std::chrono::sys_days;  // a UTC calendar day

struct ReportQuery {
  std::optional<Day> from;  // inclusive; default: 29 days before `to`
  std::optional<Day> to;    // inclusive; default: today (the service's clock)
  std::string workflow;     // "" every workflow
};

// Rows sorted by count, largest first, then by label. "None" rows (no reason, nobody
// assigned) have no id and no label: the UI words them.
struct StatusCount {
  std::string status;
  std::string label;
  int64_t count = 0;
};
struct ReasonCount {
  std::optional<int64_t> reason;
  std::optional<std::string> code;
  std::optional<std::string> label;
  int64_t count = 0;
};
struct AssigneeCount {
  std::optional<int64_t> user;
  std::optional<std::string> name;
  int64_t count = 0;
};
struct ChannelCount {
  std::string channel;
  int64_t count = 0;
};
// One ISO week (Monday to Sunday) of the range; the first and last may start or end
// outside it, and count only what falls inside.
struct WeekCount {
  std::string week;  // "2026-W47"
  Day start;         // its Monday
  int64_t created = 0;
  int64_t closed = 0;  // tickets closed that week, whenever created (of the workflow)
};
struct DurationStat {
  std::optional<double> median_seconds;  // none when count is 0
  int64_t count = 0;                     // tickets that had one
};

struct Report {
  Day from;
  Day to;
  std::string workflow;  // "" all
  int64_t total = 0;
  std::vector<StatusCount> by_status;
  std::vector<ReasonCount> by_reason;
  std::vector<AssigneeCount> by_assignee;
  std::vector<ChannelCount> by_channel;
  std::vector<WeekCount> weekly;
  DurationStat first_response;
  DurationStat resolution;
};

// At most this many days, from and to included (three years).
inline constexpr int kMaxReportDays = 3 * 365 + 1;

class ReportService {
 public:
  explicit ReportService(Context& ctx) : ctx_(ctx) {}

  // Forbidden ("right_missing") without reports.view: for callers that check it before
  // reading the rest of a request.
  static Result<void> may_view(const Actor& actor);

  // Needs reports.view (see may_view). Invalid naming `to` when it is before
  // `from` or the range is longer than kMaxReportDays (`from` when `to` was not given),
  // `workflow` when no workflow has that id.
  Result<Report> summary(const Actor& actor, const ReportQuery& query);

 private:
  Context& ctx_;
};

// "2026-11-16".
std::string format_day(Day day);
// "2026-W47": the ISO 8601 week holding day (its year is that of the week's Thursday).
std::string iso_week(Day day);
// The Monday of day's ISO week.
Day week_start(Day day);
// The median of values (the mean of the middle two for an even count); none when empty.
std::optional<double> median(std::vector<int64_t> values);

}  // namespace redress::service
