// libFuzzer target for parse_json (src/core/json_parse.cc), through which every JSON text
// from outside is read; built and run by scripts/fuzz.sh, seeded with deep nesting. Besides
// crashes and sanitizer reports it checks the parser's promises: a value it gives nests
// no deeper than kMaxJsonDepth, can be copied, dumped and read back, and a refusal
// says why.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <utility>
#include <vector>

#include "core/json_parse.h"

namespace {

void require(bool condition, const char* what) {
  if (condition) return;
  std::fprintf(stderr, "json_parse_fuzz: broken promise: %s\n", what);
  std::abort();
}

// Without recursion: the point is to learn the depth of what could be too deep.
int depth_of(const nlohmann::json& root) {
  int deepest = 0;
  std::vector<std::pair<const nlohmann::json*, int>> todo = {{&root, 0}};
  while (!todo.empty()) {
    auto [v, d] = todo.back();
    todo.pop_back();
    if (!v->is_structured()) continue;
    deepest = std::max(deepest, d + 1);
    for (const auto& child : *v) todo.emplace_back(&child, d + 1);
  }
  return deepest;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  redress::JsonProblem problem = redress::JsonProblem::kNone;
  std::string detail;
  const nlohmann::json value = redress::parse_json(text, &problem, &detail);
  if (value.is_discarded()) {
    require(problem != redress::JsonProblem::kNone, "a refusal names its problem");
    require(!detail.empty(), "a refusal says where");
    return 0;
  }
  require(problem == redress::JsonProblem::kNone, "a value comes without a problem");
  require(depth_of(value) <= redress::kMaxJsonDepth, "a value nests no deeper than the bound");
  const nlohmann::json copy = value;  // recursive: safe only because the depth is bounded
  // Invalid UTF-8 in strings is replaced rather than thrown on, as the server's answers do.
  const std::string dumped = copy.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  const nlohmann::json again = redress::parse_json(dumped, &problem);
  require(!again.is_discarded(), "a dumped value parses again");
  return 0;
}
