#include "http/server.h"

// <utility> must precede the Asio coroutine headers with g++ 12 (std::exchange).
#include <utility>

#include <algorithm>
#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <thread>
#include <vector>

#include "core/log.h"
#include "http/capped_body.h"
#include "http/metrics.h"

namespace redress::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

using Executor = asio::use_awaitable_t<>::executor_with_default<asio::any_io_executor>;
using Stream = beast::tcp_stream::rebind_executor<Executor>::other;
using BeastRequest = bhttp::request<CappedBody>;
using BeastResponse = bhttp::response<bhttp::string_body>;
using Parser = bhttp::request_parser<CappedBody>;

Response server_error(int status, std::string_view code, std::string_view message) {
  nlohmann::json body = {{"error", {{"code", code}, {"message", message}}}};
  return Response::json(status, body.dump());
}

// Failures that end a connection as a matter of course: the client left, went quiet, or
// the server is shutting down. They end it silently; anything else is logged.
bool is_expected_end(const beast::error_code& ec) {
  return ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message ||
         ec == beast::error::timeout || ec == asio::error::operation_aborted ||
         ec == asio::error::bad_descriptor || ec == asio::error::connection_reset ||
         ec == asio::error::broken_pipe || ec == asio::error::eof;
}

// The answer owed to a request the parser rejected, or nothing when the connection just ends.
std::optional<Response> rejection_for(const beast::error_code& ec) {
  if (ec == bhttp::error::body_limit) return server_error(413, "too_large", "request body too large");
  if (ec == bhttp::error::header_limit) return server_error(431, "too_large", "request header too large");
  if (ec == bhttp::error::bad_transfer_encoding)
    return server_error(400, "malformed", "Transfer-Encoding: only chunked is accepted");
  if (ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category() && !is_expected_end(ec)) {
    return server_error(400, "malformed", "malformed HTTP request");
  }
  return std::nullopt;
}

// Completion of a spawned coroutine: an escaped exception ends only that coroutine.
void log_exception(std::string_view event, std::exception_ptr e) {
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    log::warn(event, {{"error", ex.what()}});
  } catch (...) {
    log::warn(event, {{"error", "unknown exception"}});
  }
}

bool forbids_body(int status) { return status < 200 || status == 204 || status == 304; }

// A line break in a header would let text from a handler (an attachment's file name, say)
// add headers or a whole response of its own.
bool header_safe(std::string_view text) { return text.find_first_of(std::string_view("\r\n\0", 3)) == text.npos; }

// Responses the server cannot send as they are count as a handler bug.
std::optional<std::string> unsendable(const Response& response) {
  if (response.status < 100 || response.status > 599) return "status " + std::to_string(response.status);
  if (!header_safe(response.content_type)) return "line break in Content-Type";
  for (const auto& [name, value] : response.headers) {
    if (name.empty() || !header_safe(name) || !header_safe(value)) return "line break in header " + name;
  }
  return std::nullopt;
}

BeastResponse to_beast(Response response, unsigned version, bool keep_alive, bool head_request) {
  if (auto why = unsendable(response)) {
    log::error("http_bad_response", {{"why", *why}});
    response = server_error(500, "internal", "internal error");
  }
  BeastResponse out;
  out.version(version);
  out.result(static_cast<unsigned>(response.status));
  out.set(bhttp::field::server, "redress");
  if (!response.content_type.empty()) out.set(bhttp::field::content_type, response.content_type);
  for (auto& [name, value] : response.headers) out.insert(name, value);
  out.keep_alive(keep_alive);
  if (forbids_body(response.status)) return out;  // no body and no Content-Length (RFC 9110)
  out.body() = std::move(response.body);
  out.prepare_payload();
  // HEAD announces the length of the body it does not send.
  if (head_request) out.body().clear();
  return out;
}

Request from_beast(BeastRequest& in, const std::string& remote_address) {
  Request out;
  out.method = std::string(in.method_string());
  out.target = std::string(in.target());
  for (const auto& field : in) {
    auto [it, inserted] = out.headers.try_emplace(std::string(field.name_string()), std::string(field.value()));
    // A repeated field means the comma-joined list (RFC 9110 5.3); Cookie joins with "; ".
    if (!inserted) it->second += (field.name() == bhttp::field::cookie ? "; " : ", ") + std::string(field.value());
  }
  out.body_size = in.body().received;
  out.body_truncated = in.body().over;
  out.body = std::move(in.body().data);
  out.remote_address = remote_address;
  return out;
}

