#pragma once
// Versioned schema migrations, compiled into the binary: src/store/migrations/<engine>/
// NNNN_name.sql. Each pending one runs in its own transaction with its bookkeeping row,
// so a failed migration leaves the schema as it was. Safe when several processes start
// at once (PostgreSQL: advisory lock; SQLite: the write lock).
#include <string>
#include <vector>

#include "store/database.h"

namespace redress::store {

struct AppliedMigration {
  int version;
  std::string name;
};

// Applies what is pending; returns what it applied (empty when up to date).
Result<std::vector<AppliedMigration>> migrate(Database& db);

}  // namespace redress::store
