#pragma once
// Demo data for `serve --demo`: accounts for every role, reasons and a few dozen tickets
// across the shipped workflows, all made through the services (so history is real).
#include <string>
#include <vector>

#include "service/context.h"

namespace redress::app {

struct DemoLogin {
  std::string role;
  std::string email;
  std::string password;
};

// Seeds once; on a database that already has the demo admin it only returns the logins.
Result<std::vector<DemoLogin>> seed_demo(service::Context& ctx);

}  // namespace redress::app
