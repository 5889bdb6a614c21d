#pragma once
// The aggregates behind reports (F16): counts grouped in SQL and, for medians, one
// duration per ticket. Never loads tickets. One SQL text serves both engines. A store
// works inside the caller's transaction; call use_one_snapshot() first so that every
// table of a report counts the same tickets.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "store/connection.h"

namespace redress::store {

// Tickets created in [from, until), of workflow ("" any).
struct ReportScope {
  TimePoint from;
  TimePoint until;
  std::string workflow;
};

template <typename Key>
struct KeyCount {
  Key key;
  int64_t count = 0;
};

struct AssigneeCount {
  std::optional<int64_t> user_id;  // none: tickets without any assignee
  std::string name;
  int64_t count = 0;
};

class ReportStore {
 public:
  explicit ReportStore(Connection& c) : c_(c) {}

  // PostgreSQL reads each statement at its own snapshot in READ COMMITTED: this makes the
  // transaction one snapshot (SQLite's read transaction already is). Before any read.
  Result<void> use_one_snapshot();

  Result<int64_t> total(const ReportScope& s);
  Result<std::vector<KeyCount<std::string>>> by_status(const ReportScope& s);
  // Key none: tickets without a reason.
  Result<std::vector<KeyCount<std::optional<int64_t>>>> by_reason(const ReportScope& s);
  // Once per distinct user assigned under any role; a ticket with two counts for both.
  Result<std::vector<AssigneeCount>> by_assignee(const ReportScope& s);
  Result<std::vector<KeyCount<std::string>>> by_channel(const ReportScope& s);
  // Week n counts times in [week_origin + n weeks, week_origin + n + 1 weeks); weeks
  // without any are absent. Tickets of the scope, by when they were created.
  Result<std::map<int64_t, int64_t>> created_per_week(const ReportScope& s, TimePoint week_origin);
  // Tickets closed in [s.from, s.until) (whenever created, of s.workflow);
  // a ticket counts in the week it was last closed (reopening clears closed_at).
  Result<std::map<int64_t, int64_t>> closed_per_week(const ReportScope& s, TimePoint week_origin);
  // Per ticket of the scope answered by staff: microseconds from its creation to the first
  // public message written by staff (a reply, or a mail such as an acknowledgement an
  // agent sent; not a note, not an automatic mail, not a customer's message).
  Result<std::vector<int64_t>> first_response_micros(const ReportScope& s);
  // Per closed ticket of the scope: microseconds from its creation to its closing.
  Result<std::vector<int64_t>> resolution_micros(const ReportScope& s);

 private:
  // `SELECT key, COUNT(DISTINCT t.id) FROM tickets t <joins> WHERE <scope> GROUP BY key`.
  Result<Rows> grouped(const std::string& key, const std::string& joins, const ReportScope& s);
  Result<std::map<int64_t, int64_t>> per_week(const std::string& column, const ReportScope& s, TimePoint week_origin);
  Result<std::vector<int64_t>> durations(const std::string& sql, const ReportScope& s);
  Connection& c_;
};

}  // namespace redress::store
