#pragma once
// The HTTP/1.1 server: Boost.Beast with C++20 coroutines on an io_context run by N
// threads. It owns sockets, limits, timeouts and keep-alive; all application logic is the
// Dispatch function, which is called synchronously on an I/O thread (handlers may block
// on the database; threads > cores keeps the server responsive meanwhile).
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/error.h"
#include "http/message.h"

namespace redress::http {

class Metrics;

struct ServerOptions {
  std::string address = "127.0.0.1";
  uint16_t port = 0;  // 0: pick a free port; read it back with Server::port()
  int threads = 4;
  uint64_t max_body_bytes = 1 << 20;      // larger bodies get 413 before the handler runs
  uint32_t max_header_bytes = 16 << 10;   // larger headers get 431
  // Paths allowed a larger body than max_body_bytes (inbound mail, messages with files),
  // with that limit; a "*" segment matches any one segment. A body over it is not refused with 413: it is read to its end (up to
  // large_body_ceiling), its first kept_head_bytes kept, and handed to the handler marked
  // Request::body_truncated, so that the handler can keep a trace of what was refused.
  std::vector<std::pair<std::string, uint64_t>> large_body_routes;
  uint64_t large_body_ceiling = uint64_t{1} << 30;  // past this even those routes get 413
  uint64_t kept_head_bytes = 256 << 10;
  std::chrono::seconds read_timeout{30};  // an idle or slow client is disconnected
  std::chrono::seconds shutdown_grace{20};
};

using Dispatch = std::function<Response(Request&)>;

class Server {
 public:
  // metrics may be null. Thread-safe: stop() may be called from any thread or a signal
  // handler's io-context callback.
  Server(ServerOptions options, Dispatch dispatch, Metrics* metrics);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens; errors (address in use, bad address) come back as values.
  Result<void> start();
  uint16_t port() const;

  // Runs the I/O threads; returns once stop() has finished.
  void run();
  // Starts the I/O threads in the background (for tests); stop() then joins them.
  void run_in_background();

  // Graceful: stops accepting, lets in-flight requests finish and be written (up to
  // shutdown_grace), closes idle keep-alive connections, then returns from run().
  void stop();

  // Number of requests being handled right now.
  int in_flight() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace redress::http
