#pragma once
// Many rows into one table, several hundred per INSERT statement: one round trip and one
// statement execution per batch instead of per row, which is what makes a bulk load
// (redress generate) take minutes rather than hours on PostgreSQL and several times less
// time on SQLite. Rows go in the caller's transaction; ids are the caller's to choose.
#include <map>
#include <string>
#include <vector>

#include "store/connection.h"

namespace redress::store {

class BulkInsert {
 public:
  // row is the VALUES tuple of one row, "(?, ?, ?)" by default; it may wrap a placeholder
  // in SQL, e.g. "(?, to_tsvector('simple', ?))". Every row must give one value per "?".
  BulkInsert(Connection& c, std::string table, std::vector<std::string> columns, std::string row = "");
  BulkInsert(const BulkInsert&) = delete;
  BulkInsert& operator=(const BulkInsert&) = delete;

  // Queues a row. Nothing is written before flush, so that the caller decides the order
  // tables are written in (foreign keys are checked per statement).
  Result<void> add(Params row);
  // Writes what is queued: full batches, then the rest in batches of 256, 128, ... 1
  // rows, so that only a few distinct statements are ever prepared (and cached).
  Result<void> flush();
  int64_t rows_written() const { return written_; }

 private:
  const std::string& statement(size_t rows);
  Result<void> write(size_t first_row, size_t rows);

  Connection& c_;
  std::string head_;  // INSERT INTO table (columns) VALUES
  std::string row_;
  size_t placeholders_ = 0;
  size_t batch_rows_ = 0;
  Params pending_;
  size_t pending_rows_ = 0;
  std::map<size_t, std::string> statements_;  // by row count
  int64_t written_ = 0;
};

}  // namespace redress::store
