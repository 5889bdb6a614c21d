#pragma once
// Maps (method, path) to a handler. Patterns are literal segments and {name} captures:
// "/api/v1/tickets/{id}/history". Literal segments win over captures at the same depth.
// Built once at start, then read-only: match() is thread-safe.
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "http/message.h"

namespace redress::http {

using PathParams = std::map<std::string, std::string>;
using Handler = std::function<Response(const Request&, const PathParams&)>;

struct Route {
  std::string method;
  std::string pattern;
  Handler handler;
};

class Router {
 public:
  void add(std::string method, std::string pattern, Handler handler);

  struct Match {
    const Route* route = nullptr;  // null: no route for this path
    PathParams params;
    bool path_known = false;  // some route has this path with another method (405)
    std::vector<std::string> allowed_methods;
  };
  Match match(std::string_view method, std::string_view path) const;

  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

}  // namespace redress::http
