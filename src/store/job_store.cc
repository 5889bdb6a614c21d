#include "store/job_store.h"

#include <algorithm>
#include <tuple>

#include "core/json_parse.h"

namespace redress::store {
namespace {

constexpr const char* kJobColumns =
    "id, kind, payload, due_at, attempts, max_attempts, status, last_error, idempotency_key, locked_by, "
    "locked_until, created_at, finished_at";

Job job_from(const Row& r) {
  Job j;
  j.id = r.integer(0);
  j.kind = r.text(1);
  j.payload = parse_json(r.text(2));
  if (j.payload.is_discarded()) j.payload = nlohmann::json::object();
  j.due_at = from_micros(r.integer(3));
  j.attempts = static_cast<int>(r.integer(4));
  j.max_attempts = static_cast<int>(r.integer(5));
  j.status = r.text(6);
  j.last_error = r.opt_text(7);
  j.idempotency_key = r.opt_text(8);
  j.locked_by = r.opt_text(9);
  if (auto u = r.opt_integer(10)) j.locked_until = from_micros(*u);
  j.created_at = from_micros(r.integer(11));
  if (auto f = r.opt_integer(12)) j.finished_at = from_micros(*f);
  return j;
}

Error lease_lost(int64_t id) {
  return Error::conflict("job " + std::to_string(id) + " is no longer held by this worker", "lease_lost");
}

// LIKE treats % and _ as wildcards; the prefix is literal text.
std::string like_prefix(const std::string& prefix) {
  std::string out;
  for (char ch : prefix) {
    if (ch == '\\' || ch == '%' || ch == '_') out += '\\';
    out += ch;
  }
  return out + '%';
}

// Characters, not bytes: substr() counts characters on both engines.
int64_t utf8_length(const std::string& s) {
  int64_t n = 0;
  for (char ch : s) n += (static_cast<unsigned char>(ch) & 0xC0) != 0x80;
  return n;
}

}  // namespace

Result<std::optional<int64_t>> JobStore::enqueue(const NewJob& job, TimePoint now) {
  // ON CONFLICT DO NOTHING also covers a concurrent enqueue of the same key: PostgreSQL
  // waits for the other transaction and then skips; SQLite has a single writer.
  auto row = REDRESS_TRY(c_.query_one(
      "INSERT INTO jobs (kind, payload, due_at, attempts, max_attempts, status, idempotency_key, created_at) "
      "VALUES (?, ?, ?, 0, ?, 'pending', ?, ?) ON CONFLICT (idempotency_key) DO NOTHING RETURNING id",
      {job.kind, job.payload.dump(), to_micros(job.due_at), static_cast<int64_t>(job.max_attempts),
       null_or(job.idempotency_key), to_micros(now)}));
  if (!row) return std::optional<int64_t>();
  return std::optional<int64_t>(row->integer(0));
}

Result<std::vector<Job>> JobStore::claim(const std::string& worker, TimePoint now, int limit,
                                         std::chrono::seconds lease) {
  // The candidates are picked once (a materialised CTE) and locked as they are picked, so
  // two PostgreSQL workers skip each other's rows instead of waiting or double-claiming.
  // SQLite has no row locks; its callers claim inside a write transaction (BEGIN
  // IMMEDIATE), which serialises claimers.
  std::string sql =
      "WITH picked AS MATERIALIZED (SELECT id FROM jobs "
      "WHERE (status = 'pending' AND due_at <= ?) OR (status = 'running' AND locked_until < ?) "
      "ORDER BY due_at, id LIMIT ?";
  if (c_.engine() == Engine::kPostgres) sql += " FOR UPDATE SKIP LOCKED";
  sql += ") UPDATE jobs SET status = 'running', locked_by = ?, locked_until = ?, attempts = attempts + 1 "
         "WHERE id IN (SELECT id FROM picked) RETURNING ";
  sql += kJobColumns;
  auto rows = REDRESS_TRY(c_.query(sql, {to_micros(now), to_micros(now), static_cast<int64_t>(limit), worker,
                                         to_micros(now + lease)}));
  std::vector<Job> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back(job_from(r));
  // RETURNING yields rows in no promised order.
  std::sort(out.begin(), out.end(),
            [](const Job& a, const Job& b) { return std::tie(a.due_at, a.id) < std::tie(b.due_at, b.id); });
  return out;
}

Result<void> JobStore::check_held(int64_t id, const std::string& worker) {
  // SQLite needs no row lock: the caller's write transaction already excludes everyone.
  std::string sql = "SELECT 1 FROM jobs WHERE id = ? AND locked_by = ? AND status = 'running'";
  if (c_.engine() == Engine::kPostgres) sql += " FOR UPDATE";
  auto row = REDRESS_TRY(c_.query_one(sql, {id, worker}));
  if (!row) return ::redress::fail(lease_lost(id));
  return {};
}

Result<void> JobStore::complete(int64_t id, const std::string& worker, TimePoint now) {
  auto n = REDRESS_TRY(c_.execute(
      // locked_by stays: which node ran a job is worth knowing afterwards.
      "UPDATE jobs SET status = 'done', finished_at = ?, locked_until = NULL "
      "WHERE id = ? AND locked_by = ? AND status = 'running'",
      {to_micros(now), id, worker}));
  if (n == 0) return ::redress::fail(lease_lost(id));
  return {};
}

Result<void> JobStore::fail(int64_t id, const std::string& worker, const std::string& error, TimePoint retry_at,
                            TimePoint now, bool park_now) {
  // claim() already counted this attempt. The ELSE branches name the column itself so
  // that PostgreSQL infers each parameter's type from the column.
  auto n = REDRESS_TRY(c_.execute(
      "UPDATE jobs SET "
      "status = CASE WHEN attempts >= max_attempts OR ? = 1 THEN 'failed' ELSE 'pending' END, "
      "due_at = CASE WHEN attempts >= max_attempts OR ? = 1 THEN due_at ELSE ? END, "
      "finished_at = CASE WHEN attempts >= max_attempts OR ? = 1 THEN ? ELSE finished_at END, "
      "last_error = ?, locked_by = NULL, locked_until = NULL "
      "WHERE id = ? AND locked_by = ? AND status = 'running'",
      {int64_t{park_now}, int64_t{park_now}, to_micros(retry_at), int64_t{park_now}, to_micros(now), error, id,
       worker}));
  if (n == 0) return ::redress::fail(lease_lost(id));
  return {};
}

Result<int64_t> JobStore::cancel_pending(const std::string& key_prefix, TimePoint now) {
  // LIKE narrows the rows; substr() makes the match exact, since SQLite's LIKE ignores
  // ASCII case.
  return c_.execute(
      "UPDATE jobs SET status = 'cancelled', finished_at = ? "
      "WHERE status = 'pending' AND idempotency_key LIKE ? ESCAPE '\\' AND substr(idempotency_key, 1, ?) = ?",
      {to_micros(now), like_prefix(key_prefix), utf8_length(key_prefix), key_prefix});
}

Result<bool> JobStore::retry(int64_t id, TimePoint now) {
  auto n = REDRESS_TRY(c_.execute(
      "UPDATE jobs SET status = 'pending', attempts = 0, due_at = ?, finished_at = NULL "
      "WHERE id = ? AND status = 'failed'",
      {to_micros(now), id}));
  return n > 0;
}

Result<std::optional<Job>> JobStore::find(int64_t id) {
  auto row = REDRESS_TRY(c_.query_one(std::string("SELECT ") + kJobColumns + " FROM jobs WHERE id = ?", {id}));
  if (!row) return std::optional<Job>();
  return std::optional<Job>(job_from(*row));
}

Result<std::vector<Job>> JobStore::list(const std::string& status, int limit) {
  std::string sql = std::string("SELECT ") + kJobColumns + " FROM jobs";
  Params p;
  if (!status.empty()) {
    sql += " WHERE status = ?";
    p.emplace_back(status);
  }
  sql += " ORDER BY id DESC LIMIT ?";
  p.emplace_back(static_cast<int64_t>(limit));
  auto rows = REDRESS_TRY(c_.query(sql, p));
  std::vector<Job> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back(job_from(r));
  return out;
}

Result<std::optional<TimePoint>> JobStore::next_due() {
  auto row = REDRESS_TRY(c_.query_one("SELECT MIN(due_at) FROM jobs WHERE status = 'pending'"));
  if (!row || row->is_null(0)) return std::optional<TimePoint>();
  return std::optional<TimePoint>(from_micros(row->integer(0)));
}

Result<std::map<std::string, int64_t>> JobStore::counts() {
  auto rows = REDRESS_TRY(c_.query("SELECT status, COUNT(*) FROM jobs GROUP BY status"));
  std::map<std::string, int64_t> out;
  for (const auto& r : rows) out[r.text(0)] = r.integer(1);
  return out;
}

}  // namespace redress::store
