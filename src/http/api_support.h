#pragma once
// Small helpers shared by the API's handler files.
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "http/message.h"
#include "service/context.h"
#include "service/message_service.h"

namespace redress::http {

Response json_response(int status, const nlohmann::json& body);

class ObjectReader;
// The body's attachments: [{filename, content_type, content_base64}] (messages, and a
// customer's new request); each problem is added to `in` under its path (api_messages.cc).
std::vector<service::NewFile> read_files(ObjectReader& in);
// A positive decimal integer, or nullopt.
std::optional<int64_t> parse_positive(const std::string& text);
// Adds `why` to errors under each query parameter of r that is not in known.
void refuse_unknown_params(const Request& r, const std::set<std::string>& known, const std::string& why,
                           std::map<std::string, std::string>& errors);
// The "limit" query parameter, fallback when absent; an error naming it when out of 1..max.
Result<int> read_limit(const Request& r, int fallback, int max);

// What an admin may see of a configured address: scheme, host, port and path, without the
// user name and password it may carry, its query (webhook keys) or fragment.
// "imaps://bot:secret@mail.example.com:993/x?k=1" -> "imaps://mail.example.com:993/x".
std::string url_without_secrets(const std::string& url);
// Its host and port: "mail.example.com:993"; "" for "".
std::string host_of(const std::string& url);
// 403 unless the caller holds the admin right.
Result<void> require_admin(const service::Actor& actor, const std::string& what);

}  // namespace redress::http
