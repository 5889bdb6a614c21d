#pragma once
// A pool of connections to one database, and the only way to run a transaction.
// Thread-safe. Every change in Redress happens inside Database::transact, so a change,
// its history event and the jobs it implies commit or roll back together.
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "store/connection.h"

namespace redress::store {

using ConnectionFactory = std::function<Result<std::unique_ptr<Connection>>()>;

class Database {
 public:
  Database(Engine engine, ConnectionFactory factory, int pool_size, std::string description);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  Engine engine() const { return engine_; }
  const std::string& description() const { return description_; }

  // Runs fn in a transaction: commit when it returns a value, roll back on an error or
  // an exception. A "retry" error (lock contention, serialization failure) re-runs fn
  // a few times, so fn must have no effects outside the transaction.
  Result<void> transact(TxMode mode, const std::function<Result<void>(Connection&)>& fn);

  template <typename T, typename F>
  Result<T> transact_value(TxMode mode, F&& fn) {
    std::optional<T> out;
    auto r = transact(mode, [&](Connection& c) -> Result<void> {
      auto v = fn(c);
      if (!v) return fail(std::move(v).error());
      out = std::move(*v);
      return {};
    });
    if (!r) return fail(std::move(r).error());
    return std::move(*out);
  }

  // A connection outside any transaction, for migrations and tests.
  Result<void> with_connection(const std::function<Result<void>(Connection&)>& fn);

 private:
  class Lease;
  Result<std::unique_ptr<Connection>> acquire();
  void release(std::unique_ptr<Connection> c);

  // Constant after construction.
  const Engine engine_;
  const ConnectionFactory factory_;
  const int pool_size_;
  const std::string description_;

  // SQLite has one writer at a time anyway. Writers of this process queue on this mutex
  // instead of in SQLite's busy handler, which polls with sleeps of up to 100 ms and let
  // unlucky writers wait a second or more under load (the latency tail of the mail
  // intake benchmark). Another process on the same file still meets the busy handler.
  std::mutex sqlite_writer_;

  // Guarded by mutex_.
  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<Connection>> idle_;
  int open_ = 0;
};

// Opens "sqlite:PATH" or "postgresql://..." (also "postgres://"). Does not migrate.
Result<std::unique_ptr<Database>> open_database(const std::string& url, int pool_size);

}  // namespace redress::store