// Whether a request target's path is the route pattern, where a "*" segment stands for any
// one segment ("/api/v1/tickets/*/messages"); the query is not part of the path.
bool route_matches(std::string_view pattern, std::string_view target) {
  std::string_view path = target.substr(0, target.find('?'));
  while (!pattern.empty() || !path.empty()) {
    if (pattern.empty() || path.empty() || pattern.front() != '/' || path.front() != '/') return false;
    pattern.remove_prefix(1);
    path.remove_prefix(1);
    const std::string_view want = pattern.substr(0, pattern.find('/'));
    const std::string_view got = path.substr(0, path.find('/'));
    if (want != "*" ? want != got : got.empty()) return false;
    pattern.remove_prefix(want.size());
    path.remove_prefix(got.size());
  }
  return true;
}

// Reads one request. A client that sent "Expect: 100-continue" (curl does for bodies over
// 1 KiB) waits for an interim answer before sending the body; it gets one once the header
// passed the limits, else it would stall for a second on every upload.
asio::awaitable<beast::error_code> read_request(Stream& stream, beast::flat_buffer& buffer, Parser& parser,
                                                const ServerOptions& options) {
  beast::error_code ec;
  co_await bhttp::async_read_header(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return ec;
  // Only chunked framing is understood. Beast reads a body with another coding ("gzip",
  // "identity", "gzip, chunked") as something else than a proxy in front may have, which is
  // how requests are smuggled past it (RFC 9112 6.1: such a request is answered 400).
  if (auto coding = parser.get().find(bhttp::field::transfer_encoding); coding != parser.get().end()) {
    std::string_view value = coding->value();
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
    if (!beast::iequals(value, "chunked") || parser.get().count(bhttp::field::transfer_encoding) > 1)
      co_return bhttp::error::bad_transfer_encoding;
  }
  // Whole mails arrive on a few routes; everything else keeps the small limit. Beast has
  // already checked Content-Length against the limit the header was read with (the largest
  // of all); here it is checked against the route's.
  const std::string_view target = parser.get().target();
  uint64_t limit = options.max_body_bytes;
  for (const auto& [prefix, route_limit] : options.large_body_routes) {
    if (route_matches(prefix, target)) {
      limit = std::max(options.large_body_ceiling, route_limit);
      parser.get().body().keep = route_limit;
      parser.get().body().head = options.kept_head_bytes;
      break;
    }
  }
  if (auto length = parser.content_length(); length && *length > limit) co_return bhttp::error::body_limit;
  parser.body_limit(limit);
  if (beast::iequals(parser.get()[bhttp::field::expect], "100-continue")) {
    bhttp::response<bhttp::empty_body> proceed{bhttp::status::continue_, 11};
    co_await bhttp::async_write(stream, proceed, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return ec;
  }
  co_await bhttp::async_read(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
  co_return ec;
}

// One accepted socket. Touched only on its strand (the stream's executor).
struct Connection {
  explicit Connection(Stream::socket_type socket) : stream(std::move(socket)) {}
  Stream stream;
  bool between_requests = false;  // waiting for (the rest of) the next request: safe to close
};

}  // namespace

struct Server::Impl {
  Impl(ServerOptions o, Dispatch d, Metrics* m) : options(std::move(o)), dispatch(std::move(d)), metrics(m) {}
  ~Impl();

  asio::awaitable<void> listen();
  asio::awaitable<void> session(std::shared_ptr<Connection> connection);
  asio::awaitable<bool> serve(Connection& connection, BeastRequest& request, const std::string& remote_address);
  asio::awaitable<void> reject(Connection& connection, Response response, const std::string& method);
  Response call_dispatch(Request& request);
  bool add_connection(const std::shared_ptr<Connection>& connection);
  void remove_connection(const std::shared_ptr<Connection>& connection);
  void begin_shutdown();

  // Constant after construction.
  const ServerOptions options;
  const Dispatch dispatch;
  Metrics* const metrics;

  std::atomic<int> in_flight{0};
  std::atomic<bool> stopping{false};  // written under mutex so that add_connection sees it in order
  std::atomic<uint16_t> bound_port{0};

  std::mutex mutex;
  // Guarded by mutex.
  std::set<std::shared_ptr<Connection>> connections;
  bool acceptor_closed = false;

  std::mutex threads_mutex;
  std::vector<std::thread> threads;  // guarded by threads_mutex; only run_in_background()'s

  // Declared after what the connections' coroutines touch, so that destroying the
  // io_context (which destroys suspended coroutine frames) happens while those still exist.
  asio::io_context ioc;
  // Serialises the acceptor and the shutdown sequence.
  asio::strand<asio::io_context::executor_type> control{asio::make_strand(ioc)};
  tcp::acceptor acceptor{control};
  asio::steady_timer grace_timer{control};
};

Server::Impl::~Impl() {
  // Sockets must go before the io_context; suspended sessions still own theirs and are
  // destroyed with it.
  connections.clear();
}

bool Server::Impl::add_connection(const std::shared_ptr<Connection>& connection) {
  std::lock_guard lock(mutex);
  if (stopping) return false;
  connections.insert(connection);
  return true;
}

void Server::Impl::remove_connection(const std::shared_ptr<Connection>& connection) {
  std::lock_guard lock(mutex);
  connections.erase(connection);
  // The last connection gone after the acceptor closed: nothing is left to wait for.
  if (acceptor_closed && connections.empty()) ioc.stop();
}

asio::awaitable<void> Server::Impl::listen() {
  for (;;) {
    Stream::socket_type socket(asio::make_strand(ioc));
    beast::error_code ec;
    co_await acceptor.async_accept(socket, asio::redirect_error(asio::use_awaitable, ec));
    if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
    if (ec) {
      // Typically EMFILE. Pause so that a persistent failure neither spins nor floods the
      // log, then keep accepting: descriptors free up as connections end.
      log::warn("http_accept_failed", {{"error", ec.message()}});
      asio::steady_timer pause(control, std::chrono::milliseconds(100));
      co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      continue;
    }
    auto connection = std::make_shared<Connection>(std::move(socket));
    if (!add_connection(connection)) co_return;
    asio::co_spawn(connection->stream.get_executor(), session(connection), [this, connection](std::exception_ptr e) {
      if (e) log_exception("http_connection_failed", e);
      remove_connection(connection);
    });
  }
}

asio::awaitable<void> Server::Impl::session(std::shared_ptr<Connection> connection) {
  auto& stream = connection->stream;
  beast::error_code ec;
  const auto remote = stream.socket().remote_endpoint(ec);
  const std::string remote_address = ec ? "" : remote.address().to_string();
  beast::flat_buffer buffer;
  // While the header is read: the largest body any route takes (see read_request).
  uint64_t header_body_limit = options.max_body_bytes;
  for (const auto& [prefix, route_limit] : options.large_body_routes)
    header_body_limit = std::max({header_body_limit, route_limit, options.large_body_ceiling});
  for (;;) {
    connection->between_requests = true;
    if (stopping) break;
    Parser parser;
    parser.header_limit(options.max_header_bytes);
    parser.body_limit(header_body_limit);
    stream.expires_after(options.read_timeout);
    ec = co_await read_request(stream, buffer, parser, options);
    connection->between_requests = false;
    if (ec) {
      if (auto rejection = rejection_for(ec)) {
        // The start line may have been read even when the fields were not; else this is "".
        const std::string method(parser.get().method_string());
        co_await reject(*connection, std::move(*rejection), method);
      } else if (!is_expected_end(ec)) {
        log::warn("http_read_failed", {{"error", ec.message()}, {"remote", remote_address}});
      }
      break;
    }
    if (!stream.socket().is_open()) break;  // closed by stop() just as the request arrived
    if (!co_await serve(*connection, parser.get(), remote_address)) break;
  }
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  stream.socket().close(ec);
}

// Handles one request and writes the answer; returns whether to read another.
asio::awaitable<bool> Server::Impl::serve(Connection& connection, BeastRequest& beast_request,
                                          const std::string& remote_address) {
  ++in_flight;
  struct Done {
    std::atomic<int>& count;
    ~Done() { --count; }
  } done{in_flight};

  const auto started = std::chrono::steady_clock::now();
  const bool head_request = beast_request.method() == bhttp::verb::head;
  const unsigned version = beast_request.version();
  const bool keep_alive = beast_request.keep_alive();
  Request request = from_beast(beast_request, remote_address);
  Response response;
  if (!parse_target(request.target, request.path, request.query)) {
    response = server_error(400, "malformed", "the request target is not valid percent-encoding");
  } else {
    response = call_dispatch(request);
  }
  const std::string route = response.route.empty() ? "unmatched" : response.route;
  const int status = response.status;
  const bool keep_going = keep_alive && !stopping;
  auto out = to_beast(std::move(response), version, keep_going, head_request);

  beast::error_code ec;
  connection.stream.expires_after(options.read_timeout);  // a client that never reads must not pin us
  co_await bhttp::async_write(connection.stream, out, asio::redirect_error(asio::use_awaitable, ec));
  if (metrics != nullptr) {
    metrics->observe(route, request.method, status, std::chrono::steady_clock::now() - started);
  }
  if (ec) {
    if (!is_expected_end(ec)) log::warn("http_write_failed", {{"error", ec.message()}, {"remote", remote_address}});
    co_return false;
  }
  co_return keep_going;
}

Response Server::Impl::call_dispatch(Request& request) {
  try {
    return dispatch(request);
  } catch (const std::exception& e) {
    log::error("http_handler_failed", {{"method", request.method}, {"path", request.path}, {"error", e.what()}});
  } catch (...) {
    log::error("http_handler_failed", {{"method", request.method}, {"path", request.path}, {"error", "unknown"}});
  }
  return server_error(500, "internal", "internal error");
}

// Answers a request the parser refused, then closes. Unread request bytes would make the
// kernel reset the connection and the client could lose the answer, so after writing we
// half-close and drain what the client still sends, for a bounded time.
asio::awaitable<void> Server::Impl::reject(Connection& connection, Response response, const std::string& method) {
  auto& stream = connection.stream;
  const auto started = std::chrono::steady_clock::now();
  const int status = response.status;
  auto out = to_beast(std::move(response), 11, false, false);
  beast::error_code ec;
  stream.expires_after(options.read_timeout);
  co_await bhttp::async_write(stream, out, asio::redirect_error(asio::use_awaitable, ec));
  if (metrics != nullptr) metrics->observe("unmatched", method, status, std::chrono::steady_clock::now() - started);
  if (ec) co_return;
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  stream.expires_after(std::chrono::seconds(1));
  std::array<char, 16 * 1024> sink;
  while (!ec) co_await stream.async_read_some(asio::buffer(sink), asio::redirect_error(asio::use_awaitable, ec));
}

void Server::Impl::begin_shutdown() {
  beast::error_code ec;
  acceptor.close(ec);
  std::vector<std::shared_ptr<Connection>> open;
  {
    std::lock_guard lock(mutex);
    acceptor_closed = true;
    if (connections.empty()) {
      ioc.stop();
      return;
    }
    open.assign(connections.begin(), connections.end());
  }
  // Busy connections finish their response and then see `stopping`; idle ones close now.
  for (auto& connection : open) {
    asio::post(connection->stream.get_executor(), [connection] {
      if (connection->between_requests) connection->stream.close();
    });
  }
  grace_timer.expires_after(options.shutdown_grace);
  grace_timer.async_wait([this](beast::error_code wait_ec) {
    if (wait_ec) return;
    log::warn("http_shutdown_grace_expired", {{"in_flight", std::to_string(in_flight.load())}});
    ioc.stop();
  });
}

Server::Server(ServerOptions options, Dispatch dispatch, Metrics* metrics)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(dispatch), metrics)) {}

