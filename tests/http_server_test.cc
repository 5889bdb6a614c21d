// The HTTP server over real sockets on 127.0.0.1: limits, keep-alive, timeouts, errors,
// metrics and graceful shutdown.
#include <utility>

#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <functional>
#include <gtest/gtest.h>
#include <optional>
#include <stdexcept>
#include <thread>

#include "http/metrics.h"
#include "http/router.h"
#include "http/server.h"
#include "support/http_client.h"

namespace redress::http {
namespace {

using namespace std::chrono_literals;
using test::HttpClient;
using test::raw_exchange;
namespace asio = boost::asio;

// Polls a condition the test cannot be notified of, within a bound.
bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds limit = 5s) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

// How long the server took to close a connection on which we sent `bytes`; nullopt when it
// was still open after `limit`.
std::optional<std::chrono::milliseconds> time_until_closed(uint16_t port, const std::string& bytes,
                                                           std::chrono::milliseconds limit) {
  asio::io_context ioc;
  asio::ip::tcp::socket socket(ioc);
  socket.connect({asio::ip::make_address("127.0.0.1"), port});
  const auto started = std::chrono::steady_clock::now();
  if (!bytes.empty()) asio::write(socket, asio::buffer(bytes));
  std::optional<std::chrono::milliseconds> closed_after;
  std::array<char, 1024> chunk;
  std::function<void(boost::system::error_code, size_t)> on_read = [&](boost::system::error_code ec, size_t) {
    if (ec) {
      closed_after = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
      return;
    }
    socket.async_read_some(asio::buffer(chunk), on_read);
  };
  socket.async_read_some(asio::buffer(chunk), on_read);
  ioc.run_for(limit);
  return closed_after;
}

class HttpServerTest : public ::testing::Test {
 protected:
  HttpServerTest() {
    router_.add("GET", "/echo", [this](const Request& req, const PathParams&) { return echo(req); });
    router_.add("POST", "/echo", [this](const Request& req, const PathParams&) { return echo(req); });
    router_.add("GET", "/slow", [](const Request&, const PathParams&) {
      std::this_thread::sleep_for(300ms);  // deliberately keeps a request in flight
      return Response::json(200, R"({"slow":true,"padding":")" + std::string(100000, 'x') + "\"}");
    });
    router_.add("GET", "/boom", [](const Request&, const PathParams&) -> Response {
      throw std::runtime_error("handler bug");
    });
    router_.add("GET", "/cookies", [](const Request&, const PathParams&) {
      Response r;
      r.content_type = "text/plain";
      r.body = "two cookies";
      r.headers = {{"Set-Cookie", "a=1; HttpOnly"}, {"Set-Cookie", "b=2"}, {"Cache-Control", "no-store"}};
      return r;
    });
    router_.add("GET", "/inject", [](const Request& req, const PathParams&) {
      Response r = Response::json(200, "{}");
      r.headers = {{"Content-Disposition", "attachment; filename=" + req.query_param("name").value_or("")}};
      return r;
    });
    router_.add("DELETE", "/nothing", [](const Request&, const PathParams&) { return Response::no_content(); });
    router_.add("POST", "/stop", [this](const Request&, const PathParams&) {
      server_->stop();  // from an I/O thread, as a handler or signal_set on the context would
      return Response::json(200, "{}");
    });
  }

  ~HttpServerTest() override {
    if (server_) server_->stop();
  }

  void start(ServerOptions options = {}) {
    options.port = 0;
    options.threads = 2;
    server_ = std::make_unique<Server>(options, [this](Request& req) { return dispatch(req); }, &metrics_);
    auto started = server_->start();
    ASSERT_TRUE(started.has_value()) << started.error().message;
    ASSERT_NE(server_->port(), 0);
    server_->run_in_background();
  }

  HttpClient client() { return HttpClient("127.0.0.1", server_->port()); }
  std::string raw(const std::string& bytes) { return raw_exchange("127.0.0.1", server_->port(), bytes); }

  Response dispatch(Request& req) {
    ++handler_calls_;
    auto match = router_.match(req.method, req.path);
    if (!match.route) return Response::json(match.path_known ? 405 : 404, R"({"error":{"code":"not_found"}})");
    auto response = match.route->handler(req, match.params);
    response.route = match.route->pattern;
    return response;
  }

  static Response echo(const Request& req) {
    nlohmann::json query = nlohmann::json::object();
    for (const auto& [k, v] : req.query) query[k] = v;
    nlohmann::json body = {{"method", req.method},     {"target", req.target},
                           {"path", req.path},         {"query", query},
                           {"body", req.body},         {"remote", req.remote_address},
                           {"x_test", req.header("x-test").value_or("")},
                           {"session", req.cookie("session").value_or("")}};
    return Response::json(200, body.dump());
  }

