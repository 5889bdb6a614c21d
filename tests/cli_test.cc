// The redress executable as users and scripts see it: exit codes, the one-line errors
// the contract promises (docs: API.md, "Command line"), and serve's start and stop.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "core/crypto.h"
#include "support/paths.h"
#include "support/http_client.h"
#include "support/test_app.h"

extern char** environ;

namespace redress {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// Generous: a sanitizer build hashes passwords and migrates several times slower.
constexpr auto kCommandTimeout = std::chrono::seconds(120);
constexpr auto kServeTimeout = std::chrono::seconds(60);

struct RunResult {
  int exit_code = -1;  // the exit status, or 128 + signal when killed
  std::string out;
  std::string err;
};

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

int exit_code_of(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

// The inherited environment without REDRESS_* settings, plus extra ("NAME=value").
std::vector<std::string> child_environment(const std::vector<std::string>& extra) {
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) {
    if (std::strncmp(*e, "REDRESS_", 8) != 0) env.emplace_back(*e);
  }
  env.insert(env.end(), extra.begin(), extra.end());
  return env;
}

std::vector<char*> pointers_to(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// A child process of the redress binary with its standard streams redirected by
// actions. Returns its pid, or fails the test.
pid_t spawn(std::vector<std::string> args, const std::vector<std::string>& extra_env, const fs::path& dir,
            posix_spawn_file_actions_t& actions) {
  args.insert(args.begin(), test::redress_binary());
  auto env = child_environment(extra_env);
  auto argv = pointers_to(args);
  auto envp = pointers_to(env);
  posix_spawn_file_actions_addchdir_np(&actions, dir.c_str());
  pid_t pid = -1;
  int rc = posix_spawn(&pid, test::redress_binary().c_str(), &actions, nullptr, argv.data(), envp.data());
  EXPECT_EQ(rc, 0) << "posix_spawn " << test::redress_binary() << ": " << std::strerror(rc);
  return rc == 0 ? pid : -1;
}

// Waits for pid until deadline, polling; kills it past the deadline. nullopt on timeout.
std::optional<int> wait_until(pid_t pid, Clock::time_point deadline) {
  while (true) {
    int status = 0;
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) return exit_code_of(status);
    if (r < 0) return std::nullopt;
    if (Clock::now() >= deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      return std::nullopt;
    }
    poll(nullptr, 0, 10);
  }
}

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // A child that exits before reading its stdin must not kill the test with SIGPIPE.
    signal(SIGPIPE, SIG_IGN);
    std::string pattern = (fs::temp_directory_path() / "redress-cli-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr) << std::strerror(errno);
    dir_ = pattern;
  }
  void TearDown() override {
    std::error_code ec;
    if (!dir_.empty()) fs::remove_all(dir_, ec);
  }

  std::string db_url() const { return "sqlite:" + (dir_ / "redress.db").string(); }

