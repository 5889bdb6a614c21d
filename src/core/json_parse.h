#pragma once
// Every JSON text Redress reads (request bodies, form fields, stored documents, another
// server's answer) is parsed here, with a bound on nesting. nlohmann::json copies and
// serialises values recursively: a body of 160 kB nested 100,000 levels deep overflowed
// the stack of the thread that copied it. Nothing Redress takes in nests deeper than a few
// levels, so anything past kMaxJsonDepth is refused while parsing, before a value exists.
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace redress {

inline constexpr int kMaxJsonDepth = 64;

enum class JsonProblem { kNone, kSyntax, kTooDeep };

// The value, or a discarded value (is_discarded()) when the text is not JSON or nests
// deeper than kMaxJsonDepth arrays and objects; problem then says which, and detail (in
// English) where the text went wrong.
nlohmann::json parse_json(std::string_view text, JsonProblem* problem = nullptr, std::string* detail = nullptr);

}  // namespace redress