Server::~Server() {
  stop();
}

Result<void> Server::start() {
  auto& impl = *impl_;
  const std::string where = impl.options.address + ":" + std::to_string(impl.options.port);
  beast::error_code ec;
  auto address = asio::ip::make_address(impl.options.address, ec);
  if (ec) return fail(ErrorCode::kUnavailable, "cannot listen on " + where + ": " + ec.message());
  const tcp::endpoint endpoint(address, impl.options.port);
  auto failed = [&](std::string_view step) {
    beast::error_code ignored;
    impl.acceptor.close(ignored);
    return fail(ErrorCode::kUnavailable, "cannot listen on " + where + ": " + std::string(step) + ": " + ec.message());
  };
  impl.acceptor.open(endpoint.protocol(), ec);
  if (ec) return failed("open");
  impl.acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (ec) return failed("set_option");
  impl.acceptor.bind(endpoint, ec);
  if (ec) return failed("bind");
  impl.acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return failed("listen");
  impl.bound_port = impl.acceptor.local_endpoint(ec).port();
  asio::co_spawn(impl.control, impl.listen(), [](std::exception_ptr e) {
    if (e) log_exception("http_listener_failed", e);
  });
  return {};
}

uint16_t Server::port() const { return impl_->bound_port; }

void Server::run() {
  const int extra = std::max(impl_->options.threads, 1) - 1;
  std::vector<std::thread> threads;
  for (int i = 0; i < extra; ++i) threads.emplace_back([this] { impl_->ioc.run(); });
  impl_->ioc.run();
  for (auto& thread : threads) thread.join();
}

void Server::run_in_background() {
  std::lock_guard lock(impl_->threads_mutex);
  for (int i = 0; i < std::max(impl_->options.threads, 1); ++i) {
    impl_->threads.emplace_back([this] { impl_->ioc.run(); });
  }
}

void Server::stop() {
  auto& impl = *impl_;
  bool first = false;
  {
    std::lock_guard lock(impl.mutex);
    first = !impl.stopping.exchange(true);
  }
  if (first) asio::post(impl.control, [&impl] { impl.begin_shutdown(); });
  // From an I/O thread (a handler, a signal_set on our context) we cannot join ourselves;
  // run() or a later stop()/destructor does.
  if (impl.ioc.get_executor().running_in_this_thread()) return;
  std::lock_guard lock(impl.threads_mutex);
  for (auto& thread : impl.threads) thread.join();
  impl.threads.clear();
}

int Server::in_flight() const { return impl_->in_flight; }

}  // namespace redress::http
