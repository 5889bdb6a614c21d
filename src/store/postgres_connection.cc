#include "store/postgres_connection.h"

#include <libpq-fe.h>

#include <charconv>
#include <unordered_map>

namespace redress::store {
namespace {

// Type OIDs from pg_type.h; libpq does not export the catalogue headers.
constexpr Oid kInt8Oid = 20, kInt2Oid = 21, kInt4Oid = 23, kFloat4Oid = 700, kFloat8Oid = 701;

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using PgResult = std::unique_ptr<PGresult, ResultDeleter>;

// Rewrites `?` placeholders to $1..$n, leaving quoted text and identifiers alone.
std::string rewrite_placeholders(std::string_view sql) {
  std::string out;
  out.reserve(sql.size() + 16);
  int n = 0;
  char quote = 0;
  for (char c : sql) {
    if (quote) {
      if (c == quote) quote = 0;
      out += c;
    } else if (c == '\'' || c == '"') {
      quote = c;
      out += c;
    } else if (c == '?') {
      out += '$';
      out += std::to_string(++n);
    } else {
      out += c;
    }
  }
  return out;
}

class PostgresConnection final : public Connection {
 public:
  explicit PostgresConnection(PGconn* conn) : conn_(conn) {}
  ~PostgresConnection() override { PQfinish(conn_); }

  Engine engine() const override { return Engine::kPostgres; }
  bool healthy() const override { return PQstatus(conn_) == CONNECTION_OK; }

  Result<Rows> query(std::string_view sql, const Params& params) override {
    auto res = REDRESS_TRY(run(sql, params));
    Rows rows;
    int nrows = PQntuples(res.get());
    int ncols = PQnfields(res.get());
    rows.reserve(nrows);
    for (int r = 0; r < nrows; ++r) {
      std::vector<Value> values;
      values.reserve(ncols);
      for (int c = 0; c < ncols; ++c) {
        if (PQgetisnull(res.get(), r, c)) {
          values.emplace_back(Null{});
          continue;
        }
        const char* p = PQgetvalue(res.get(), r, c);
        int len = PQgetlength(res.get(), r, c);
        Oid type = PQftype(res.get(), c);
        if (type == kInt8Oid || type == kInt4Oid || type == kInt2Oid) {
          int64_t n = 0;
          std::from_chars(p, p + len, n);
          values.emplace_back(n);
        } else if (type == kFloat8Oid || type == kFloat4Oid) {
          values.emplace_back(std::strtod(p, nullptr));
        } else {
          values.emplace_back(std::string(p, len));
        }
      }
      rows.emplace_back(std::move(values));
    }
    return rows;
  }

  Result<int64_t> execute(std::string_view sql, const Params& params) override {
    auto res = REDRESS_TRY(run(sql, params));
    const char* n = PQcmdTuples(res.get());
    return n && *n ? std::stoll(n) : int64_t{0};
  }

  Result<void> execute_script(std::string_view sql) override {
    std::string text(sql);
    PgResult res(PQexec(conn_, text.c_str()));
    return check(res.get());
  }

  Result<void> begin(TxMode mode) override {
    return execute_script(mode == TxMode::kWrite ? "BEGIN" : "BEGIN READ ONLY");
  }
  Result<void> commit() override { return execute_script("COMMIT"); }
  void rollback() noexcept override {
    if (PQtransactionStatus(conn_) != PQTRANS_IDLE) PQclear(PQexec(conn_, "ROLLBACK"));
  }

 private:
  Result<PgResult> run(std::string_view sql, const Params& params) {
    const std::string name = REDRESS_TRY(prepare(sql, static_cast<int>(params.size())));
    std::vector<std::string> texts(params.size());
    std::vector<const char*> values(params.size(), nullptr);
    for (size_t i = 0; i < params.size(); ++i) {
      const Value& v = params[i];
      if (std::holds_alternative<Null>(v)) continue;
      if (auto p = std::get_if<int64_t>(&v)) {
        texts[i] = std::to_string(*p);
      } else if (auto p = std::get_if<double>(&v)) {
        texts[i] = std::to_string(*p);
      } else {
        texts[i] = std::get<std::string>(v);
      }
      values[i] = texts[i].c_str();
    }
    PgResult res(PQexecPrepared(conn_, name.c_str(), static_cast<int>(params.size()), values.data(), nullptr,
                                nullptr, 0));
    REDRESS_CHECK(check(res.get()));
    return res;
  }

  Result<std::string> prepare(std::string_view sql, int nparams) {
    auto it = prepared_.find(std::string(sql));
    if (it != prepared_.end()) return it->second;
    std::string name = "r" + std::to_string(prepared_.size() + 1);
    std::string text = rewrite_placeholders(sql);
    PgResult res(PQprepare(conn_, name.c_str(), text.c_str(), nparams, nullptr));
    REDRESS_CHECK(check(res.get()));
    return prepared_.emplace(std::string(sql), std::move(name)).first->second;
  }

  Result<void> check(PGresult* res) {
    auto status = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return {};
    std::string msg = res ? PQresultErrorMessage(res) : PQerrorMessage(conn_);
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
    std::string code = state ? state : "";
    if (code == "23505") return fail(Error::conflict(msg, "unique_violation"));
    if (code == "23503") return fail(Error::conflict(msg, "foreign_key_violation"));
    if (code.starts_with("23")) return fail(Error::conflict(msg, "constraint_violation"));
    if (code == "40001" || code == "40P01" || code == "55P03") {
      Error e = Error::unavailable("database contention: " + msg);
      e.reason = "retry";
      return fail(std::move(e));
    }
    if (!healthy() || code.starts_with("08")) return fail(Error::unavailable("postgresql: " + msg));
    return fail(Error::internal("postgresql: " + msg));
  }

  PGconn* conn_;
  std::unordered_map<std::string, std::string> prepared_;
};

}  // namespace

Result<std::unique_ptr<Connection>> open_postgres_connection(const std::string& url) {
  PGconn* conn = PQconnectdb(url.c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string msg = PQerrorMessage(conn);
    PQfinish(conn);
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    auto nl = msg.find('\n');
    if (nl != std::string::npos) msg = msg.substr(0, nl);
    return fail(Error::unavailable("database postgresql: " + msg));
  }
  auto c = std::make_unique<PostgresConnection>(conn);
  // Quiet NOTICEs (e.g. "relation already exists, skipping") would go to stderr.
  PQsetNoticeProcessor(conn, [](void*, const char*) {}, nullptr);
  auto r = c->execute_script("SET client_encoding = 'UTF8'; SET TIME ZONE 'UTC'");
  if (!r) return fail(std::move(r).error());
  return std::unique_ptr<Connection>(std::move(c));
}

}  // namespace redress::store
