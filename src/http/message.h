#pragma once
// Plain request and response values: handlers never see Beast, so they compile fast and
// test without sockets. The server converts at the edge.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace redress::http {

// Header names compare case-insensitively.
struct CaseInsensitiveLess {
  bool operator()(std::string_view a, std::string_view b) const;
  using is_transparent = void;
};
using Headers = std::map<std::string, std::string, CaseInsensitiveLess>;

struct Request {
  std::string method;  // "GET", "POST", ...
  std::string target;  // as received: path plus query string
  std::string path;    // percent-decoded path without the query
  std::multimap<std::string, std::string> query;  // decoded query parameters
  Headers headers;
  std::string body;
  // A body over its route's limit (ServerOptions::large_body_routes): body holds only its
  // first bytes, body_size is what came.
  bool body_truncated = false;
  uint64_t body_size = 0;
  std::string remote_address;

  std::optional<std::string> header(std::string_view name) const;
  std::optional<std::string> query_param(std::string_view name) const;
  // Value of one cookie from the Cookie header.
  std::optional<std::string> cookie(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers (Set-Cookie may repeat)
  // The route pattern that answered ("/api/v1/tickets/{id}"), for metrics; empty when none matched.
  std::string route;

  static Response json(int status, std::string body);
  static Response no_content();
};

// Splits "path?query" and percent-decodes both; false when the encoding is broken.
bool parse_target(std::string_view target, std::string& path, std::multimap<std::string, std::string>& query);
std::string percent_decode(std::string_view s, bool plus_is_space, bool& ok);

}  // namespace redress::http
