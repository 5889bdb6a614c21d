#pragma once
// The one seam between Redress and a SQL engine. SQL is written once with `?`
// placeholders; each driver adapts it (PostgreSQL rewrites them to $1..$n). Booleans are
// stored as integers 0/1 on both engines so that rows read the same everywhere.
//
// A Connection is used by one thread at a time; the Database pool hands them out.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/error.h"

namespace redress::store {

enum class Engine { kSqlite, kPostgres };

struct Null {
  bool operator==(const Null&) const = default;
};
using Value = std::variant<Null, int64_t, double, std::string>;
using Params = std::vector<Value>;

inline Value null_or(const std::optional<std::string>& v) { return v ? Value(*v) : Value(Null{}); }
inline Value null_or(const std::optional<int64_t>& v) { return v ? Value(*v) : Value(Null{}); }

// One result row. Drivers may deliver integers as text (PostgreSQL's text protocol):
// the accessors convert, so callers never care which engine answered.
class Row {
 public:
  explicit Row(std::vector<Value> values) : values_(std::move(values)) {}
  size_t size() const { return values_.size(); }
  bool is_null(size_t i) const { return std::holds_alternative<Null>(values_.at(i)); }
  int64_t integer(size_t i) const;  // 0 when NULL
  double real(size_t i) const;
  std::string text(size_t i) const;  // "" when NULL
  bool boolean(size_t i) const { return integer(i) != 0; }
  std::optional<int64_t> opt_integer(size_t i) const;
  std::optional<std::string> opt_text(size_t i) const;
  const Value& value(size_t i) const { return values_.at(i); }

 private:
  std::vector<Value> values_;
};

using Rows = std::vector<Row>;

enum class TxMode { kRead, kWrite };

// Errors: unique and foreign-key violations come back as ErrorCode::kConflict with
// reason "unique_violation" / "foreign_key_violation"; lock contention and serialization
// failures as kUnavailable with reason "retry"; a lost connection as kUnavailable.
class Connection {
 public:
  virtual ~Connection() = default;
  virtual Engine engine() const = 0;

  // Runs one statement and returns every row it yields.
  virtual Result<Rows> query(std::string_view sql, const Params& params = {}) = 0;
  // Runs one statement; returns the number of rows it changed.
  virtual Result<int64_t> execute(std::string_view sql, const Params& params = {}) = 0;
  // Runs several statements with no parameters (migrations).
  virtual Result<void> execute_script(std::string_view sql) = 0;

  // Write transactions take the write lock up front on SQLite (BEGIN IMMEDIATE) so
  // that two writers never deadlock on a lock upgrade.
  virtual Result<void> begin(TxMode mode) = 0;
  virtual Result<void> commit() = 0;
  virtual void rollback() noexcept = 0;

  // False once the link to the server is known to be broken; the pool then drops it.
  virtual bool healthy() const { return true; }

  // Convenience: the first row, or nullopt.
  Result<std::optional<Row>> query_one(std::string_view sql, const Params& params = {});
};

}  // namespace redress::store
