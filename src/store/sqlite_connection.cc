#include "store/sqlite_connection.h"

#include <sqlite3.h>

#include <unordered_map>

namespace redress::store {
namespace {

class SqliteConnection final : public Connection {
 public:
  explicit SqliteConnection(sqlite3* db) : db_(db) {}
  ~SqliteConnection() override {
    for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
    sqlite3_close_v2(db_);
  }

  Engine engine() const override { return Engine::kSqlite; }

  Result<Rows> query(std::string_view sql, const Params& params) override {
    Rows rows;
    REDRESS_CHECK(run(sql, params, &rows));
    return rows;
  }

  Result<int64_t> execute(std::string_view sql, const Params& params) override {
    REDRESS_CHECK(run(sql, params, nullptr));
    return static_cast<int64_t>(sqlite3_changes64(db_));
  }

  Result<void> execute_script(std::string_view sql) override {
    char* err = nullptr;
    std::string text(sql);
    if (sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      std::string msg = err ? err : "unknown error";
      sqlite3_free(err);
      return fail(error_from(sqlite3_extended_errcode(db_), msg));
    }
    return {};
  }

  Result<void> begin(TxMode mode) override {
    return execute_script(mode == TxMode::kWrite ? "BEGIN IMMEDIATE" : "BEGIN");
  }
  Result<void> commit() override { return execute_script("COMMIT"); }
  void rollback() noexcept override {
    if (!sqlite3_get_autocommit(db_)) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }

  static Error error_from(int code, const std::string& msg) {
    int primary = code & 0xff;
    if (code == SQLITE_CONSTRAINT_UNIQUE || code == SQLITE_CONSTRAINT_PRIMARYKEY)
      return Error::conflict(msg, "unique_violation");
    if (code == SQLITE_CONSTRAINT_FOREIGNKEY) return Error::conflict(msg, "foreign_key_violation");
    if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) {
      Error e = Error::unavailable("database is busy: " + msg);
      e.reason = "retry";
      return e;
    }
    if (primary == SQLITE_CONSTRAINT) return Error::conflict(msg, "constraint_violation");
    return Error::internal("sqlite: " + msg);
  }

 private:
  Result<sqlite3_stmt*> prepare(std::string_view sql) {
    auto it = cache_.find(std::string(sql));
    if (it != cache_.end()) return it->second;
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt,
                           nullptr) != SQLITE_OK) {
      return fail(error_from(sqlite3_extended_errcode(db_), std::string(sqlite3_errmsg(db_)) + " in: " +
                                                               std::string(sql.substr(0, 200))));
    }
    cache_.emplace(std::string(sql), stmt);
    return stmt;
  }

  Result<void> run(std::string_view sql, const Params& params, Rows* out) {
    sqlite3_stmt* stmt = REDRESS_TRY(prepare(sql));
    struct Reset {
      sqlite3_stmt* s;
      ~Reset() {
        sqlite3_reset(s);
        sqlite3_clear_bindings(s);
      }
    } reset{stmt};
    if (static_cast<int>(params.size()) != sqlite3_bind_parameter_count(stmt))
      return fail(Error::internal("sqlite: parameter count mismatch in: " + std::string(sql.substr(0, 200))));
    for (size_t i = 0; i < params.size(); ++i) {
      int idx = static_cast<int>(i + 1);
      const Value& v = params[i];
      if (std::holds_alternative<Null>(v)) {
        sqlite3_bind_null(stmt, idx);
      } else if (auto p = std::get_if<int64_t>(&v)) {
        sqlite3_bind_int64(stmt, idx, *p);
      } else if (auto p = std::get_if<double>(&v)) {
        sqlite3_bind_double(stmt, idx, *p);
      } else {
        const auto& s = std::get<std::string>(v);
        // STATIC: SQLite reads the caller's bytes instead of copying them (a 40 MiB mail is
        // stored as 53 MiB of base64). They outlive every step: params live through this
        // call, and the Reset above clears the bindings before it returns.
        sqlite3_bind_text64(stmt, idx, s.data(), s.size(), SQLITE_STATIC, SQLITE_UTF8);
      }
    }
    for (;;) {
      int rc = sqlite3_step(stmt);
      if (rc == SQLITE_DONE) return {};
      if (rc != SQLITE_ROW) return fail(error_from(sqlite3_extended_errcode(db_), sqlite3_errmsg(db_)));
      if (!out) continue;
      int n = sqlite3_column_count(stmt);
      std::vector<Value> values;
      values.reserve(n);
      for (int c = 0; c < n; ++c) {
        switch (sqlite3_column_type(stmt, c)) {
          case SQLITE_NULL: values.emplace_back(Null{}); break;
          case SQLITE_INTEGER: values.emplace_back(static_cast<int64_t>(sqlite3_column_int64(stmt, c))); break;
          case SQLITE_FLOAT: values.emplace_back(sqlite3_column_double(stmt, c)); break;
          default: {
            auto p = reinterpret_cast<const char*>(sqlite3_column_text(stmt, c));
            values.emplace_back(std::string(p ? p : "", sqlite3_column_bytes(stmt, c)));
          }
        }
      }
      out->emplace_back(std::move(values));
    }
  }

  sqlite3* db_;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

}  // namespace

Result<std::unique_ptr<Connection>> open_sqlite_connection(const std::string& path) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                           nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close_v2(db);
    return fail(ErrorCode::kInvalid, "database sqlite:" + path + ": " + msg);
  }
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, 10000);
  auto conn = std::make_unique<SqliteConnection>(db);
  // journal_mode=WAL fails on a path that is not a database (e.g. a text file).
  auto r = conn->execute_script(
      "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL; PRAGMA temp_store=MEMORY;");
  if (!r) return fail(ErrorCode::kInvalid, "database sqlite:" + path + ": " + r.error().message);
  return std::unique_ptr<Connection>(std::move(conn));
}

}  // namespace redress::store
