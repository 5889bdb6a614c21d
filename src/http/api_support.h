#pragma once
// Small helpers shared by the API's handler files.
#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "http/message.h"

namespace redress::http {

Response json_response(int status, const nlohmann::json& body);
// A positive decimal integer, or nullopt.
std::optional<int64_t> parse_positive(const std::string& text);
// The "limit" query parameter, fallback when absent; an error naming it when out of 1..max.
Result<int> read_limit(const Request& r, int fallback, int max);

}  // namespace redress::http
