#include "support/test_db.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <random>

#include "core/crypto.h"
#include "store/migrations.h"

namespace redress::test {
namespace {

// Replaces the database name (the path after host[:port]/) in a postgresql:// URL.
std::string with_database(const std::string& url, const std::string& name) {
  auto scheme = url.find("://");
  auto slash = url.find('/', scheme + 3);
  auto query = url.find('?', scheme + 3);
  std::string base = url.substr(0, slash == std::string::npos ? std::min(query, url.size()) : slash);
  std::string tail = query == std::string::npos ? "" : url.substr(query);
  return base + "/" + name + tail;
}

}  // namespace

std::string engine_name(EngineParam e) { return e == EngineParam::kSqlite ? "sqlite" : "postgres"; }

std::unique_ptr<TestDatabase> TestDatabase::create(EngineParam engine, std::string& skip_reason) {
  std::unique_ptr<TestDatabase> t(new TestDatabase());
  if (engine == EngineParam::kSqlite) {
    t->dir_ = std::filesystem::temp_directory_path() / ("redress-test-" + crypto::random_token(8));
    std::filesystem::create_directories(t->dir_);
    t->url_ = "sqlite:" + (t->dir_ / "test.db").string();
  } else {
    const char* admin = std::getenv("REDRESS_TEST_PG_URL");
    if (!admin || !*admin) {
      // In CI the test script always starts PostgreSQL: a missing URL there is a failure.
      if (std::getenv("CI")) ADD_FAILURE() << "CI is set but REDRESS_TEST_PG_URL is not";
      skip_reason = "PostgreSQL not available: set REDRESS_TEST_PG_URL (scripts/test.sh starts a server)";
      return nullptr;
    }
    t->admin_url_ = admin;
    std::string token = crypto::random_token(9);
    std::string name = "redress_t_";
    for (char c : token) name += std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::tolower(c)) : '_';
    t->pg_name_ = name;
    auto admin_db = store::open_database(t->admin_url_, 1);
    if (!admin_db) {
      ADD_FAILURE() << "cannot reach REDRESS_TEST_PG_URL: " << admin_db.error().message;
      skip_reason = "PostgreSQL unreachable";
      return nullptr;
    }
    auto made = (*admin_db)->with_connection(
        [&](store::Connection& c) { return c.execute_script("CREATE DATABASE " + name); });
    if (!made) {
      ADD_FAILURE() << "CREATE DATABASE failed: " << made.error().message;
      skip_reason = "PostgreSQL CREATE DATABASE failed";
      return nullptr;
    }
    t->url_ = with_database(t->admin_url_, name);
  }
  auto db = store::open_database(t->url_, 8);
  if (!db) {
    ADD_FAILURE() << db.error().message;
    skip_reason = "cannot open test database";
    return nullptr;
  }
  t->db_ = std::move(*db);
  auto migrated = store::migrate(*t->db_);
  if (!migrated) {
    ADD_FAILURE() << "migration failed: " << migrated.error().message;
    skip_reason = "migration failed";
    return nullptr;
  }
  return t;
}

TestDatabase::~TestDatabase() {
  db_.reset();
  if (!pg_name_.empty()) {
    if (auto admin = store::open_database(admin_url_, 1)) {
      (void)(*admin)->with_connection([&](store::Connection& c) {
        return c.execute_script("DROP DATABASE IF EXISTS " + pg_name_ + " WITH (FORCE)");
      });
    }
  }
  if (!dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
}

}  // namespace redress::test