  Router router_;
  Metrics metrics_;
  std::atomic<int> handler_calls_{0};
  std::unique_ptr<Server> server_;
};

TEST_F(HttpServerTest, ConvertsRequestFieldsForTheHandler) {
  start();
  auto c = client();
  auto res = c.request("POST", "/echo?q=printer+jam&n=%31", "hello",
                       {{"X-Test", "yes"}, {"Cookie", "theme=dark"}, {"Cookie", "session=s1"}});
  ASSERT_EQ(res.status, 200);
  auto j = res.json();
  EXPECT_EQ(j["method"], "POST");
  EXPECT_EQ(j["target"], "/echo?q=printer+jam&n=%31");
  EXPECT_EQ(j["path"], "/echo");
  EXPECT_EQ(j["query"]["q"], "printer jam");
  EXPECT_EQ(j["query"]["n"], "1");
  EXPECT_EQ(j["body"], "hello");
  EXPECT_EQ(j["remote"], "127.0.0.1");
  EXPECT_EQ(j["x_test"], "yes");
  EXPECT_EQ(j["session"], "s1");  // repeated Cookie headers are joined
}

TEST_F(HttpServerTest, ConvertsResponseHeadersIncludingRepeatedSetCookie) {
  start();
  auto c = client();
  auto res = c.request("GET", "/cookies");
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body, "two cookies");
  EXPECT_EQ(res.header("Content-Type"), "text/plain");
  EXPECT_EQ(res.header("Server"), "redress");
  EXPECT_EQ(res.header("Cache-Control"), "no-store");
  EXPECT_EQ(res.headers.count("set-cookie"), 2u);
  EXPECT_EQ(res.header("Content-Length"), "11");
}

TEST_F(HttpServerTest, NoContentHasNeitherBodyNorContentType) {
  start();
  auto c = client();
  auto res = c.request("DELETE", "/nothing");
  EXPECT_EQ(res.status, 204);
  EXPECT_EQ(res.header("Content-Type"), std::nullopt);
  EXPECT_EQ(res.header("Content-Length"), std::nullopt);
  EXPECT_EQ(c.request("GET", "/echo").status, 200);  // and the connection is still in step
  EXPECT_EQ(c.connection_count(), 1);
}

TEST_F(HttpServerTest, LineBreakInAResponseHeaderIsRefusedAs500) {
  start();
  auto c = client();
  auto res = c.request("GET", "/inject?name=a.txt%0D%0ASet-Cookie:%20session=evil");
  EXPECT_EQ(res.status, 500);
  EXPECT_EQ(res.header("Set-Cookie"), std::nullopt);
  EXPECT_EQ(res.header("Content-Disposition"), std::nullopt);
  EXPECT_EQ(c.request("GET", "/inject?name=a.txt").header("Content-Disposition"), "attachment; filename=a.txt");
}

TEST_F(HttpServerTest, KeepAliveServesTwoRequestsOnOneConnection) {
  start();
  auto c = client();
  EXPECT_EQ(c.request("GET", "/echo").status, 200);
  EXPECT_TRUE(c.connected());
  EXPECT_EQ(c.request("GET", "/echo?second").status, 200);
  EXPECT_EQ(c.connection_count(), 1);
}

