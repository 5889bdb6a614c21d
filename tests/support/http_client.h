#pragma once
// A small synchronous HTTP/1.1 client for integration tests, on Beast. It keeps one
// keep-alive connection and reconnects when the server has closed it. Not thread-safe:
// one client per test thread.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace redress::test {

struct TestResponse {
  int status = 0;
  std::string body;
  std::multimap<std::string, std::string> headers;  // names lower-cased

  // The body parsed as JSON; null when it is not JSON.
  nlohmann::json json() const;
  std::optional<std::string> header(std::string name) const;
};

class HttpClient {
 public:
  HttpClient(std::string host, uint16_t port);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Throws boost::system::system_error when the server cannot be reached or answers
  // with something that is not HTTP.
  TestResponse request(std::string method, std::string target, std::string body = "",
                       std::vector<std::pair<std::string, std::string>> headers = {});

  // Whether the last response left the connection open for reuse.
  bool connected() const;
  // TCP connections opened so far: 1 after any number of kept-alive requests.
  int connection_count() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Sends bytes on a fresh connection and returns everything read until the server closes
// it or one second passes, for requests that no well-behaved client would send.
std::string raw_exchange(const std::string& host, uint16_t port, const std::string& bytes_to_send);

}  // namespace redress::test
