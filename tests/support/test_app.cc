#include "support/test_app.h"

#include <gtest/gtest.h>

#include "service/account_service.h"

namespace redress::test {

Settings smtp_settings(const std::string& smtp_url, const std::string& sender) {
  Settings s;
  s.mail.from_address = sender;
  s.mail.from_name = "ACME Support";
  s.mail.smtp_url = smtp_url;
  s.mail.smtp_timeout_seconds = 10;
  return s;
}

std::unique_ptr<TestApp> TestApp::start(EngineParam engine, std::string& skip_reason, Settings settings) {
  std::unique_ptr<TestApp> app(new TestApp());
  app->database_ = TestDatabase::create(engine, skip_reason);
  if (!app->database_) return nullptr;
  settings.database.url = app->database_->url();
  settings.auth.password_cost = "min";  // argon2id still, at its cheapest, so suites stay fast
  auto rt = app::open_runtime(settings, &app->clock_, false);
  if (!rt) {
    ADD_FAILURE() << rt.error().message;
    skip_reason = "runtime failed";
    return nullptr;
  }
  app->runtime_ = std::move(*rt);
  jobs::RunnerOptions ro;
  ro.worker_id = "test";
  app->runner_ = std::make_unique<jobs::JobRunner>(*app->runtime_->db, app->clock_, ro);
  app::register_job_handlers(*app->runtime_, *app->runner_);
  app->metrics_ = std::make_unique<http::Metrics>();
  app->api_ = std::make_unique<http::Api>(*app->runtime_->context, app::api_options(settings), app->metrics_.get());
  http::ServerOptions so;
  so.port = 0;
  so.threads = 4;
  so.max_body_bytes = static_cast<uint64_t>(settings.server.max_body_bytes);
  so.large_body_routes = http::large_body_routes(settings);
  so.max_header_bytes = static_cast<uint32_t>(settings.server.max_header_bytes);
  // Pages and API, as `redress serve` answers them.
  app->web_ = std::make_unique<http::Web>(*app->api_, *app->runtime_->context);
  auto* web = app->web_.get();
  app->server_ = std::make_unique<http::Server>(so, [web](http::Request& r) { return web->dispatch(r); },
                                                app->metrics_.get());
  if (auto started = app->server_->start(); !started) {
    ADD_FAILURE() << started.error().message;
    skip_reason = "server failed to start";
    return nullptr;
  }
  app->server_->run_in_background();
  app->client_ = app->client();
  return app;
}

TestApp::~TestApp() {
  client_.reset();
  if (server_) server_->stop();
  server_.reset();
  web_.reset();
  api_.reset();
  runner_.reset();
  runtime_.reset();
  database_.reset();
}

TestUser TestApp::add_user(const std::string& email, const std::string& role, const std::string& rights) {
  service::AccountService accounts(*runtime_->context);
  std::string password = "password-" + email.substr(0, email.find('@'));
  service::NewUser nu{email, "User " + email.substr(0, email.find('@')), role, rights, password, "en"};
  auto u = accounts.create_user(service::Actor::cli(), nu);
  if (!u) throw std::runtime_error("add_user: " + u.error().message);
  auto token = accounts.create_token(service::Actor::cli(), email, "test");
  if (!token) throw std::runtime_error("add_user token: " + token.error().message);
  return TestUser{*u, *token, password};
}

std::unique_ptr<HttpClient> TestApp::client() const { return std::make_unique<HttpClient>("127.0.0.1", port()); }

TestResponse TestApp::call(const std::string& token, const std::string& method, const std::string& target,
                           const std::string& body) {
  std::vector<std::pair<std::string, std::string>> headers;
  if (!token.empty()) headers.emplace_back("Authorization", "Bearer " + token);
  if (!body.empty()) headers.emplace_back("Content-Type", "application/json");
  return client_->request(method, target, body, headers);
}

int64_t TestApp::count(const std::string& table) {
  int64_t n = -1;
  auto r = runtime_->db->transact(store::TxMode::kRead, [&](store::Connection& c) -> Result<void> {
    auto row = REDRESS_TRY(c.query_one("SELECT COUNT(*) FROM " + table));
    n = row->integer(0);
    return {};
  });
  if (!r) throw std::runtime_error("count: " + r.error().message);
  return n;
}

}  // namespace redress::test
