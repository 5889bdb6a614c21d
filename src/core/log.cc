#include "core/log.h"

#include <atomic>
#include <nlohmann/json.hpp>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace redress::log {
namespace {

std::atomic<bool> g_json{false};

std::shared_ptr<spdlog::logger> logger() {
  static std::shared_ptr<spdlog::logger> l = [] {
    auto lg = spdlog::stderr_logger_mt("redress");
    lg->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %l %v", spdlog::pattern_time_type::utc);
    return lg;
  }();
  return l;
}

spdlog::level::level_enum to_spd(Level l) {
  switch (l) {
    case Level::kTrace: return spdlog::level::trace;
    case Level::kDebug: return spdlog::level::debug;
    case Level::kInfo: return spdlog::level::info;
    case Level::kWarn: return spdlog::level::warn;
    case Level::kError: return spdlog::level::err;
  }
  return spdlog::level::info;
}

bool needs_quotes(std::string_view v) {
  if (v.empty()) return true;
  for (char c : v) {
    if (c == ' ' || c == '"' || c == '=' || static_cast<unsigned char>(c) < 0x20) return true;
  }
  return false;
}

}  // namespace

void configure(std::string_view level, bool json) {
  g_json = json;
  auto lg = logger();
  lg->set_level(spdlog::level::from_str(std::string(level)));
  if (json) {
    lg->set_pattern(R"({"ts":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l",%v})", spdlog::pattern_time_type::utc);
  }
}

std::string format_record(bool json, std::string_view event, std::initializer_list<Field> fields) {
  if (json) {
    nlohmann::json j = nlohmann::json::object();
    j["event"] = event;
    for (const auto& [k, v] : fields) j[std::string(k)] = v;
    std::string s = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    // The pattern already opened the object; drop our braces.
    return s.substr(1, s.size() - 2);
  }
  std::string out(event);
  for (const auto& [k, v] : fields) {
    out += ' ';
    out += k;
    out += '=';
    if (needs_quotes(v)) {
      out += nlohmann::json(v).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    } else {
      out += v;
    }
  }
  return out;
}

void write(Level level, std::string_view event, std::initializer_list<Field> fields) {
  auto lg = logger();
  auto lvl = to_spd(level);
  if (!lg->should_log(lvl)) return;
  lg->log(lvl, "{}", format_record(g_json, event, fields));
}

}  // namespace redress::log
