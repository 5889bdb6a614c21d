#pragma once
// Settings from a TOML file, each overridable by REDRESS_<SECTION>_<KEY>, then by flags.
// Unknown keys and wrong types are errors naming the file, key and line where possible:
// a typo in a setting must not silently fall back to a default.
#include <cstdint>
#include <optional>
#include <string>

#include "core/error.h"

namespace redress {

struct ServerSettings {
  std::string listen = "127.0.0.1:8080";
  std::string base_url;  // empty: derived from listen
  int threads = 4;
  int64_t max_body_bytes = 1 << 20;
  int64_t max_header_bytes = 16 << 10;
  int read_timeout_seconds = 30;
  int shutdown_grace_seconds = 20;
  bool dev_clock = false;
};

struct DatabaseSettings {
  std::string url = "sqlite:redress.db";
  int pool_size = 8;
};

struct TicketSettings {
  std::string number_format = "C-{year}-{seq:06}";
};

struct AuthSettings {
  int session_ttl_hours = 12;
  int login_attempts_per_minute = 10;
  // "interactive" for production; "min" makes test suites with many logins fast.
  std::string password_cost = "interactive";
  bool secure_cookies = false;  // set when served over HTTPS behind a proxy
};

struct WorkflowSettings {
  // A directory of extra workflow files (*.toml); one with a shipped id replaces it.
  std::string directory;
};

struct LogSettings {
  std::string level = "info";
  std::string format = "text";  // text | json
};

struct Settings {
  ServerSettings server;
  DatabaseSettings database;
  TicketSettings tickets;
  AuthSettings auth;
  WorkflowSettings workflows;
  LogSettings log;
};

using EnvLookup = std::optional<std::string> (*)(const char* name);
std::optional<std::string> process_env(const char* name);

// Reads path (if not empty) then applies environment overrides. Errors are one line.
Result<Settings> load_settings(const std::string& path, EnvLookup env = process_env);
// Parses TOML text; source names it in errors.
Result<Settings> parse_settings(const std::string& toml_text, const std::string& source,
                                EnvLookup env = process_env);

}  // namespace redress