TEST_F(HttpServerTest, PipelinedRequestsAreAnsweredInOrderAndConnectionCloseIsHonoured) {
  start();
  auto text = raw(
      "GET /echo?n=1 HTTP/1.1\r\nHost: t\r\n\r\n"
      "GET /echo?n=2 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
  auto first = text.find("\"n\":\"1\"");
  auto second = text.find("\"n\":\"2\"");
  ASSERT_NE(first, std::string::npos) << text;
  ASSERT_NE(second, std::string::npos) << text;
  EXPECT_LT(first, second);
  EXPECT_NE(text.find("Connection: close"), std::string::npos);
}

TEST_F(HttpServerTest, Http10ClosesAfterTheResponse) {
  start();
  auto closed = time_until_closed(server_->port(), "GET /echo HTTP/1.0\r\n\r\n", 5s);
  EXPECT_TRUE(closed.has_value());
}

TEST_F(HttpServerTest, BodyOverTheLimitGets413AndTheHandlerNeverRuns) {
  ServerOptions options;
  options.max_body_bytes = 1024;
  start(options);
  auto c = client();
  auto res = c.request("POST", "/echo", std::string(2048, 'a'));
  EXPECT_EQ(res.status, 413);
  EXPECT_EQ(res.json()["error"]["code"], "too_large");
  EXPECT_TRUE(res.json()["error"]["message"].is_string());
  EXPECT_EQ(res.header("Connection"), "close");
  EXPECT_FALSE(c.connected());
  EXPECT_EQ(handler_calls_, 0);
  EXPECT_EQ(c.request("POST", "/echo", std::string(1024, 'a')).status, 200);  // exactly the limit is fine
}

// The server refuses after the header, while the client is still sending: closing at once
// would reset the connection and the client would never see the 413.
TEST_F(HttpServerTest, LargeUploadOverTheLimitStillSeesThe413) {
  ServerOptions options;
  options.max_body_bytes = 1024;
  start(options);
  auto c = client();
  auto res = c.request("POST", "/echo", std::string(8 << 20, 'a'));
  EXPECT_EQ(res.status, 413);
  EXPECT_EQ(handler_calls_, 0);
}

TEST_F(HttpServerTest, ChunkedBodyOverTheLimitGets413) {
  ServerOptions options;
  options.max_body_bytes = 1024;
  start(options);
  std::string chunk(800, 'a');
  auto text = raw("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n320\r\n" + chunk + "\r\n320\r\n" +
                  chunk + "\r\n0\r\n\r\n");
  EXPECT_TRUE(text.starts_with("HTTP/1.1 413")) << text;
  EXPECT_EQ(handler_calls_, 0);
}

// The probe's finding: codings Beast does not decode were taken, framed as Beast guessed.
TEST_F(HttpServerTest, TransferEncodingOtherThanChunkedGets400) {
  start();
  for (const std::string coding : {"gzip", "identity", "gzip, chunked", "chunked, gzip", "x"}) {
    auto text = raw("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: " + coding + "\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
    EXPECT_TRUE(text.starts_with("HTTP/1.1 400")) << coding << ": " << text;
    EXPECT_NE(text.find("only chunked"), std::string::npos) << coding << ": " << text;
  }
  auto twice = raw("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n"
                   "5\r\nhello\r\n0\r\n\r\n");
  EXPECT_TRUE(twice.starts_with("HTTP/1.1 400")) << twice;
  EXPECT_EQ(handler_calls_, 0);
  // Chunked, in any case, is read as before.
  auto fine = raw("POST /echo HTTP/1.1\r\nHost: t\r\nConnection: close\r\nTransfer-Encoding: Chunked \r\n\r\n"
                  "5\r\nhello\r\n0\r\n\r\n");
  EXPECT_TRUE(fine.starts_with("HTTP/1.1 200")) << fine;
  EXPECT_EQ(handler_calls_, 1);
}

TEST_F(HttpServerTest, HeaderOverTheLimitGets431) {
  ServerOptions options;
  options.max_header_bytes = 1024;
  start(options);
  auto c = client();
  auto res = c.request("GET", "/echo", "", {{"X-Big", std::string(2000, 'h')}});
  EXPECT_EQ(res.status, 431);
  EXPECT_EQ(res.json()["error"]["code"], "too_large");
  EXPECT_EQ(handler_calls_, 0);
}

TEST_F(HttpServerTest, GarbageBytesGet400AndTheConnectionCloses) {
  start();
  auto text = raw("this is not HTTP at all\r\n\r\n");
  EXPECT_TRUE(text.starts_with("HTTP/1.1 400")) << text;
  auto body = nlohmann::json::parse(text.substr(text.find("\r\n\r\n") + 4));
  EXPECT_EQ(body["error"]["code"], "malformed");
  EXPECT_EQ(handler_calls_, 0);
}

TEST_F(HttpServerTest, BadPercentEncodingGets400ButTheConnectionStays) {
  start();
  auto c = client();
  auto res = c.request("GET", "/echo%zz");
  EXPECT_EQ(res.status, 400);
  EXPECT_EQ(res.json()["error"]["code"], "malformed");
  EXPECT_EQ(handler_calls_, 0);
  EXPECT_EQ(c.request("GET", "/echo").status, 200);
  EXPECT_EQ(c.connection_count(), 1);
}

TEST_F(HttpServerTest, ReadTimeoutClosesAnIdleConnection) {
  ServerOptions options;
  options.read_timeout = 1s;
  start(options);
  auto closed = time_until_closed(server_->port(), "", 5s);
  ASSERT_TRUE(closed.has_value());
  EXPECT_GE(*closed, 900ms);
}

TEST_F(HttpServerTest, ReadTimeoutClosesASlowClient) {
  ServerOptions options;
  options.read_timeout = 1s;
  start(options);
  auto closed = time_until_closed(server_->port(), "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nabc", 5s);
  ASSERT_TRUE(closed.has_value());
  EXPECT_GE(*closed, 900ms);
  EXPECT_EQ(handler_calls_, 0);
}

TEST_F(HttpServerTest, HandlerExceptionGives500AndTheConnectionKeepsWorking) {
  start();
  auto c = client();
  auto res = c.request("GET", "/boom");
  EXPECT_EQ(res.status, 500);
  EXPECT_EQ(res.json(), nlohmann::json::parse(R"({"error":{"code":"internal","message":"internal error"}})"));
  EXPECT_EQ(c.request("GET", "/echo").status, 200);
  EXPECT_EQ(c.connection_count(), 1);
}

TEST_F(HttpServerTest, ExpectContinueGetsAnInterimResponse) {
  start();
  auto text = raw(
      "POST /echo HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc");
  EXPECT_TRUE(text.starts_with("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK")) << text;
}

TEST_F(HttpServerTest, MetricsObserveRouteMethodAndStatus) {
  start();
  auto c = client();
  c.request("GET", "/echo");
  c.request("GET", "/echo");
  c.request("GET", "/missing");
  c.request("GET", "/boom");
  // The server observes after the write completes, so the client may be a little ahead.
  auto observed = [&](const std::string& line) {
    return eventually([&] { return metrics_.render().find(line) != std::string::npos; });
  };
  EXPECT_TRUE(observed(R"(redress_http_requests_total{route="/echo",method="GET",status="200"} 2)"))
      << metrics_.render();
  EXPECT_TRUE(observed(R"(redress_http_requests_total{route="unmatched",method="GET",status="404"} 1)"));
  EXPECT_TRUE(observed(R"(redress_http_requests_total{route="unmatched",method="GET",status="500"} 1)"));
  EXPECT_TRUE(observed(R"(redress_http_request_duration_seconds_count{route="/echo"} 2)"));
}

TEST_F(HttpServerTest, MetricsObserveRefusedRequests) {
  ServerOptions options;
  options.max_body_bytes = 16;
  start(options);
  auto c = client();
  EXPECT_EQ(c.request("POST", "/echo", std::string(100, 'a')).status, 413);
  raw("garbage\r\n\r\n");
  auto observed = [&](const std::string& line) {
    return eventually([&] { return metrics_.render().find(line) != std::string::npos; });
  };
  EXPECT_TRUE(observed(R"(redress_http_requests_total{route="unmatched",method="POST",status="413"} 1)"))
      << metrics_.render();
  EXPECT_TRUE(observed(R"(redress_http_requests_total{route="unmatched",method="OTHER",status="400"} 1)"));
}

TEST_F(HttpServerTest, StopLetsAnInFlightRequestFinishAndRefusesNewConnections) {
  start();
  std::optional<test::TestResponse> slow;
  std::thread requester([&] {
    auto c = client();
    slow = c.request("GET", "/slow");
  });
  ASSERT_TRUE(eventually([&] { return server_->in_flight() == 1; }));
  server_->stop();
  requester.join();

  ASSERT_TRUE(slow.has_value());
  EXPECT_EQ(slow->status, 200);
  EXPECT_EQ(slow->json()["slow"], true);  // the whole body arrived and parses
  EXPECT_EQ(slow->header("Connection"), "close");
  EXPECT_EQ(server_->in_flight(), 0);
  auto late = client();
  EXPECT_THROW(late.request("GET", "/echo"), boost::system::system_error);
}

TEST_F(HttpServerTest, IdleKeepAliveConnectionDoesNotDelayStop) {
  start();  // read_timeout 30 s, shutdown_grace 20 s: neither may be waited out
  auto c = client();
  ASSERT_EQ(c.request("GET", "/echo").status, 200);
  const auto started = std::chrono::steady_clock::now();
  server_->stop();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
}

TEST_F(HttpServerTest, StopFromAHandlerAndAgainFromOutsideIsSafe) {
  start();
  auto c = client();
  auto res = c.request("POST", "/stop");
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.header("Connection"), "close");
  server_->stop();
  server_->stop();
}

TEST_F(HttpServerTest, RunBlocksUntilStop) {
  ServerOptions options;
  options.threads = 2;
  Server server(options, [this](Request& req) { return dispatch(req); }, nullptr);
  ASSERT_TRUE(server.start().has_value());
  std::thread runner([&] { server.run(); });
  HttpClient c("127.0.0.1", server.port());
  EXPECT_EQ(c.request("GET", "/echo").status, 200);
  server.stop();
  runner.join();
}

TEST_F(HttpServerTest, StartReportsAnAddressInUse) {
  start();
  ServerOptions options;
  options.port = server_->port();
  Server second(options, [](Request&) { return Response::no_content(); }, nullptr);
  auto started = second.start();
  ASSERT_FALSE(started.has_value());
  EXPECT_EQ(started.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(started.error().message.find("127.0.0.1:" + std::to_string(server_->port())), std::string::npos)
      << started.error().message;
}

TEST_F(HttpServerTest, StartReportsABadAddress) {
  ServerOptions options;
  options.address = "not-an-address";
  Server server(options, [](Request&) { return Response::no_content(); }, nullptr);
  auto started = server.start();
  ASSERT_FALSE(started.has_value());
  EXPECT_EQ(started.error().code, ErrorCode::kUnavailable);
}

}  // namespace
}  // namespace redress::http
