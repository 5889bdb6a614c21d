#include "core/config.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

namespace redress {
namespace {

// The environment a test sees: parse_settings takes a plain function pointer, so the
// fake reads a static map that each test fills in through FakeEnvironment.
std::map<std::string, std::string>& fake_env_values() {
  static std::map<std::string, std::string> values;
  return values;
}

std::optional<std::string> fake_env(const char* name) {
  auto it = fake_env_values().find(name);
  if (it == fake_env_values().end()) return std::nullopt;
  return it->second;
}

class ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override { fake_env_values().clear(); }
  void TearDown() override { fake_env_values().clear(); }

  static void set_env(const std::string& name, const std::string& value) { fake_env_values()[name] = value; }
  static Result<Settings> parse(const std::string& toml) { return parse_settings(toml, "test.toml", fake_env); }
};

TEST_F(ConfigTest, EmptyTextGivesTheDefaults) {
  auto s = parse("");
  ASSERT_TRUE(s.has_value()) << s.error().message;
  EXPECT_EQ(s->server.listen, "127.0.0.1:8080");
  EXPECT_EQ(s->server.base_url, "");
  EXPECT_EQ(s->server.threads, 4);
  EXPECT_EQ(s->server.max_body_bytes, 1 << 20);
  EXPECT_FALSE(s->server.dev_clock);
  EXPECT_EQ(s->database.url, "sqlite:redress.db");
  EXPECT_EQ(s->database.pool_size, 8);
  EXPECT_EQ(s->tickets.number_format, "C-{year}-{seq:06}");
  EXPECT_EQ(s->auth.password_cost, "interactive");
  EXPECT_EQ(s->auth.session_ttl_hours, 12);
  EXPECT_FALSE(s->auth.secure_cookies);
  EXPECT_EQ(s->log.level, "info");
  EXPECT_EQ(s->log.format, "text");
}

TEST_F(ConfigTest, FileValuesReplaceTheDefaults) {
  auto s = parse(R"(
[server]
listen = "0.0.0.0:9000"
threads = 2
dev_clock = true

[database]
url = "postgresql://localhost/redress"
pool_size = 3

[tickets]
number_format = "S-{yy}{month}-{seq:04}"

[auth]
password_cost = "min"
secure_cookies = true

[log]
level = "debug"
format = "json"
)");
  ASSERT_TRUE(s.has_value()) << s.error().message;
  EXPECT_EQ(s->server.listen, "0.0.0.0:9000");
  EXPECT_EQ(s->server.threads, 2);
  EXPECT_TRUE(s->server.dev_clock);
  EXPECT_EQ(s->database.url, "postgresql://localhost/redress");
  EXPECT_EQ(s->database.pool_size, 3);
  EXPECT_EQ(s->tickets.number_format, "S-{yy}{month}-{seq:04}");
  EXPECT_EQ(s->auth.password_cost, "min");
  EXPECT_TRUE(s->auth.secure_cookies);
  EXPECT_EQ(s->log.level, "debug");
  EXPECT_EQ(s->log.format, "json");
  // Settings the file does not mention keep their defaults.
  EXPECT_EQ(s->server.read_timeout_seconds, 30);
}

TEST_F(ConfigTest, EnvironmentOverridesFileValue) {
  set_env("REDRESS_SERVER_LISTEN", "127.0.0.1:7000");
  set_env("REDRESS_DATABASE_POOL_SIZE", "16");
  set_env("REDRESS_AUTH_SECURE_COOKIES", "1");
  auto s = parse("[server]\nlisten = \"0.0.0.0:9000\"\n[database]\npool_size = 3\n");
  ASSERT_TRUE(s.has_value()) << s.error().message;
  EXPECT_EQ(s->server.listen, "127.0.0.1:7000");
  EXPECT_EQ(s->database.pool_size, 16);
  EXPECT_TRUE(s->auth.secure_cookies);
}

TEST_F(ConfigTest, EnvironmentOverridesDefaultWithoutAFile) {
  set_env("REDRESS_LOG_LEVEL", "warn");
  auto s = parse("");
  ASSERT_TRUE(s.has_value()) << s.error().message;
  EXPECT_EQ(s->log.level, "warn");
}

TEST_F(ConfigTest, UnknownKeyIsAnErrorNamingKeyAndLine) {
  auto s = parse("[server]\nlisten = \"0.0.0.0:9000\"\nthreds = 4\n");
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().code, ErrorCode::kInvalid);
  EXPECT_NE(s.error().message.find("server.threds"), std::string::npos) << s.error().message;
  EXPECT_NE(s.error().message.find("test.toml:3"), std::string::npos) << s.error().message;
  EXPECT_EQ(s.error().message.find('\n'), std::string::npos) << s.error().message;
}

