#include "store/migrations.h"

#include <charconv>

#include "core/clock.h"
#include "core/embedded.h"
#include "store/ticket_store.h"

namespace redress::store {
namespace {

struct Migration {
  int version;
  std::string name;
  std::string_view sql;
};

std::vector<Migration> migrations_for(Engine engine) {
  std::string dir = engine == Engine::kSqlite ? "src/store/migrations/sqlite/" : "src/store/migrations/postgres/";
  std::vector<Migration> out;
  for (const auto& f : embedded_files_under(dir)) {
    std::string_view file = f.path.substr(dir.size());
    int version = 0;
    auto [p, ec] = std::from_chars(file.data(), file.data() + file.size(), version);
    if (ec != std::errc() || *p != '_') continue;  // not a migration file
    std::string name(file.substr(p - file.data() + 1));
    if (name.ends_with(".sql")) name.resize(name.size() - 4);
    out.push_back({version, std::move(name), f.content});
  }
  return out;
}

// Steps a script cannot do, run after the migration's SQL in its transaction: what the
// program alone knows how to build.
Result<void> after_script(int version, Connection& c) {
  if (version == 11) {
    // 0011_public_search: the search documents of tickets with internal messages, now split
    // into their public and internal parts.
    auto rows = REDRESS_TRY(c.query("SELECT DISTINCT ticket_id FROM messages WHERE visibility <> 'public'"));
    TicketStore tickets(c);
    for (const auto& r : rows) REDRESS_CHECK(tickets.reindex(r.integer(0)));
  }
  return {};
}

// Arbitrary constant: the advisory lock key for "migrating Redress".
constexpr int64_t kMigrationLockKey = 0x52656472657373;

}  // namespace

Result<std::vector<AppliedMigration>> migrate(Database& db) {
  REDRESS_CHECK(db.with_connection([](Connection& c) {
    return c.execute_script(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)");
  }));
  std::vector<AppliedMigration> applied;
  SystemClock clock;
  for (const auto& m : migrations_for(db.engine())) {
    REDRESS_CHECK(db.transact(TxMode::kWrite, [&](Connection& c) -> Result<void> {
      if (c.engine() == Engine::kPostgres) {
        REDRESS_CHECK(c.query("SELECT pg_advisory_xact_lock(?)", {kMigrationLockKey}));
      }
      auto done = REDRESS_TRY(c.query_one("SELECT 1 FROM schema_migrations WHERE version = ?",
                                          {static_cast<int64_t>(m.version)}));
      if (done) return {};
      auto r = c.execute_script(m.sql);
      if (r) r = after_script(m.version, c);
      if (!r) {
        return fail(ErrorCode::kInternal,
                    "migration " + std::to_string(m.version) + " (" + m.name + ") failed: " + r.error().message);
      }
      REDRESS_CHECK(c.execute("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                              {static_cast<int64_t>(m.version), m.name, to_micros(clock.now())}));
      applied.push_back({m.version, m.name});
      return {};
    }));
  }
  return applied;
}

}  // namespace redress::store
