#include "support/server_process.h"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace redress::test {
namespace {

using SteadyClock = std::chrono::steady_clock;

std::optional<int> wait_for_exit(pid_t pid, SteadyClock::time_point deadline) {
  while (SteadyClock::now() < deadline) {
    int status = 0;
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (r < 0 && errno != EINTR) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return std::nullopt;
}

}  // namespace

ServerProcess::ServerProcess(const std::string& binary, std::vector<std::string> args,
                             const std::filesystem::path& log_file) {
  int out[2];
  if (pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
  std::vector<std::string> argv_s = {binary, "serve"};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  argv_s.insert(argv_s.end(), {"--listen", "127.0.0.1:0"});
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_addopen(&actions, 2, log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  int rc = posix_spawn(&pid_, binary.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(out[1]);
  if (rc != 0) {
    close(out[0]);
    throw std::runtime_error(std::string("spawn redress: ") + std::strerror(rc));
  }
  stdout_fd_ = out[0];
  const std::string prefix = "running at http://127.0.0.1:";
  const auto deadline = SteadyClock::now() + std::chrono::seconds(60);
  std::string seen;
  while (port_ == 0 && SteadyClock::now() < deadline) {
    pollfd fd{stdout_fd_, POLLIN, 0};
    if (poll(&fd, 1, 100) <= 0) continue;
    char buf[1024];
    ssize_t n = read(stdout_fd_, buf, sizeof buf);
    if (n <= 0) break;
    seen.append(buf, static_cast<size_t>(n));
    auto at = seen.find(prefix);
    if (at != std::string::npos && seen.find(' ', at + prefix.size()) != std::string::npos)
      port_ = static_cast<uint16_t>(std::stoi(seen.substr(at + prefix.size())));
  }
  if (port_ == 0) {
    stop();
    throw std::runtime_error("redress serve printed no URL; stdout: " + seen + " (stderr in " + log_file.string() + ")");
  }
}

ServerProcess::~ServerProcess() { stop(); }

std::optional<int> ServerProcess::stop() {
  if (pid_ <= 0) return std::nullopt;
  kill(pid_, SIGTERM);
  auto code = wait_for_exit(pid_, SteadyClock::now() + std::chrono::seconds(30));
  if (!code) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  pid_ = -1;
  if (stdout_fd_ >= 0) close(stdout_fd_);
  stdout_fd_ = -1;
  return code;
}

void ServerProcess::kill_hard() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
  if (stdout_fd_ >= 0) close(stdout_fd_);
  stdout_fd_ = -1;
}

}  // namespace redress::test
