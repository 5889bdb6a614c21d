#pragma once
// Structured logging: an event name plus key/value fields, written as logfmt text or as
// one JSON object per line, through spdlog (thread-safe, to stderr).
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace redress::log {

enum class Level { kTrace, kDebug, kInfo, kWarn, kError };

using Field = std::pair<std::string_view, std::string>;

// Call once at start; before that, logs go to stderr as text at info level.
void configure(std::string_view level, bool json);

void write(Level level, std::string_view event, std::initializer_list<Field> fields = {});

inline void info(std::string_view event, std::initializer_list<Field> fields = {}) {
  write(Level::kInfo, event, fields);
}
inline void warn(std::string_view event, std::initializer_list<Field> fields = {}) {
  write(Level::kWarn, event, fields);
}
inline void error(std::string_view event, std::initializer_list<Field> fields = {}) {
  write(Level::kError, event, fields);
}
inline void debug(std::string_view event, std::initializer_list<Field> fields = {}) {
  write(Level::kDebug, event, fields);
}

// Formats one record; exposed for tests.
std::string format_record(bool json, std::string_view event, std::initializer_list<Field> fields);

}  // namespace redress::log
