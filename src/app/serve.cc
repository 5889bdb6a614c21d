#include "app/serve.h"

#include <csignal>
#include <iostream>
#include <pthread.h>
#include <thread>

#include "app/demo.h"
#include "app/runtime.h"
#include "core/log.h"
#include "http/server.h"
#include "http/web.h"
#include "jobs/mailbox_poller.h"

namespace redress::app {

bool split_listen(const std::string& listen, std::string& host, uint16_t& port) {
  auto colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0) return false;
  host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  int p = 0;
  try {
    size_t used = 0;
    p = std::stoi(listen.substr(colon + 1), &used);
    if (used != listen.size() - colon - 1) return false;
  } catch (...) {
    return false;
  }
  if (p < 0 || p > 65535) return false;
  port = static_cast<uint16_t>(p);
  return true;
}

int serve(const Settings& settings, const ServeOptions& options) {
  std::string host;
  uint16_t port = 0;
  if (!split_listen(settings.server.listen, host, port)) {
    std::cerr << "redress: --listen: expected HOST:PORT, got '" << settings.server.listen << "'\n";
    return 2;
  }
  // Block the stop signals in every thread; one thread waits for them with sigwait, so
  // no handler runs in an arbitrary I/O thread's context.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  auto rt = open_runtime(settings, nullptr, false);
  if (!rt) {
    std::cerr << "redress: " << rt.error().message << "\n";
    return rt.error().code == ErrorCode::kInvalid ? 2 : 1;
  }
  std::vector<DemoLogin> logins;
  if (options.demo) {
    auto seeded = seed_demo(*(*rt)->context);
    if (!seeded) {
      std::cerr << "redress: demo data: " << seeded.error().message << "\n";
      return 1;
    }
    logins = std::move(*seeded);
  }

  Runtime& runtime = **rt;
  jobs::RunnerOptions ro;  // worker_id left empty: the runner uses hostname:pid, unique across nodes
  jobs::JobRunner runner(*runtime.db, *runtime.clock, ro);
  register_job_handlers(runtime, runner);

  http::Metrics metrics;
  auto api_opts = api_options(settings);
  api_opts.dev_clock = runtime.dev_clock.get();
  api_opts.clock_moved = [&runner] { runner.poke(); };
  http::Api api(*runtime.context, api_opts, &metrics);
  http::ServerOptions so;
  so.address = host;
  so.port = port;
  so.threads = settings.server.threads;
  so.max_body_bytes = static_cast<uint64_t>(settings.server.max_body_bytes);
  so.large_body_routes = http::large_body_routes(settings);
  so.max_header_bytes = static_cast<uint32_t>(settings.server.max_header_bytes);
  so.read_timeout = std::chrono::seconds(settings.server.read_timeout_seconds);
  so.shutdown_grace = std::chrono::seconds(settings.server.shutdown_grace_seconds);
  http::Web web(api, *runtime.context);
  http::Server server(so, [&web](http::Request& r) { return web.dispatch(r); }, &metrics);
  if (auto started = server.start(); !started) {
    std::cerr << "redress: --listen " << settings.server.listen << ": " << started.error().message << "\n";
    return 2;
  }
  std::string url = settings.server.base_url;
  if (url.empty()) url = "http://" + (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + std::to_string(server.port());
  log::info("listening", {{"url", url}, {"database", (*rt)->db->description()}});
  std::cout << "Redress is running at " << url << "  (database " << (*rt)->db->description() << ")\n";
  if (!logins.empty()) {
    std::cout << "Demo logins (password for all: " << logins.front().password << "):\n";
    for (const auto& l : logins) std::cout << "  " << l.role << "\t" << l.email << "\n";
    std::cout << "Try: curl -s -X POST " << url << "/api/v1/session -H 'Content-Type: application/json' -d '{\"email\":\""
              << logins.front().email << "\",\"password\":\"" << logins.front().password << "\"}'\n";
  }
  std::cout << "Stop with Ctrl-C." << std::endl;
  runner.start();
  // Mailboxes are polled by every node; the position kept in the database (under a
  // per-mailbox lock on PostgreSQL) makes each mail stored once.
  jobs::MailboxPoller poller(*runtime.context, settings.mailboxes, [&runner] { runner.poke(); });
  poller.start();

  std::thread waiter([&] {
    int sig = 0;
    sigwait(&stop_signals, &sig);
    log::info("shutting_down", {{"signal", sig == SIGTERM ? "SIGTERM" : "SIGINT"}});
    server.stop();
  });
  server.run();
  poller.stop();
  runner.stop();
  // If run() ended for another reason, wake the waiter so it can be joined.
  pthread_kill(waiter.native_handle(), SIGTERM);
  waiter.join();
  log::info("stopped");
  return 0;
}

}  // namespace redress::app
