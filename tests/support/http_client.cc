#include "support/http_client.h"

// <utility> must precede the Asio headers with g++ 12 (see docs on Boost 1.74).
#include <utility>

#include <algorithm>
#include <array>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <chrono>
#include <functional>

namespace redress::test {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

// Bounds every exchange so that a server bug fails the test instead of hanging it.
constexpr auto kExchangeTimeout = std::chrono::seconds(120);  // a 40 MiB mail under ASan takes a while

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// The connection was closed by the server before it answered: worth one retry on a fresh one.
bool closed_by_peer(const beast::error_code& ec) {
  return ec == bhttp::error::end_of_stream || ec == asio::error::eof || ec == asio::error::connection_reset ||
         ec == asio::error::broken_pipe || ec == bhttp::error::partial_message;
}

}  // namespace

nlohmann::json TestResponse::json() const {
  auto parsed = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  return parsed.is_discarded() ? nlohmann::json() : parsed;
}

std::optional<std::string> TestResponse::header(std::string name) const {
  auto it = headers.find(lower(std::move(name)));
  if (it == headers.end()) return std::nullopt;
  return it->second;
}

struct HttpClient::Impl {
  std::string host;
  uint16_t port;
  asio::io_context ioc;
  std::optional<beast::tcp_stream> stream;
  beast::flat_buffer buffer;
  int connections = 0;

  void connect() {
    ++connections;
    stream.emplace(ioc);
    buffer.clear();
    tcp::resolver resolver(ioc);
    stream->expires_after(kExchangeTimeout);
    beast::error_code ec;
    stream->async_connect(resolver.resolve(host, std::to_string(port)),
                          [&](beast::error_code e, const tcp::endpoint&) { ec = e; });
    run();
    if (ec) throw beast::system_error(ec);
  }

  void run() {
    ioc.restart();
    ioc.run();
  }

  beast::error_code exchange(bhttp::request<bhttp::string_body>& req, TestResponse& out) {
    beast::error_code ec;
    stream->expires_after(kExchangeTimeout);
    bhttp::async_write(*stream, req, [&](beast::error_code e, size_t) { ec = e; });
    run();
    if (ec) return ec;
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(boost::none);
    if (req.method() == bhttp::verb::head) parser.skip(true);
    bhttp::async_read(*stream, buffer, parser, [&](beast::error_code e, size_t) { ec = e; });
    run();
    if (ec) return ec;
    auto& res = parser.get();
    out.status = static_cast<int>(res.result_int());
    out.body = std::move(res.body());
    for (const auto& field : res) out.headers.emplace(lower(std::string(field.name_string())), field.value());
    if (!res.keep_alive()) stream.reset();
    return {};
  }
};

HttpClient::HttpClient(std::string host, uint16_t port) : impl_(std::make_unique<Impl>()) {
  impl_->host = std::move(host);
  impl_->port = port;
}

HttpClient::~HttpClient() = default;

TestResponse HttpClient::request(std::string method, std::string target, std::string body,
                                 std::vector<std::pair<std::string, std::string>> headers) {
  bhttp::request<bhttp::string_body> req;
  req.method_string(method);
  req.target(target);
  req.version(11);
  req.set(bhttp::field::host, impl_->host + ":" + std::to_string(impl_->port));
  for (auto& [name, value] : headers) req.insert(name, value);
  req.body() = std::move(body);
  req.prepare_payload();

  const bool reused = impl_->stream.has_value();
  if (!reused) impl_->connect();
  TestResponse out;
  auto ec = impl_->exchange(req, out);
  if (ec && reused && closed_by_peer(ec)) {
    impl_->connect();
    out = TestResponse{};
    ec = impl_->exchange(req, out);
  }
  if (ec) {
    impl_->stream.reset();
    throw beast::system_error(ec);
  }
  return out;
}

bool HttpClient::connected() const { return impl_->stream.has_value(); }

int HttpClient::connection_count() const { return impl_->connections; }

std::string raw_exchange(const std::string& host, uint16_t port, const std::string& bytes_to_send) {
  asio::io_context ioc;
  tcp::socket socket(ioc);
  tcp::resolver resolver(ioc);
  asio::connect(socket, resolver.resolve(host, std::to_string(port)));
  // The server may answer and close before taking everything; what it said still counts.
  beast::error_code write_ec;
  asio::write(socket, asio::buffer(bytes_to_send), write_ec);
  std::string received;
  std::array<char, 4096> chunk;
  std::function<void(beast::error_code, size_t)> on_read = [&](beast::error_code ec, size_t n) {
    received.append(chunk.data(), n);
    if (!ec) socket.async_read_some(asio::buffer(chunk), on_read);
  };
  socket.async_read_some(asio::buffer(chunk), on_read);
  ioc.run_for(std::chrono::seconds(1));
  return received;
}

}  // namespace redress::test
