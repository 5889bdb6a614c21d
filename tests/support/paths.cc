#include "support/paths.h"

#include <cstdlib>

namespace redress::test {
namespace {

namespace fs = std::filesystem;

fs::path self_dir() {
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::current_path() : self.parent_path();
}

}  // namespace

const std::string& redress_binary() {
  static const std::string path = [] {
    if (const char* env = std::getenv("REDRESS_BIN"); env && *env) return std::string(env);
    return (self_dir().parent_path() / "redress").string();
  }();
  return path;
}

const fs::path& source_dir() {
  static const fs::path dir = []() -> fs::path {
    if (const char* env = std::getenv("REDRESS_SOURCE_DIR"); env && *env) return fs::path(env);
    for (fs::path at = self_dir(); !at.empty(); at = at.parent_path()) {
      if (fs::exists(at / "CMakeLists.txt") && fs::exists(at / "src" / "app" / "main.cc")) return at;
      if (at == at.root_path()) break;
    }
    return {};
  }();
  return dir;
}

}  // namespace redress::test