TEST_F(ConfigTest, UnknownSectionIsAnError) {
  auto s = parse("[mail]\nhost = \"x\"\n");
  ASSERT_FALSE(s.has_value());
  EXPECT_NE(s.error().message.find("mail.host"), std::string::npos) << s.error().message;
}

TEST_F(ConfigTest, TopLevelValueOutsideASectionIsAnError) {
  auto s = parse("listen = \"0.0.0.0:9000\"\n");
  ASSERT_FALSE(s.has_value());
  EXPECT_NE(s.error().message.find("listen"), std::string::npos) << s.error().message;
}

TEST_F(ConfigTest, WrongTypeIsAnErrorNamingKeyAndLine) {
  auto s = parse("[server]\n\nthreads = \"four\"\n");
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().code, ErrorCode::kInvalid);
  EXPECT_NE(s.error().message.find("server.threads must be an integer"), std::string::npos) << s.error().message;
  EXPECT_NE(s.error().message.find("test.toml:3"), std::string::npos) << s.error().message;
}

TEST_F(ConfigTest, StringWhereBooleanExpectedIsAnError) {
  auto s = parse("[auth]\nsecure_cookies = \"yes\"\n");
  ASSERT_FALSE(s.has_value());
  EXPECT_NE(s.error().message.find("auth.secure_cookies"), std::string::npos) << s.error().message;
}

TEST_F(ConfigTest, MalformedTomlIsAOneLineErrorNamingTheSource) {
  auto s = parse("[server\nlisten = 1\n");
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().code, ErrorCode::kInvalid);
  EXPECT_NE(s.error().message.find("test.toml"), std::string::npos) << s.error().message;
  EXPECT_EQ(s.error().message.find('\n'), std::string::npos) << s.error().message;
}

TEST_F(ConfigTest, NonNumericEnvironmentIntegerIsAnErrorNamingTheVariable) {
  set_env("REDRESS_DATABASE_POOL_SIZE", "abc");
  auto s = parse("");
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().code, ErrorCode::kInvalid);
  EXPECT_NE(s.error().message.find("REDRESS_DATABASE_POOL_SIZE"), std::string::npos) << s.error().message;
  EXPECT_NE(s.error().message.find("abc"), std::string::npos) << s.error().message;
}

TEST_F(ConfigTest, EnvironmentIntegerWithTrailingJunkIsAnError) {
  set_env("REDRESS_SERVER_THREADS", "4x");
  auto s = parse("");
  ASSERT_FALSE(s.has_value());
  EXPECT_NE(s.error().message.find("REDRESS_SERVER_THREADS"), std::string::npos) << s.error().message;
}

TEST_F(ConfigTest, EnvironmentBooleanMustBeTrueOrFalse) {
  set_env("REDRESS_SERVER_DEV_CLOCK", "maybe");
  auto s = parse("");
  ASSERT_FALSE(s.has_value());
  EXPECT_NE(s.error().message.find("REDRESS_SERVER_DEV_CLOCK"), std::string::npos) << s.error().message;
}

TEST_F(ConfigTest, ZeroThreadsIsRefused) {
  auto s = parse("[server]\nthreads = 0\n");
  ASSERT_FALSE(s.has_value());
  EXPECT_NE(s.error().message.find("server.threads"), std::string::npos) << s.error().message;
}

TEST_F(ConfigTest, ZeroPoolSizeFromTheEnvironmentIsRefused) {
  set_env("REDRESS_DATABASE_POOL_SIZE", "0");
  auto s = parse("");
  ASSERT_FALSE(s.has_value());
  EXPECT_NE(s.error().message.find("database.pool_size"), std::string::npos) << s.error().message;
}

