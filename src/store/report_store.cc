#include "store/report_store.h"

namespace redress::store {
namespace {

// The tickets of a scope; takes scope_params(s).
constexpr const char* kScope = "t.created_at >= ? AND t.created_at < ? AND (? = '' OR t.workflow = ?)";

Params scope_params(const ReportScope& s) { return {to_micros(s.from), to_micros(s.until), s.workflow, s.workflow}; }

constexpr int64_t kWeekMicros = int64_t{7} * 24 * 3600 * 1'000'000;

}  // namespace

Result<void> ReportStore::use_one_snapshot() {
  if (c_.engine() != Engine::kPostgres) return {};
  return c_.execute_script("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
}

Result<Rows> ReportStore::grouped(const std::string& key, const std::string& joins, const ReportScope& s) {
  return c_.query("SELECT " + key + ", COUNT(DISTINCT t.id) FROM tickets t " + joins + " WHERE " + kScope +
                      " GROUP BY " + key,
                  scope_params(s));
}

Result<int64_t> ReportStore::total(const ReportScope& s) {
  auto row = REDRESS_TRY(c_.query_one(std::string("SELECT COUNT(*) FROM tickets t WHERE ") + kScope, scope_params(s)));
  return row ? row->integer(0) : 0;
}

Result<std::vector<KeyCount<std::string>>> ReportStore::by_status(const ReportScope& s) {
  std::vector<KeyCount<std::string>> out;
  for (const auto& r : REDRESS_TRY(grouped("t.status", "", s))) out.push_back({r.text(0), r.integer(1)});
  return out;
}

Result<std::vector<KeyCount<std::optional<int64_t>>>> ReportStore::by_reason(const ReportScope& s) {
  std::vector<KeyCount<std::optional<int64_t>>> out;
  for (const auto& r : REDRESS_TRY(grouped("t.reason_id", "", s))) out.push_back({r.opt_integer(0), r.integer(1)});
  return out;
}

Result<std::vector<AssigneeCount>> ReportStore::by_assignee(const ReportScope& s) {
  auto rows = REDRESS_TRY(grouped(
      "a.user_id, u.name", "LEFT JOIN ticket_assignees a ON a.ticket_id = t.id LEFT JOIN users u ON u.id = a.user_id", s));
  std::vector<AssigneeCount> out;
  for (const auto& r : rows) out.push_back({r.opt_integer(0), r.text(1), r.integer(2)});
  return out;
}

Result<std::vector<KeyCount<std::string>>> ReportStore::by_channel(const ReportScope& s) {
  std::vector<KeyCount<std::string>> out;
  for (const auto& r : REDRESS_TRY(grouped("t.channel", "", s))) out.push_back({r.text(0), r.integer(1)});
  return out;
}

Result<std::map<int64_t, int64_t>> ReportStore::per_week(const std::string& column, const ReportScope& s,
                                                         TimePoint week_origin) {
  // Both engines divide integers towards zero; no time counted is before week_origin.
  const std::string col = "t." + column;
  auto rows = REDRESS_TRY(c_.query("SELECT (" + col + " - ?) / ? AS week, COUNT(*) FROM tickets t WHERE " + col +
                                       " >= ? AND " + col + " < ? AND (? = '' OR t.workflow = ?) GROUP BY week",
                                   {to_micros(week_origin), kWeekMicros, to_micros(s.from), to_micros(s.until),
                                    s.workflow, s.workflow}));
  std::map<int64_t, int64_t> out;
  for (const auto& r : rows) out[r.integer(0)] = r.integer(1);
  return out;
}

Result<std::map<int64_t, int64_t>> ReportStore::created_per_week(const ReportScope& s, TimePoint week_origin) {
  return per_week("created_at", s, week_origin);
}

Result<std::map<int64_t, int64_t>> ReportStore::closed_per_week(const ReportScope& s, TimePoint week_origin) {
  return per_week("closed_at", s, week_origin);
}

Result<std::vector<int64_t>> ReportStore::durations(const std::string& sql, const ReportScope& s) {
  std::vector<int64_t> out;
  for (const auto& r : REDRESS_TRY(c_.query(sql, scope_params(s)))) out.push_back(r.integer(0));
  return out;
}

Result<std::vector<int64_t>> ReportStore::first_response_micros(const ReportScope& s) {
  // Staff replies are "reply" messages; "mail_out" rows with a staff author are mails an
  // agent sent (an acknowledgement). Automatic mails have no author and do not count.
  return durations(std::string("SELECT MIN(m.created_at) - t.created_at FROM tickets t "
                               "JOIN messages m ON m.ticket_id = t.id JOIN users u ON u.id = m.author_user_id "
                               "WHERE ") +
                       kScope +
                       " AND m.visibility = 'public' AND m.kind IN ('reply', 'mail_out') AND u.role <> 'customer' "
                       "GROUP BY t.id, t.created_at",
                   s);
}

Result<std::vector<int64_t>> ReportStore::resolution_micros(const ReportScope& s) {
  return durations(std::string("SELECT t.closed_at - t.created_at FROM tickets t WHERE ") + kScope +
                       " AND t.closed_at IS NOT NULL",
                   s);
}

}  // namespace redress::store
