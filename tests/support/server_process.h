#pragma once
// A real `redress serve` child process for end-to-end tests: started with arguments,
// its port read from the "running at" line, stopped with SIGTERM (then SIGKILL after a
// deadline). The binary is test::redress_binary() (support/paths.h).
#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace redress::test {

class ServerProcess {
 public:
  // Starts `redress serve ARGS --listen 127.0.0.1:0`; throws when no URL appears in 60 s.
  ServerProcess(const std::string& binary, std::vector<std::string> args, const std::filesystem::path& log_file);
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  uint16_t port() const { return port_; }
  // SIGTERM and wait; the exit code, or nullopt if it had to be killed.
  std::optional<int> stop();
  // SIGKILL, as a crash or the OOM killer would: no cleanup runs.
  void kill_hard();

 private:
  pid_t pid_ = -1;
  uint16_t port_ = 0;
  int stdout_fd_ = -1;
};

}  // namespace redress::test