  // Applies the schema ahead, so that a later command's stderr holds only its own
  // error and not the info record of a migration it applied.
  void migrate_first() {
    auto r = run({"migrate", "--db", db_url()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  // Runs redress in the temporary directory with input on stdin, and collects its
  // output and exit code.
  RunResult run(std::vector<std::string> args, const std::string& input = "",
                std::vector<std::string> extra_env = {}) {
    RunResult result;
    int in[2], out[2], err[2];
    if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) {
      ADD_FAILURE() << "pipe: " << std::strerror(errno);
      return result;
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in[0], 0);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    posix_spawn_file_actions_adddup2(&actions, err[1], 2);
    pid_t pid = spawn(std::move(args), extra_env, dir_, actions);
    posix_spawn_file_actions_destroy(&actions);
    close(in[0]);
    close(out[1]);
    close(err[1]);
    if (pid > 0 && !input.empty()) {
      // Small enough for the pipe buffer, so this cannot block on a child that never reads.
      [[maybe_unused]] auto n = write(in[1], input.data(), input.size());
    }
    close(in[1]);

    const auto deadline = Clock::now() + kCommandTimeout;
    pollfd fds[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
    std::string* sinks[2] = {&result.out, &result.err};
    int open_fds = 2;
    while (pid > 0 && open_fds > 0 && Clock::now() < deadline) {
      if (poll(fds, 2, 100) < 0 && errno != EINTR) break;
      for (int i = 0; i < 2; ++i) {
        if (fds[i].fd < 0 || fds[i].revents == 0) continue;
        char buf[4096];
        ssize_t n = read(fds[i].fd, buf, sizeof buf);
        if (n > 0) {
          sinks[i]->append(buf, static_cast<size_t>(n));
        } else if (n == 0 || errno != EINTR) {
          close(fds[i].fd);
          fds[i].fd = -1;
          --open_fds;
        }
      }
    }
    for (auto& f : fds) {
      if (f.fd >= 0) close(f.fd);
    }
    if (pid > 0) {
      auto code = wait_until(pid, deadline);
      if (!code) {
        ADD_FAILURE() << "redress did not finish in time";
      } else {
        result.exit_code = *code;
      }
    }
    return result;
  }

  fs::path dir_;
};

// Checks the promise for a bad flag, file or setting: exit 2, one line naming it.
void expect_one_line_usage_error(const RunResult& r, const std::string& named) {
  EXPECT_EQ(r.exit_code, 2) << r.err;
  auto lines = lines_of(r.err);
  ASSERT_EQ(lines.size(), 1u) << r.err;
  EXPECT_NE(lines[0].find(named), std::string::npos) << r.err;
}

TEST_F(CliTest, UnknownFlagExitsWithTwoAndNamesTheFlag) {
  expect_one_line_usage_error(run({"migrate", "--db", db_url(), "--frobnicate"}), "--frobnicate");
  EXPECT_FALSE(fs::exists(dir_ / "redress.db"));
}

TEST_F(CliTest, UnknownFlagBeforeTheSubcommandExitsWithTwo) {
  expect_one_line_usage_error(run({"--frobnicate", "migrate"}), "--frobnicate");
}

TEST_F(CliTest, UnknownSubcommandExitsWithTwoAndNamesIt) {
  expect_one_line_usage_error(run({"frobnicate"}), "frobnicate");
}

TEST_F(CliTest, UnknownUserSubcommandExitsWithTwoAndNamesIt) {
  expect_one_line_usage_error(run({"user", "frobnicate"}), "frobnicate");
}

TEST_F(CliTest, NoSubcommandExitsWithTwo) {
  auto r = run({});
  EXPECT_EQ(r.exit_code, 2) << r.err;
}

TEST_F(CliTest, MissingConfigFileExitsWithTwoOnOneLine) {
  expect_one_line_usage_error(run({"migrate", "--config", (dir_ / "absent.toml").string(), "--db", db_url()}),
                              "absent.toml");
}

TEST_F(CliTest, ConfigFileWithUnknownKeyNamesKeyAndLine) {
  const auto config = dir_ / "redress.toml";
  std::ofstream(config) << "[server]\nlisten = \"127.0.0.1:0\"\nthreds = 4\n";
  auto r = run({"migrate", "--config", config.string(), "--db", db_url()});
  expect_one_line_usage_error(r, "server.threds");
  EXPECT_NE(r.err.find("redress.toml:3"), std::string::npos) << r.err;
}

TEST_F(CliTest, NonNumericSettingInTheEnvironmentNamesTheVariable) {
  expect_one_line_usage_error(run({"migrate", "--db", db_url()}, "", {"REDRESS_DATABASE_POOL_SIZE=abc"}),
                              "REDRESS_DATABASE_POOL_SIZE");
}

TEST_F(CliTest, DatabaseInAMissingDirectoryIsAOneLineError) {
  auto r = run({"migrate", "--db", "sqlite:/nonexistent-dir/x.db"});
  EXPECT_NE(r.exit_code, 0);
  auto lines = lines_of(r.err);
  ASSERT_EQ(lines.size(), 1u) << r.err;
  EXPECT_NE(lines[0].find("/nonexistent-dir/x.db"), std::string::npos) << r.err;
}

TEST_F(CliTest, MigrateAppliesTheInitialSchemaOnceThenReportsUpToDate) {
  auto first = run({"migrate", "--db", db_url()});
  EXPECT_EQ(first.exit_code, 0) << first.err;
  EXPECT_NE(first.out.find("applied migration 1 initial"), std::string::npos) << first.out;

  auto second = run({"migrate", "--db", db_url()});
  EXPECT_EQ(second.exit_code, 0) << second.err;
  EXPECT_NE(second.out.find("schema up to date"), std::string::npos) << second.out;
  EXPECT_EQ(second.out.find("applied migration"), std::string::npos) << second.out;
}

TEST_F(CliTest, UserAddWorksOnABrandNewDatabase) {
  auto r = run({"user", "add", "--db", db_url(), "--email", "a@b.example", "--name", "A", "--role", "agent",
                "--password-stdin"},
               "correct horse battery\n");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("a@b.example"), std::string::npos) << r.out;
}

TEST_F(CliTest, UserAddWithATakenEmailExitsWithTwoOnOneLine) {
  const std::vector<std::string> add = {"user", "add", "--db", db_url(), "--email", "a@b.example",
                                        "--name", "A", "--role", "agent", "--password-stdin"};
  ASSERT_EQ(run(add, "correct horse battery\n").exit_code, 0);
  auto again = run(add, "correct horse battery\n");
  expect_one_line_usage_error(again, "email");
}

TEST_F(CliTest, UserAddWithUnknownRoleExitsWithTwo) {
  auto r = run({"user", "add", "--db", db_url(), "--email", "a@b.example", "--name", "A", "--role", "boss"});
  expect_one_line_usage_error(r, "boss");
}

TEST_F(CliTest, UserAddWithUnknownRightNamesTheRight) {
  migrate_first();
  auto r = run(
      {"user", "add", "--db", db_url(), "--email", "a@b.example", "--name", "A", "--role", "agent", "--rights", "nope"});
  expect_one_line_usage_error(r, "nope");
}

TEST_F(CliTest, UserAddWithAShortPasswordNamesThePassword) {
  migrate_first();
  auto r = run({"user", "add", "--db", db_url(), "--email", "a@b.example", "--name", "A", "--role", "agent",
                "--password-stdin"},
               "short\n");
  expect_one_line_usage_error(r, "password");
}

TEST_F(CliTest, UserTokenPrintsOneTokenLine) {
  ASSERT_EQ(run({"user", "add", "--db", db_url(), "--email", "a@b.example", "--name", "A", "--role", "agent"}).exit_code,
            0);
  auto r = run({"user", "token", "--db", db_url(), "--email", "a@b.example"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto lines = lines_of(r.out);
  ASSERT_EQ(lines.size(), 1u) << r.out;
  EXPECT_GE(lines[0].size(), 20u) << lines[0];
  EXPECT_EQ(lines[0].find(' '), std::string::npos) << lines[0];

  auto other = run({"user", "token", "--db", db_url(), "--email", "a@b.example"});
  EXPECT_EQ(other.exit_code, 0) << other.err;
  EXPECT_NE(other.out, r.out);
}

TEST_F(CliTest, UserTokenForAnUnknownEmailExitsWithTwo) {
  migrate_first();
  auto r = run({"user", "token", "--db", db_url(), "--email", "nobody@b.example"});
  expect_one_line_usage_error(r, "email");
  EXPECT_TRUE(r.out.empty()) << r.out;
}

TEST_F(CliTest, ServeWithANonsenseListenAddressExitsWithTwo) {
  expect_one_line_usage_error(run({"serve", "--db", db_url(), "--listen", "nonsense"}), "nonsense");
}

TEST_F(CliTest, ServeAnswersHealthzAndStopsCleanlyOnSigterm) {
  int out[2];
  ASSERT_EQ(pipe2(out, O_CLOEXEC), 0) << std::strerror(errno);
  const auto log_path = dir_ / "serve.log";
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_addopen(&actions, 2, log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = spawn({"serve", "--db", db_url(), "--listen", "127.0.0.1:0"}, {}, dir_, actions);
  posix_spawn_file_actions_destroy(&actions);
  close(out[1]);
  ASSERT_GT(pid, 0);
  auto log_text = [&] {
    std::ifstream in(log_path);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };

  // Read stdout until the line with the URL arrives.
  const std::string prefix = "Redress is running at http://127.0.0.1:";
  const auto deadline = Clock::now() + kServeTimeout;
  std::string seen;
  std::optional<uint16_t> port;
  while (!port && Clock::now() < deadline) {
    pollfd fd{out[0], POLLIN, 0};
    if (poll(&fd, 1, 100) <= 0) continue;
    char buf[1024];
    ssize_t n = read(out[0], buf, sizeof buf);
    if (n <= 0) break;
    seen.append(buf, static_cast<size_t>(n));
    auto at = seen.find(prefix);
    if (at != std::string::npos && seen.find('\n', at) != std::string::npos) {
      port = static_cast<uint16_t>(std::stoi(seen.substr(at + prefix.size())));
    }
  }
  if (!port) {
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
    close(out[0]);
    FAIL() << "no URL on stdout; stdout:\n" << seen << "\nstderr:\n" << log_text();
  }
  EXPECT_NE(*port, 0);

  try {
    test::HttpClient client("127.0.0.1", *port);
    auto health = client.request("GET", "/healthz");
    EXPECT_EQ(health.status, 200) << health.body;
  } catch (const std::exception& e) {
    ADD_FAILURE() << "GET /healthz: " << e.what();
  }

  ASSERT_EQ(kill(pid, SIGTERM), 0);
  auto code = wait_until(pid, Clock::now() + kServeTimeout);
  close(out[0]);
  ASSERT_TRUE(code.has_value()) << "serve did not stop after SIGTERM; stderr:\n" << log_text();
  EXPECT_EQ(*code, 0) << log_text();
}

// `redress import reviews`: a platform's CSV export, each row taken as the inbound
// endpoint takes a review (so a re-run imports nothing twice).
class ImportReviewsTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    config_ = (dir_ / "redress.toml").string();
    std::ofstream(config_) << "[[review_sources]]\nname = \"critizr\"\ntoken = \"critizr-token-0123456789\"\n"
                              "language = \"fr\"\n";
    migrate_first();
  }

  RunResult import(const std::string& file, const std::string& source = "critizr") {
    return run({"import", "reviews", file, "--source", source, "--config", config_, "--db", db_url()});
  }

  int64_t count(const std::string& sql) {
    auto db = store::open_database(db_url(), 1);
    EXPECT_TRUE(db) << db.error().message;
    if (!db) return -1;
    int64_t n = -1;
    auto r = (*db)->transact(store::TxMode::kRead, [&](store::Connection& c) -> Result<void> {
      n = REDRESS_TRY(c.query_one(sql))->integer(0);
      return {};
    });
    EXPECT_TRUE(r) << r.error().message;
    return n;
  }

  std::string config_;
};

TEST_F(ImportReviewsTest, ImportsEachReviewOnceAndReportsBadRowsByLine) {
  const auto csv = (dir_ / "reviews.csv").string();
  std::ofstream(csv) << "external_id,author_name,author_email,rating,text,url,created_at\r\n"
                        "cz-100,Jane Doe,jane@example.com,2,\"Late parcel, crushed box.\r\n"
                        "And \"\"nobody\"\" answered.\",https://critizr.example/r/100,2026-11-01T08:30:00Z\r\n"
                        "cz-101,Paul,,5,Great service,,\r\n"
                        "cz-100,Jane Doe,jane@example.com,2,the same review again,,\r\n"
                        "cz-102,Bob,bob@,3,Bad address,,\r\n"
                        "cz-103,Ann,,9,Too good to be true,,\r\n";
  auto r = import(csv);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(lines_of(r.out), std::vector<std::string>{"2 imported, 1 already present, 2 skipped"}) << r.out;
  EXPECT_NE(r.err.find("line 6: author_email: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("line 7: rating: "), std::string::npos) << r.err;
  // Not a terminal: a progress line now and then, not a redrawn bar.
  EXPECT_NE(r.err.find("progress: 100%"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find('\r'), std::string::npos) << r.err;
  EXPECT_EQ(count("SELECT COUNT(*) FROM tickets WHERE channel = 'review' AND status = 'new_request'"), 2);
  EXPECT_EQ(count("SELECT COUNT(*) FROM reviews"), 2);
  // The quoted text kept its comma, its doubled quotes and its line break.
  EXPECT_EQ(count("SELECT COUNT(*) FROM reviews WHERE text = 'Late parcel, crushed box.' || char(13) || char(10) || "
                  "'And \"nobody\" answered.'"),
            1);

  auto again = import(csv);
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(lines_of(again.out), std::vector<std::string>{"0 imported, 3 already present, 2 skipped"}) << again.out;
  EXPECT_EQ(count("SELECT COUNT(*) FROM tickets"), 2);
}

// Issue 24: invalid UTF-8 in external_id ended the import with an uncaught exception,
// earlier rows committed and no summary. Bytes that are not text are a bad row like any.
TEST_F(ImportReviewsTest, RowsThatAreNotTextAreReportedByLineAndSkipped) {
  const auto csv = (dir_ / "reviews.csv").string();
  std::ofstream(csv, std::ios::binary) << "external_id,author_name,author_email,rating,text,url,created_at\n"
                                          "cz-1,Jane,,2,First good row,,\n"
                                          "cz-\xC3\x28,Mallory,,1,Bad id,,\n"
                                          "cz-3,Eve \xFF,,1,Bad name,,\n"
                                          + std::string("cz-4,Nul,,1,Bad\0text,,\n", sizeof("cz-4,Nul,,1,Bad\0text,,\n") - 1) +
                                          "cz-5,Paul,,5,Last good row,,\n";
  auto r = import(csv);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(lines_of(r.out), std::vector<std::string>{"2 imported, 0 already present, 3 skipped"}) << r.out << r.err;
  EXPECT_NE(r.err.find("line 3: external_id: not valid UTF-8"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("line 4: author_name: not valid UTF-8"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("line 5: text: contains a NUL character"), std::string::npos) << r.err;
  EXPECT_EQ(count("SELECT COUNT(*) FROM reviews"), 2);
  EXPECT_EQ(count("SELECT COUNT(*) FROM tickets"), 2);
}

TEST_F(ImportReviewsTest, UnknownSourceMissingFileAndBadHeaderExitWithTwo) {
  const auto csv = (dir_ / "reviews.csv").string();
  std::ofstream(csv) << "external_id,text\nx-1,hello\n";
  expect_one_line_usage_error(import(csv, "trustpilot"), "trustpilot");
  expect_one_line_usage_error(import((dir_ / "absent.csv").string()), "absent.csv");
  const auto odd = (dir_ / "odd.csv").string();
  std::ofstream(odd) << "external_id,txt\nx-1,hello\n";
  expect_one_line_usage_error(import(odd), "txt");
  expect_one_line_usage_error(run({"import", "reviews", csv, "--config", config_, "--db", db_url()}), "--source");
  EXPECT_EQ(count("SELECT COUNT(*) FROM tickets"), 0);
}

// `redress mailgate` against a real server (in this process, SQLite): the MTA learns
// from the exit code whether the mail is stored (0), refused for good (65) or must be
// retried (75).
class MailgateTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    REDRESS_START_TEST_APP(test::EngineParam::kSqlite, app_);
    auto gate = app_->add_user("mailgate@example.com", "viewer", "mail.intake");
    token_file_ = (dir_ / "token").string();
    std::ofstream(token_file_) << gate.token << "\n";
    url_ = "http://127.0.0.1:" + std::to_string(app_->port());
  }

  RunResult gate(const std::string& mail, const std::string& token_file) {
    return run({"mailgate", "--url", url_, "--token-file", token_file}, mail);
  }

  static std::string mail(const std::string& from, const std::string& id) {
    return "From: " + from + "\r\nTo: support@localhost\r\nSubject: Printer jammed\r\nMessage-ID: <" + id +
           ">\r\n\r\nIt jams on every page.\r\n";
  }

  std::unique_ptr<test::TestApp> app_;
  std::string token_file_;
  std::string url_;
};

TEST_F(MailgateTest, StoredMailExitsZeroAndARepeatToo) {
  auto first = gate(mail("ann@example.com", "g1@example.com"), token_file_);
  EXPECT_EQ(first.exit_code, 0) << first.err;
  auto repeat = gate(mail("ann@example.com", "g1@example.com"), token_file_);
  EXPECT_EQ(repeat.exit_code, 0) << repeat.err;
  EXPECT_EQ(app_->count("tickets"), 1);
}

TEST_F(MailgateTest, MailThatCanNeverBeTakenExits65AndIsKept) {
  auto r = gate("Subject: from nobody\r\n\r\nbody\r\n", token_file_);
  EXPECT_EQ(r.exit_code, 65) << r.err;
  EXPECT_EQ(lines_of(r.err).size(), 1u) << r.err;
  EXPECT_NE(r.err.find("no usable From"), std::string::npos) << r.err;
  EXPECT_EQ(app_->count("failed_mails"), 1);
  auto empty = gate("", token_file_);
  EXPECT_EQ(empty.exit_code, 65) << empty.err;
}

// Issue 17: a 5 MB mail with a photo made mailgate exit 65 (the server's 1 MiB limit), so
// the MTA bounced it and nothing was kept. Up to mail.max_message_bytes it is stored; over
// it the mail is refused naming too_large, and its beginning is in the failed list.
TEST_F(MailgateTest, LargeMailIsStoredAndOneOverTheLimitExits65NamingTooLarge) {
  std::string photo(5 << 20, '\0');
  for (size_t i = 0; i < photo.size(); ++i) photo[i] = static_cast<char>((i * 2654435761u) >> 13);
  const std::string big = "From: ann@example.com\r\nTo: support@desk.example\r\nSubject: photo\r\nMessage-ID: <g5@example.com>\r\n"
                          "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\n"
                          "Content-Type: text/plain\r\n\r\nsee the photo\r\n--B\r\nContent-Type: image/jpeg\r\n"
                          "Content-Disposition: attachment; filename=parcel.jpg\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
                          crypto::base64_encode(photo) + "\r\n--B--\r\n";
  auto stored = gate(big, token_file_);
  EXPECT_EQ(stored.exit_code, 0) << stored.err;
  EXPECT_EQ(app_->count("attachments"), 1);

  std::string huge = "From: ann@example.com\r\nTo: support@desk.example\r\nSubject: scan\r\nMessage-ID: <g6@example.com>\r\n\r\n";
  huge += std::string((40 << 20) + 1 - huge.size(), 'x');
  auto refused = gate(huge, token_file_);
  EXPECT_EQ(refused.exit_code, 65) << refused.err;
  EXPECT_NE(refused.err.find("too_large"), std::string::npos) << refused.err;
  EXPECT_EQ(lines_of(refused.err).size(), 1u) << refused.err;
  EXPECT_EQ(app_->count("failed_mails"), 1);
  EXPECT_EQ(app_->count("tickets"), 1);
}

TEST_F(MailgateTest, ProblemsTheAdminCanFixExit75SoTheMtaRetries) {
  std::ofstream(dir_ / "bad-token") << "not-a-token\n";
  auto bad_token = gate(mail("ann@example.com", "g2@example.com"), (dir_ / "bad-token").string());
  EXPECT_EQ(bad_token.exit_code, 75) << bad_token.err;
  auto no_file = gate(mail("ann@example.com", "g2@example.com"), (dir_ / "absent").string());
  EXPECT_EQ(no_file.exit_code, 75) << no_file.err;
  auto no_url = run({"mailgate", "--token-file", token_file_}, mail("ann@example.com", "g2@example.com"));
  EXPECT_EQ(no_url.exit_code, 75) << no_url.err;
  // Nothing listens on port 1.
  auto down = run({"mailgate", "--url", "http://127.0.0.1:1", "--token-file", token_file_},
                  mail("ann@example.com", "g2@example.com"));
  EXPECT_EQ(down.exit_code, 75) << down.err;
  EXPECT_EQ(app_->count("tickets"), 0);
}

}  // namespace
}  // namespace redress
