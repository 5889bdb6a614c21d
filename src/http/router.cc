#include "http/router.h"

#include <algorithm>
#include <optional>

namespace redress::http {
namespace {

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') {
      ++i;
      continue;
    }
    auto j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    out.push_back(path.substr(i, j - i));
    i = j;
  }
  return out;
}

// For a match, which segments matched literally (true) or by capture (false), by depth.
// Comparing two such vectors lexicographically makes the literal win at the first depth
// where they differ: /a/b/{y} beats /a/{x}/c for /a/b/c.
std::optional<std::vector<bool>> match_pattern(std::string_view pattern, const std::vector<std::string_view>& parts,
                                               PathParams& params) {
  auto pat = split_path(pattern);
  if (pat.size() != parts.size()) return std::nullopt;
  std::vector<bool> literal(pat.size());
  for (size_t i = 0; i < pat.size(); ++i) {
    if (pat[i].size() > 2 && pat[i].front() == '{' && pat[i].back() == '}') {
      if (parts[i].empty()) return std::nullopt;
      params[std::string(pat[i].substr(1, pat[i].size() - 2))] = std::string(parts[i]);
    } else if (pat[i] != parts[i]) {
      return std::nullopt;
    } else {
      literal[i] = true;
    }
  }
  return literal;
}

}  // namespace

void Router::add(std::string method, std::string pattern, Handler handler) {
  routes_.push_back(Route{std::move(method), std::move(pattern), std::move(handler)});
}

Router::Match Router::match(std::string_view method, std::string_view path) const {
  Match best;
  std::optional<std::vector<bool>> best_score;
  auto parts = split_path(path);
  for (const auto& route : routes_) {
    PathParams params;
    auto score = match_pattern(route.pattern, parts, params);
    if (!score) continue;
    if (route.method != method) {
      best.path_known = true;
      if (std::find(best.allowed_methods.begin(), best.allowed_methods.end(), route.method) ==
          best.allowed_methods.end()) {
        best.allowed_methods.push_back(route.method);
      }
      continue;
    }
    if (!best_score || *score > *best_score) {
      best_score = std::move(score);
      best.route = &route;
      best.params = std::move(params);
    }
  }
  return best;
}

}  // namespace redress::http
