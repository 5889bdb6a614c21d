#pragma once
// A whole Redress server in the test process: a fresh database, the real services, API
// and web pages (dispatched as `serve` does) on a real socket (127.0.0.1, free port), a
// FakeClock, and helpers to make accounts.
#include <memory>
#include <string>

#include "app/runtime.h"
#include "core/clock.h"
#include "http/api.h"
#include "http/metrics.h"
#include "http/server.h"
#include "http/web.h"
#include "support/http_client.h"
#include "support/test_db.h"

namespace redress::test {

// Settings for a server that sends its mail as `sender` to the SMTP server at smtp_url
// (the capture server, in tests that check what was delivered).
Settings smtp_settings(const std::string& smtp_url, const std::string& sender);

struct TestUser {
  domain::User user;
  std::string token;     // a bearer token
  std::string password;  // "password-" + the local part
};

class TestApp {
 public:
  // skip_reason is set and nullptr returned when the engine is unavailable.
  static std::unique_ptr<TestApp> start(EngineParam engine, std::string& skip_reason, Settings settings = {});
  ~TestApp();

  uint16_t port() const { return server_->port(); }
  FakeClock& clock() { return clock_; }
  service::Context& context() { return *runtime_->context; }
  store::Database& db() { return *runtime_->db; }
  app::Runtime& runtime() { return *runtime_; }
  const http::Api& api() const { return *api_; }
  // Not started: tests run due jobs with run_due_once() after moving the FakeClock.
  jobs::JobRunner& runner() { return *runner_; }

  // Creates an account (with a token) through the service, as the CLI would.
  TestUser add_user(const std::string& email, const std::string& role, const std::string& rights = "");

  // A new client on this server.
  std::unique_ptr<HttpClient> client() const;
  // One request with a bearer token (empty: anonymous).
  TestResponse call(const std::string& token, const std::string& method, const std::string& target,
                    const std::string& body = "");
  // Row count of a table, to prove nothing was written.
  int64_t count(const std::string& table);

 private:
  TestApp() : clock_(from_micros(1'795'000'000'000'000)) {}  // 2026-11-18, a fixed instant
  FakeClock clock_;
  std::unique_ptr<TestDatabase> database_;
  std::unique_ptr<app::Runtime> runtime_;
  std::unique_ptr<jobs::JobRunner> runner_;
  std::unique_ptr<http::Metrics> metrics_;
  std::unique_ptr<http::Api> api_;
  std::unique_ptr<http::Web> web_;
  std::unique_ptr<http::Server> server_;
  std::unique_ptr<HttpClient> client_;
};

}  // namespace redress::test

#define REDRESS_START_TEST_APP(engine, out, ...)                                     \
  do {                                                                               \
    std::string redress_skip_;                                                       \
    out = ::redress::test::TestApp::start(engine, redress_skip_ __VA_OPT__(, ) __VA_ARGS__); \
    if (!out) GTEST_SKIP() << redress_skip_;                                         \
  } while (0)
