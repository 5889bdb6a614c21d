#include "store/database.h"

#include <chrono>
#include <thread>

#include "core/log.h"
#include "store/postgres_connection.h"
#include "store/sqlite_connection.h"

namespace redress::store {

Database::Database(Engine engine, ConnectionFactory factory, int pool_size, std::string description)
    : engine_(engine), factory_(std::move(factory)), pool_size_(pool_size), description_(std::move(description)) {}

Database::~Database() = default;

Result<std::unique_ptr<Connection>> Database::acquire() {
  std::unique_lock lock(mutex_);
  for (;;) {
    if (!idle_.empty()) {
      auto c = std::move(idle_.back());
      idle_.pop_back();
      return c;
    }
    if (open_ < pool_size_) {
      ++open_;
      lock.unlock();
      auto c = factory_();
      if (!c) {
        lock.lock();
        --open_;
        available_.notify_one();
        return fail(std::move(c).error());
      }
      return std::move(*c);
    }
    available_.wait(lock);
  }
}

void Database::release(std::unique_ptr<Connection> c) {
  std::lock_guard lock(mutex_);
  if (c && c->healthy()) {
    idle_.push_back(std::move(c));
  } else {
    --open_;
  }
  available_.notify_one();
}

Result<void> Database::with_connection(const std::function<Result<void>(Connection&)>& fn) {
  auto c = REDRESS_TRY(acquire());
  Result<void> r;
  try {
    r = fn(*c);
  } catch (...) {
    release(std::move(c));
    throw;
  }
  release(std::move(c));
  return r;
}

Result<void> Database::transact(TxMode mode, const std::function<Result<void>(Connection&)>& fn) {
  constexpr int kAttempts = 5;
  for (int attempt = 1;; ++attempt) {
    // Taken before a pooled connection, so that queued writers do not hold connections
    // readers need. Write transactions never nest (on SQLite they could not).
    std::unique_lock<std::mutex> writer;
    if (engine_ == Engine::kSqlite && mode == TxMode::kWrite) writer = std::unique_lock(sqlite_writer_);
    auto r = with_connection([&](Connection& c) -> Result<void> {
      REDRESS_CHECK(c.begin(mode));
      Result<void> body;
      try {
        body = fn(c);
      } catch (...) {
        c.rollback();
        throw;
      }
      if (!body) {
        c.rollback();
        return body;
      }
      auto committed = c.commit();
      if (!committed) c.rollback();
      return committed;
    });
    if (writer) writer.unlock();
    if (r || r.error().reason != "retry" || attempt == kAttempts) return r;
    // Contention: back off briefly, with jitter from the attempt number and thread.
    auto jitter = std::hash<std::thread::id>{}(std::this_thread::get_id()) % 7;
    std::this_thread::sleep_for(std::chrono::milliseconds(attempt * 5 + static_cast<int>(jitter)));
  }
}

Result<std::unique_ptr<Database>> open_database(const std::string& url, int pool_size) {
  if (url.starts_with("sqlite:")) {
    std::string path = url.substr(7);
    if (path.empty()) return fail(ErrorCode::kInvalid, "database url: 'sqlite:' needs a file path");
    // Open one connection now so that a bad path fails here, with its reason.
    auto probe = open_sqlite_connection(path);
    if (!probe) return fail(std::move(probe).error());
    auto db = std::make_unique<Database>(
        Engine::kSqlite, [path]() { return open_sqlite_connection(path); }, pool_size, "sqlite:" + path);
    return db;
  }
  if (url.starts_with("postgresql://") || url.starts_with("postgres://")) {
    auto probe = open_postgres_connection(url);
    if (!probe) return fail(std::move(probe).error());
    auto db = std::make_unique<Database>(
        Engine::kPostgres, [url]() { return open_postgres_connection(url); }, pool_size, "postgresql");
    return db;
  }
  return fail(ErrorCode::kInvalid, "database url: expected sqlite:PATH or postgresql://..., got '" + url + "'");
}

}  // namespace redress::store
