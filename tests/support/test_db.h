#pragma once
// Fresh, migrated databases for tests on either engine. SQLite lives in a temp folder;
// PostgreSQL gets a new database on the server named by REDRESS_TEST_PG_URL (started by
// scripts/test.sh), dropped afterwards. Without that variable PostgreSQL tests skip,
// visibly, with the reason.
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "store/database.h"

namespace redress::test {

enum class EngineParam { kSqlite, kPostgres };
std::string engine_name(EngineParam e);

class TestDatabase {
 public:
  // nullopt with skip_reason set when the engine is not available here.
  static std::unique_ptr<TestDatabase> create(EngineParam engine, std::string& skip_reason);
  ~TestDatabase();

  const std::string& url() const { return url_; }
  // A migrated pool on this database.
  store::Database& db() { return *db_; }

 private:
  TestDatabase() = default;
  std::string url_;
  std::string admin_url_;  // PostgreSQL: where to DROP DATABASE from
  std::string pg_name_;
  std::filesystem::path dir_;
  std::unique_ptr<store::Database> db_;
};

}  // namespace redress::test

// In a parameterised fixture's SetUp: makes db_ or skips the test with the reason.
#define REDRESS_OPEN_TEST_DB(engine, out)                                           \
  do {                                                                              \
    std::string redress_skip_;                                                      \
    out = ::redress::test::TestDatabase::create(engine, redress_skip_);             \
    if (!out) GTEST_SKIP() << redress_skip_;                                        \
  } while (0)
