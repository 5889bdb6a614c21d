// The ceiling for the read benchmarks: a Boost.Beast HTTP/1.1 keep-alive server that
// answers every request with the same ~1.1 kB JSON body (a ticket's size), and does
// nothing else. Each read figure of Redress is given as a fraction of this one, measured
// on the same machine at the same moment (bench/lib.sh, bare_rate).
//
//   bare_http [PORT] [THREADS]     PORT 0 (default) picks a free one; THREADS default 4
//
// It prints "listening on http://127.0.0.1:PORT" once it accepts, and exits 0 on SIGTERM
// or SIGINT.
//
// So that the comparison is fair it runs the HTTP layer the way src/http/server.cc does:
// one io_context run by 4 threads (the default of [server] threads), the acceptor on a
// strand, each connection a C++20 coroutine on its own strand over a beast::tcp_stream
// with use_awaitable as default token, a fresh request_parser<string_body> per request
// with the same header/body limits, async_read_header then async_read, a read timeout
// set before each read and each write, and the stop signals taken by a sigwait thread.
// What it leaves out is Redress's own work: routing, authentication, the database and JSON.

// <utility> must precede the Asio coroutine headers with g++ 12 (std::exchange).
#include <utility>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <pthread.h>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

using Executor = asio::use_awaitable_t<>::executor_with_default<asio::any_io_executor>;
using Stream = beast::tcp_stream::rebind_executor<Executor>::other;
using Parser = bhttp::request_parser<bhttp::string_body>;

// The same limits and timeout as Redress's defaults (src/core/config.h).
constexpr uint64_t kMaxBodyBytes = 1 << 20;
constexpr uint32_t kMaxHeaderBytes = 16 << 10;
constexpr std::chrono::seconds kReadTimeout{30};

// Shaped like GET /api/v1/tickets/{id}'s answer on the demo data, padded to ~1.1 kB.
std::string ticket_body() {
  std::string body =
      R"({"id":1,"number":"C-2026-000001","workflow":"customer-complaint","status":"in_progress",)"
      R"("subject":"Parcel never arrived after three weeks","channel":"mail","language":"en",)"
      R"("priority":"normal","created_at":"2026-11-18T09:00:00Z","updated_at":"2026-11-20T14:32:10Z",)"
      R"("customer":{"id":12,"name":"Jeanne Dupont","email":"jeanne.dupont@example.com","language":"fr"},)"
      R"("contacts":[{"id":12,"name":"Jeanne Dupont","email":"jeanne.dupont@example.com","role":"main"}],)"
      R"("reason":{"id":3,"code":"delivery.lost","label":"Lost parcel"},)"
      R"("assignees":[{"id":2,"name":"Ann Agent","role":"handler"}],"taken_by":{"id":2,"name":"Ann Agent"},)"
      R"("fields":{"order_number":"A-2026-18342","reopen_at":null},)"
      R"("qualification":{"complete":true,"missing":[]},)"
      R"("available_transitions":[{"id":"postpone","label":"Postpone"},{"id":"resolve","label":"Resolve"},)"
      R"({"id":"investigate","label":"Start an investigation"}],)"
      R"("counts":{"messages":4,"attachments":1,"events":9},"blocked":false,"note":")";
  body.append(1100 - body.size() - 3, 'x');
  body += R"("})";
  return body;
}

const std::string kBody = ticket_body();

// Reads requests and answers each with kBody until the client leaves or goes quiet.
asio::awaitable<void> session(Stream stream) {
  beast::flat_buffer buffer;
  beast::error_code ec;
  for (;;) {
    Parser parser;
    parser.header_limit(kMaxHeaderBytes);
    parser.body_limit(kMaxBodyBytes);
    stream.expires_after(kReadTimeout);
    co_await bhttp::async_read_header(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
    if (!ec) co_await bhttp::async_read(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) break;  // end of stream, timeout, malformed: a benchmark needs no more
    const auto& request = parser.get();
    bhttp::response<bhttp::string_body> response;
    response.version(request.version());
    response.result(bhttp::status::ok);
    response.set(bhttp::field::server, "bare");
    response.set(bhttp::field::content_type, "application/json");
    response.keep_alive(request.keep_alive());
    response.body() = kBody;
    response.prepare_payload();
    stream.expires_after(kReadTimeout);
    co_await bhttp::async_write(stream, response, asio::redirect_error(asio::use_awaitable, ec));
    if (ec || !response.keep_alive()) break;
  }
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  stream.socket().close(ec);
}

asio::awaitable<void> listen(asio::io_context& ioc, tcp::acceptor& acceptor) {
  for (;;) {
    Stream::socket_type socket(asio::make_strand(ioc));
    beast::error_code ec;
    co_await acceptor.async_accept(socket, asio::redirect_error(asio::use_awaitable, ec));
    if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
    if (ec) continue;
    auto executor = socket.get_executor();
    asio::co_spawn(executor, session(Stream(std::move(socket))), asio::detached);
  }
}

}  // namespace

int main(int argc, char** argv) {
  const int port = argc > 1 ? std::atoi(argv[1]) : 0;
  const int threads = argc > 2 ? std::atoi(argv[2]) : 4;
  if (port < 0 || port > 65535 || threads < 1) {
    std::cerr << "usage: bare_http [PORT] [THREADS]\n";
    return 2;
  }
  // As `redress serve`: the stop signals are blocked in every thread and one thread waits
  // for them, so no handler runs inside an I/O thread.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  asio::io_context ioc;
  auto control = asio::make_strand(ioc);
  tcp::acceptor acceptor(control);
  beast::error_code ec;
  const tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), static_cast<uint16_t>(port));
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    std::cerr << "bare_http: cannot listen on 127.0.0.1:" << port << ": " << ec.message() << "\n";
    return 1;
  }
  asio::co_spawn(control, listen(ioc, acceptor), asio::detached);
  std::cout << "listening on http://127.0.0.1:" << acceptor.local_endpoint().port() << std::endl;

  std::thread waiter([&] {
    int sig = 0;
    sigwait(&stop_signals, &sig);
    // A benchmark's clients are gone when it is stopped: closing the acceptor and stopping
    // the context is enough (suspended sessions are destroyed with the io_context).
    asio::post(control, [&] {
      acceptor.close(ec);
      ioc.stop();
    });
  });
  std::vector<std::thread> pool;
  for (int i = 1; i < threads; ++i) pool.emplace_back([&ioc] { ioc.run(); });
  ioc.run();
  for (auto& thread : pool) thread.join();
  waiter.join();
  return 0;
}
