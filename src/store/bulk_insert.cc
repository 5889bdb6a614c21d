#include "store/bulk_insert.h"

#include <algorithm>
#include <iterator>
#include <stdexcept>

namespace redress::store {
namespace {

// SQLite (3.32+) takes up to 32,766 parameters in one statement and PostgreSQL 65,535;
// past a few hundred rows a bigger batch gains nothing.
constexpr size_t kMaxParameters = 30000;
constexpr size_t kMaxRows = 500;

}  // namespace

BulkInsert::BulkInsert(Connection& c, std::string table, std::vector<std::string> columns, std::string row)
    : c_(c), row_(std::move(row)) {
  if (columns.empty()) throw std::invalid_argument("BulkInsert: no columns");
  head_ = "INSERT INTO " + table + " (";
  for (size_t i = 0; i < columns.size(); ++i) head_ += (i ? ", " : "") + columns[i];
  head_ += ") VALUES ";
  if (row_.empty()) {
    row_ = "(";
    for (size_t i = 0; i < columns.size(); ++i) row_ += i ? ", ?" : "?";
    row_ += ")";
  }
  placeholders_ = static_cast<size_t>(std::count(row_.begin(), row_.end(), '?'));
  if (placeholders_ == 0) throw std::invalid_argument("BulkInsert: a row needs placeholders");
  batch_rows_ = std::min(kMaxRows, kMaxParameters / placeholders_);
}

const std::string& BulkInsert::statement(size_t rows) {
  auto it = statements_.find(rows);
  if (it != statements_.end()) return it->second;
  std::string sql = head_;
  sql.reserve(head_.size() + rows * (row_.size() + 2));
  for (size_t i = 0; i < rows; ++i) {
    if (i) sql += ", ";
    sql += row_;
  }
  return statements_.emplace(rows, std::move(sql)).first->second;
}

Result<void> BulkInsert::add(Params row) {
  if (row.size() != placeholders_) {
    return fail(Error::internal("BulkInsert: " + std::to_string(row.size()) + " values for " +
                                std::to_string(placeholders_) + " placeholders"));
  }
  for (auto& v : row) pending_.push_back(std::move(v));
  ++pending_rows_;
  return {};
}

Result<void> BulkInsert::write(size_t first_row, size_t rows) {
  const auto first = pending_.begin() + static_cast<std::ptrdiff_t>(first_row * placeholders_);
  Params values(std::make_move_iterator(first), std::make_move_iterator(first + static_cast<std::ptrdiff_t>(rows * placeholders_)));
  auto done = c_.execute(statement(rows), values);
  if (!done) return fail(std::move(done).error());
  written_ += static_cast<int64_t>(rows);
  return {};
}

Result<void> BulkInsert::flush() {
  size_t row = 0;
  while (pending_rows_ - row >= batch_rows_) {
    REDRESS_CHECK(write(row, batch_rows_));
    row += batch_rows_;
  }
  for (size_t size = 256; size > 0; size /= 2) {
    while (pending_rows_ - row >= size) {
      REDRESS_CHECK(write(row, size));
      row += size;
    }
  }
  pending_.clear();
  pending_rows_ = 0;
  return {};
}

}  // namespace redress::store
