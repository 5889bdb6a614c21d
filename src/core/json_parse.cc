#include "core/json_parse.h"

namespace redress {

nlohmann::json parse_json(std::string_view text, JsonProblem* problem, std::string* detail) {
  bool too_deep = false;
  // The callback sees each array and object start with the number of containers around
  // it. Refusing one discards it and everything inside, so the parser (which keeps its own
  // state on the heap) reads on without building anything deeper.
  const nlohmann::json::parser_callback_t bound = [&](int depth, nlohmann::json::parse_event_t event,
                                                      nlohmann::json&) {
    if ((event == nlohmann::json::parse_event_t::object_start || event == nlohmann::json::parse_event_t::array_start) &&
        depth >= kMaxJsonDepth) {
      too_deep = true;
      return false;
    }
    return true;
  };
  nlohmann::json value;
  JsonProblem why = JsonProblem::kNone;
  std::string where;
  try {
    value = nlohmann::json::parse(text, bound, true);
  } catch (const nlohmann::json::parse_error& e) {
    why = JsonProblem::kSyntax;
    where = e.what();
    // "[json.exception.parse_error.101] parse error at line 1, column 5: ..." without its prefix.
    if (auto at = where.find("] "); at != std::string::npos) where = where.substr(at + 2);
  }
  if (too_deep) {
    why = JsonProblem::kTooDeep;
    where = "arrays and objects nest deeper than " + std::to_string(kMaxJsonDepth) + " levels";
  }
  if (why != JsonProblem::kNone) value = nlohmann::json(nlohmann::json::value_t::discarded);
  if (problem) *problem = why;
  if (detail) *detail = where;
  return value;
}

}  // namespace redress