TEST_F(ConfigTest, NumberFormatWithoutSequenceIsRefused) {
  auto s = parse("[tickets]\nnumber_format = \"C-{year}\"\n");
  ASSERT_FALSE(s.has_value());
  EXPECT_NE(s.error().message.find("tickets.number_format"), std::string::npos) << s.error().message;
}

TEST_F(ConfigTest, UnknownLogLevelIsRefused) {
  auto s = parse("[log]\nlevel = \"verbose\"\n");
  ASSERT_FALSE(s.has_value());
  EXPECT_NE(s.error().message.find("log.level"), std::string::npos) << s.error().message;
}

TEST_F(ConfigTest, UnknownLogFormatIsRefused) {
  auto s = parse("[log]\nformat = \"xml\"\n");
  ASSERT_FALSE(s.has_value());
  EXPECT_NE(s.error().message.find("log.format"), std::string::npos) << s.error().message;
}

TEST_F(ConfigTest, UnknownPasswordCostIsRefused) {
  auto s = parse("[auth]\npassword_cost = \"cheap\"\n");
  ASSERT_FALSE(s.has_value());
  EXPECT_NE(s.error().message.find("auth.password_cost"), std::string::npos) << s.error().message;
}

TEST_F(ConfigTest, MissingFileIsAnErrorNamingThePath) {
  auto s = load_settings("/nonexistent-dir/redress.toml", fake_env);
  ASSERT_FALSE(s.has_value());
  EXPECT_NE(s.error().message.find("/nonexistent-dir/redress.toml"), std::string::npos) << s.error().message;
}

TEST_F(ConfigTest, EmptyPathLoadsDefaultsAndEnvironment) {
  set_env("REDRESS_SERVER_THREADS", "8");
  auto s = load_settings("", fake_env);
  ASSERT_TRUE(s.has_value()) << s.error().message;
  EXPECT_EQ(s->server.threads, 8);
}

}  // namespace
}  // namespace redress

namespace redress {
namespace {

Result<Settings> parse_mail_config(const std::string& toml) {
  return parse_settings(toml, "mail.toml", [](const char*) -> std::optional<std::string> { return std::nullopt; });
}

TEST(MailConfig, MailboxesAreReadWithTheirOwnSettings) {
  auto s = parse_mail_config(R"(
[mail]
from_address = "support@acme.example"
smtp_url = "smtp://127.0.0.1:2525"
auto_replies_per_sender_per_day = 2

[[mailboxes]]
name = "support"
url = "imap://127.0.0.1:1143"
username = "desk"
password_file = "/etc/redress/imap.pw"
after = "move"
move_to = "Done"

[[mailboxes]]
name = "complaints"
workflow = "customer-complaint"
acknowledge = false
)");
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->mail.from_address, "support@acme.example");
  EXPECT_EQ(s->mail.auto_replies_per_sender_per_day, 2);
  ASSERT_EQ(s->mailboxes.size(), 2u);
  EXPECT_EQ(s->mailboxes[0].after, "move");
  EXPECT_EQ(s->mailboxes[0].folder, "INBOX");
  EXPECT_EQ(s->mailboxes[0].flag, "\\Seen");
  EXPECT_EQ(s->mailboxes[1].workflow, "customer-complaint");
  EXPECT_EQ(s->mailboxes[1].acknowledge, std::optional<bool>(false));
}

TEST(MailConfig, MailboxMistakesAreNamedWithTheirLine) {
  auto unknown = parse_mail_config("[[mailboxes]]\nname = \"a\"\nfolderr = \"x\"\n");
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().message.find("mailboxes.folderr"), std::string::npos) << unknown.error().message;
  EXPECT_NE(unknown.error().message.find("mail.toml:"), std::string::npos) << unknown.error().message;
  auto twice = parse_mail_config("[[mailboxes]]\nname = \"a\"\n[[mailboxes]]\nname = \"a\"\n");
  ASSERT_FALSE(twice);
  EXPECT_NE(twice.error().message.find("defined twice"), std::string::npos);
  EXPECT_FALSE(parse_mail_config("[[mailboxes]]\nurl = \"imap://x\"\n"));  // no name
  EXPECT_FALSE(parse_mail_config("[[mailboxes]]\nname = \"a\"\nafter = \"delete\"\n"));
  EXPECT_FALSE(parse_mail_config("[mail]\nfrom_address = \"nobody\"\n"));
  EXPECT_FALSE(parse_mail_config("[mail]\nsmtp_starttls = \"maybe\"\n"));
}

