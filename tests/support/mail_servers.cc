#include "support/mail_servers.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/crypto.h"

namespace redress::test {
namespace {

std::optional<std::string> from_env(const char* name, std::string* skip_reason) {
  const char* value = std::getenv(name);
  if (value && *value) return std::string(value);
  // In CI the test script always starts the mail servers: a missing variable is a failure.
  if (std::getenv("CI")) ADD_FAILURE() << "CI is set but " << name << " is not";
  if (skip_reason)
    *skip_reason = std::string("mail server not available: set ") + name + " (scripts/test.sh starts one)";
  return std::nullopt;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Letters and digits only: the token becomes a user name and a maildir.
std::string lower_alnum_token() {
  std::string out;
  for (char c : crypto::random_token(9)) {
    if (std::isalnum(static_cast<unsigned char>(c))) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

// Same rule as mode_file_name in scripts/smtp_capture.py.
std::string mode_file_name(const std::string& sender) {
  if (sender.empty()) return "null-sender";
  std::string out;
  for (unsigned char c : sender) {
    const bool keep = c < 0x80 && (std::isalnum(c) || c == '@' || c == '.' || c == '_' || c == '+' || c == '-');
    out += keep ? static_cast<char>(std::tolower(c)) : '_';
  }
  return out;
}

void write_atomically(const std::filesystem::path& path, const std::string& text) {
  const auto tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
  }
  std::filesystem::rename(tmp, path);
}

}  // namespace

std::optional<std::string> test_imap_url(std::string* skip_reason) {
  return from_env("REDRESS_TEST_IMAP_URL", skip_reason);
}

std::optional<std::filesystem::path> test_imap_dir(std::string* skip_reason) {
  auto dir = from_env("REDRESS_TEST_IMAP_DIR", skip_reason);
  if (!dir) return std::nullopt;
  return std::filesystem::path(*dir);
}

std::optional<std::string> test_smtp_url(std::string* skip_reason) {
  return from_env("REDRESS_TEST_SMTP_URL", skip_reason);
}

std::optional<std::filesystem::path> test_smtp_dir(std::string* skip_reason) {
  auto dir = from_env("REDRESS_TEST_SMTP_DIR", skip_reason);
  if (!dir) return std::nullopt;
  return std::filesystem::path(*dir);
}

mail::ImapSettings fresh_imap_mailbox(const std::string& imap_url, const std::string& folder) {
  mail::ImapSettings s;
  s.url = imap_url;
  s.mailbox = folder;
  s.username = "t" + lower_alnum_token();
  s.password = kTestImapPassword;
  s.starttls = "try";
  s.timeout_seconds = 10;
  return s;
}

bool kick_imap_user(const std::string& user) {
  auto dir = test_imap_dir();
  if (!dir) {
    ADD_FAILURE() << "REDRESS_TEST_IMAP_DIR is not set: cannot reach the server's doveadm";
    return false;
  }
  // User names come from fresh_imap_mailbox (letters, digits, @): safe in a shell word.
  if (!std::all_of(user.begin(), user.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '@'; })) {
    ADD_FAILURE() << "unexpected characters in user name " << user;
    return false;
  }
  const std::string command =
      "doveadm -c '" + (*dir / "dovecot.conf").string() + "' kick '" + user + "' >/dev/null 2>&1";
  if (std::system(command.c_str()) != 0) {
    ADD_FAILURE() << "failed: " << command;
    return false;
  }
  return true;
}

bool append_message(const mail::ImapSettings& mailbox, const std::string& raw) {
  mail::ImapClient client(mailbox);
  auto appended = client.append(raw);
  if (!appended) {
    ADD_FAILURE() << "APPEND to " << mailbox.mailbox << " failed: " << appended.error().message;
    return false;
  }
  return true;
}

std::string unique_sender() { return "t-" + lower_alnum_token() + "@redress.test"; }

std::vector<CapturedMessage> captured_messages(const std::filesystem::path& dir) {
  std::vector<CapturedMessage> out;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir / "messages", ec)) {
    const auto& path = entry.path();
    // N.eml is renamed into place after N.json: when it is there, both are complete.
    if (path.extension() != ".eml") continue;
    const std::string stem = path.stem().string();
    if (stem.empty() || !std::all_of(stem.begin(), stem.end(), [](char c) { return c >= '0' && c <= '9'; })) continue;
    CapturedMessage m;
    m.number = std::stoi(stem);
    m.raw = read_file(path);
    auto meta = nlohmann::json::parse(read_file(dir / "messages" / (stem + ".json")), nullptr, false);
    if (meta.is_discarded()) {
      ADD_FAILURE() << "unreadable envelope file for captured message " << stem;
      continue;
    }
    if (meta.contains("mail_from") && meta["mail_from"].is_string()) m.mail_from = meta["mail_from"].get<std::string>();
    if (meta.contains("rcpt_tos") && meta["rcpt_tos"].is_array()) {
      for (const auto& r : meta["rcpt_tos"]) m.rcpt_tos.push_back(r.get<std::string>());
    }
    if (meta.contains("peer") && meta["peer"].is_array() && meta["peer"].size() >= 2 && meta["peer"][1].is_number())
      m.peer_port = meta["peer"][1].get<int>();
    out.push_back(std::move(m));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.number < b.number; });
  return out;
}

std::vector<CapturedMessage> captured_from(const std::filesystem::path& dir, const std::string& sender) {
  auto lower = [](std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  };
  std::vector<CapturedMessage> out;
  for (auto& m : captured_messages(dir)) {
    if (lower(m.mail_from) == lower(sender)) out.push_back(std::move(m));
  }
  return out;
}

std::vector<CapturedMessage> CapturedInbox::since_last() {
  auto all = captured_from(dir_, sender_);
  std::vector<CapturedMessage> fresh(all.begin() + static_cast<std::ptrdiff_t>(std::min(seen_, all.size())), all.end());
  seen_ = all.size();
  return fresh;
}

void set_smtp_mode(const std::filesystem::path& dir, const std::string& sender, const std::string& mode) {
  std::filesystem::create_directories(dir / "modes");
  write_atomically(dir / "modes" / mode_file_name(sender), mode + "\n");
}

void set_smtp_mode_for_all(const std::filesystem::path& dir, const std::string& mode) {
  write_atomically(dir / "mode", mode + "\n");
}

int closed_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 1;  // port 1: nothing listens there either
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  int port = 1;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
    port = ntohs(addr.sin_port);
  ::close(fd);
  return port;
}

}  // namespace redress::test
