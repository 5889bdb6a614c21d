#pragma once
// Small helpers shared by the API's handler files.
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "http/message.h"

namespace redress::http {

Response json_response(int status, const nlohmann::json& body);
// A positive decimal integer, or nullopt.
std::optional<int64_t> parse_positive(const std::string& text);
// Adds `why` to errors under each query parameter of r that is not in known.
void refuse_unknown_params(const Request& r, const std::set<std::string>& known, const std::string& why,
                           std::map<std::string, std::string>& errors);
// The "limit" query parameter, fallback when absent; an error naming it when out of 1..max.
Result<int> read_limit(const Request& r, int fallback, int max);

}  // namespace redress::http