TEST_F(ConfigTest, MessagesHaveDefaults) {
  auto s = parse("");
  ASSERT_TRUE(s.has_value()) << s.error().message;
  EXPECT_EQ(s->messages.max_length, 5000);
  EXPECT_EQ(s->messages.author_display, "team");
  EXPECT_EQ(s->messages.team_name, "Support");
  EXPECT_EQ(s->messages.author_text, "");
}

TEST_F(ConfigTest, MessagesSectionIsReadFromFileAndEnvironment) {
  set_env("REDRESS_MESSAGES_TEAM_NAME", "Service client");
  auto s = parse("[messages]\nmax_length = 800\nauthor_display = \"custom\"\nauthor_text = \"Your ACME team\"\n");
  ASSERT_TRUE(s.has_value()) << s.error().message;
  EXPECT_EQ(s->messages.max_length, 800);
  EXPECT_EQ(s->messages.author_display, "custom");
  EXPECT_EQ(s->messages.author_text, "Your ACME team");
  EXPECT_EQ(s->messages.team_name, "Service client");
}

TEST_F(ConfigTest, MessagesMaxLengthOutOfRangeIsRefusedWithFileAndLine) {
  for (const char* value : {"0", "-5", "100001", "9999999999"}) {
    auto s = parse(std::string("[messages]\n\nmax_length = ") + value + "\n");
    ASSERT_FALSE(s.has_value()) << value;
    EXPECT_EQ(s.error().code, ErrorCode::kInvalid);
    EXPECT_NE(s.error().message.find("test.toml:3: messages.max_length: must be 1..100000"), std::string::npos)
        << s.error().message;
  }
  EXPECT_TRUE(parse("[messages]\nmax_length = 1\n").has_value());
  EXPECT_TRUE(parse("[messages]\nmax_length = 100000\n").has_value());
}

TEST_F(ConfigTest, MessagesMaxLengthFromTheEnvironmentNamesTheVariable) {
  set_env("REDRESS_MESSAGES_MAX_LENGTH", "0");
  auto s = parse("");
  ASSERT_FALSE(s.has_value());
  EXPECT_NE(s.error().message.find("REDRESS_MESSAGES_MAX_LENGTH: messages.max_length"), std::string::npos)
      << s.error().message;
}

TEST_F(ConfigTest, MessagesAuthorDisplayMustBeAKnownMode) {
  for (const char* mode : {"none", "team", "full_name"}) {
    auto ok = parse(std::string("[messages]\nauthor_display = \"") + mode + "\"\n");
    EXPECT_TRUE(ok.has_value()) << mode << ": " << ok.error().message;
  }
  auto s = parse("[messages]\nauthor_display = \"nickname\"\n");
  ASSERT_FALSE(s.has_value());
  EXPECT_NE(s.error().message.find("test.toml:2: messages.author_display: must be none, team, full_name or custom"),
            std::string::npos)
      << s.error().message;
  auto typed = parse("[messages]\nmax_length = \"long\"\n");
  ASSERT_FALSE(typed.has_value());
  EXPECT_NE(typed.error().message.find("messages.max_length must be an integer"), std::string::npos);
}

TEST_F(ConfigTest, MessagesShownAuthorMustNotBeEmpty) {
  auto custom = parse("[messages]\nauthor_display = \"custom\"\n");
  ASSERT_FALSE(custom.has_value());
  EXPECT_NE(custom.error().message.find("messages.author_text"), std::string::npos) << custom.error().message;
  auto team = parse("[messages]\nteam_name = \"  \"\n");
  ASSERT_FALSE(team.has_value());
  EXPECT_NE(team.error().message.find("test.toml:2: messages.team_name"), std::string::npos) << team.error().message;
  // A blank team name is fine when it is not the one shown.
  EXPECT_TRUE(parse("[messages]\nauthor_display = \"none\"\nteam_name = \"\"\n").has_value());
  auto long_text = parse("[messages]\nauthor_display = \"custom\"\nauthor_text = \"" + std::string(201, 'x') + "\"\n");
  ASSERT_FALSE(long_text.has_value());
  EXPECT_NE(long_text.error().message.find("messages.author_text: at most 200 characters"), std::string::npos);
}

