#pragma once
// Reading request bodies: parse JSON strictly (valid UTF-8, an object at the top), then
// read members by name and type, collecting every problem so that one 422 names every
// bad field. Unknown members are refused: a typo must not be silently ignored.
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "http/message.h"

namespace redress::http {

// 415 unless Content-Type is JSON; 400 for malformed JSON, invalid UTF-8 or arrays and
// objects nested deeper than kMaxJsonDepth (core/json_parse.h); 400 unless the top level
// is an object; 422 naming the field for a string holding a NUL character.
Result<nlohmann::json> parse_json_body(const Request& request);

class ObjectReader {
 public:
  ObjectReader(const nlohmann::json& object, std::string prefix = "");

  std::optional<std::string> string(const std::string& key, bool required = false);
  std::optional<int64_t> integer(const std::string& key, bool required = false);
  std::optional<bool> boolean(const std::string& key);
  // A string that may be JSON null, which clears it: absent is nullopt, null an empty
  // optional inside.
  std::optional<std::optional<std::string>> nullable_string(const std::string& key);
  // An id (number) or a natural key (string).
  std::optional<std::pair<std::optional<int64_t>, std::string>> id_or_key(const std::string& key);
  // The raw member (marked as known), or null.
  const nlohmann::json* raw(const std::string& key);
  // True when the member is present and JSON null.
  bool is_null(const std::string& key) const;
  bool has(const std::string& key) const;

  void add_error(const std::string& key, const std::string& why);
  std::map<std::string, std::string>& errors() { return *errors_; }
  // Shares this reader's error list with a reader of a nested object.
  ObjectReader nested(const nlohmann::json& object, const std::string& name);

  // Adds an error for every member never asked for, then returns the collected errors
  // as one 422, or nothing when all is well.
  Result<void> finish();

 private:
  ObjectReader(const nlohmann::json& object, std::string prefix, std::shared_ptr<std::map<std::string, std::string>> errors);
  std::string path(const std::string& key) const { return prefix_.empty() ? key : prefix_ + "." + key; }

  const nlohmann::json& object_;
  std::string prefix_;
  std::set<std::string> known_;
  std::shared_ptr<std::map<std::string, std::string>> errors_;
};

}  // namespace redress::http
