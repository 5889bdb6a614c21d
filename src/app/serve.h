#pragma once
#include "core/config.h"

namespace redress::app {

struct ServeOptions {
  bool demo = false;
};

// Runs the server until SIGTERM or SIGINT, then shuts down gracefully. Returns the exit code.
int serve(const Settings& settings, const ServeOptions& options);

// "host:port" -> parts; false when malformed.
bool split_listen(const std::string& listen, std::string& host, uint16_t& port);

}  // namespace redress::app