TEST_F(ConfigTest, ReviewSourcesAreReadWithTheirDefaults) {
  auto s = parse(R"(
[[review_sources]]
name = "critizr"
token = "0123456789abcdef-critizr"
language = "fr"
reply_url = "https://api.critizr.example/hooks/redress"
reply_secret = "s3cret"
reply_timeout_seconds = 5

[[review_sources]]
name = "trustpilot"
token = "0123456789abcdef-trustpilot"
)");
  ASSERT_TRUE(s.has_value()) << s.error().message;
  ASSERT_EQ(s->review_sources.size(), 2u);
  const auto& critizr = s->review_sources[0];
  EXPECT_EQ(critizr.name, "critizr");
  EXPECT_EQ(critizr.workflow, "support-request");
  EXPECT_EQ(critizr.language, "fr");
  EXPECT_EQ(critizr.reply_url, "https://api.critizr.example/hooks/redress");
  EXPECT_EQ(critizr.reply_secret, "s3cret");
  EXPECT_EQ(critizr.reply_timeout_seconds, 5);
  const auto& trustpilot = s->review_sources[1];
  EXPECT_EQ(trustpilot.language, "en");
  EXPECT_EQ(trustpilot.reply_url, "");
  EXPECT_EQ(trustpilot.reply_timeout_seconds, 10);
}

TEST_F(ConfigTest, ReviewSourceMistakesAreNamedWithFileAndLine) {
  const std::string ok_token = "token = \"0123456789abcdef\"\n";
  struct Case {
    std::string toml;
    std::string says;
  };
  const std::vector<Case> cases = {
      {"[[review_sources]]\n" + ok_token, "review_sources.name is required"},
      {"[[review_sources]]\nname = \"a b\"\n" + ok_token, "review_sources.name"},
      {"[[review_sources]]\nname = \"x\"\n", "review_sources.token"},
      {"[[review_sources]]\nname = \"x\"\ntoken = \"short\"\n", "at least 16"},
      {"[[review_sources]]\nname = \"x\"\n" + ok_token + "reply_url = \"ftp://h/x\"\nreply_secret = \"k\"\n",
       "review_sources.reply_url"},
      {"[[review_sources]]\nname = \"x\"\n" + ok_token + "reply_url = \"https://h/x\"\n",
       "reply_secret is required"},
      {"[[review_sources]]\nname = \"x\"\n" + ok_token + "reply_timeout_seconds = 0\n", "reply_timeout_seconds"},
      {"[[review_sources]]\nname = \"x\"\n" + ok_token + "language = \"French\"\n", "review_sources.language"},
      {"[[review_sources]]\nname = \"x\"\n" + ok_token + "tokn = \"x\"\n", "unknown setting review_sources.tokn"},
      {"[[review_sources]]\nname = \"x\"\n" + ok_token + "reply_timeout_seconds = \"5\"\n", "must be an integer"},
      {"[[review_sources]]\nname = \"x\"\n" + ok_token + "\n[[review_sources]]\nname = \"x\"\n" + ok_token,
       "review source 'x' is defined twice"},
      {"review_sources = 3\n", "[[review_sources]] tables"},
  };
  for (const auto& c : cases) {
    auto s = parse(c.toml);
    ASSERT_FALSE(s.has_value()) << c.toml;
    EXPECT_EQ(s.error().code, ErrorCode::kInvalid);
    EXPECT_NE(s.error().message.find(c.says), std::string::npos) << c.toml << " -> " << s.error().message;
    EXPECT_NE(s.error().message.find("config test.toml:"), std::string::npos) << s.error().message;
  }
  // The line is the one of the offending table.
  auto twice = parse("[[review_sources]]\nname = \"x\"\n" + ok_token + "\n[[review_sources]]\nname = \"x\"\n" +
                     ok_token);
  ASSERT_FALSE(twice.has_value());
  EXPECT_NE(twice.error().message.find("test.toml:5:"), std::string::npos) << twice.error().message;
}

}  // namespace
}  // namespace redress
