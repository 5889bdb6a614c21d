#pragma once
// The real mail servers tests talk to, started by scripts/test.sh:
//   REDRESS_TEST_IMAP_URL, REDRESS_TEST_IMAP_DIR  Dovecot (scripts/imap-test-server.sh): any
//       user name logs in with password "redress" and has its own mailboxes, so each test
//       takes a fresh user and never sees another test's mail. A user name ending in
//       "@nomove" gets a server that advertises IMAP4rev1 only (no MOVE, no UIDPLUS).
//   REDRESS_TEST_SMTP_URL, REDRESS_TEST_SMTP_DIR  the capture server
//       (scripts/smtp-capture-server.sh): every accepted mail is kept under DIR/messages.
//       Tests share it: each sends from a sender of its own (unique_sender()), picks its
//       mail out by that sender, and sets failure modes for that sender only.
// Without the variables the tests skip, visibly; with CI set, a missing one is a failure.
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "mail/imap.h"

namespace redress::test {

inline constexpr const char* kTestImapPassword = "redress";

// nullopt (after ADD_FAILURE when CI is set) when scripts/test.sh did not start the server;
// skip_reason then says why.
std::optional<std::string> test_imap_url(std::string* skip_reason = nullptr);
std::optional<std::filesystem::path> test_imap_dir(std::string* skip_reason = nullptr);
std::optional<std::string> test_smtp_url(std::string* skip_reason = nullptr);
std::optional<std::filesystem::path> test_smtp_dir(std::string* skip_reason = nullptr);

// Settings for a user no other test has (so an empty INBOX) on the test Dovecot.
mail::ImapSettings fresh_imap_mailbox(const std::string& imap_url, const std::string& folder = "INBOX");

// Ends the user's IMAP sessions from the server side (doveadm kick: the server says BYE
// and closes), as a restart or an idle logout would. False, after ADD_FAILURE, when it
// could not; needs REDRESS_TEST_IMAP_DIR.
bool kick_imap_user(const std::string& user);

// APPENDs raw to the settings' mailbox with a client of its own; ADD_FAILURE on error.
bool append_message(const mail::ImapSettings& mailbox, const std::string& raw);

// An envelope sender no other test uses, e.g. "t-k3j4h5@redress.test".
std::string unique_sender();

struct CapturedMessage {
  int number = 0;    // N of DIR/messages/N.eml: arrival order
  std::string raw;   // the DATA bytes as received
  std::string mail_from;  // "" for the null sender
  std::vector<std::string> rcpt_tos;
  int peer_port = 0;  // the client's port: the same for mails sent over one connection
};

// Every message the capture server in dir kept, in arrival order.
std::vector<CapturedMessage> captured_messages(const std::filesystem::path& dir);
// Those whose envelope sender is `sender` (case-insensitive).
std::vector<CapturedMessage> captured_from(const std::filesystem::path& dir, const std::string& sender);

// The mails `sender` had delivered, a batch at a time: each call to since_last() returns
// those captured after the previous call's, in arrival order.
class CapturedInbox {
 public:
  CapturedInbox() = default;
  CapturedInbox(std::filesystem::path dir, std::string sender) : dir_(std::move(dir)), sender_(std::move(sender)) {}
  std::vector<CapturedMessage> since_last();

 private:
  std::filesystem::path dir_;
  std::string sender_;
  size_t seen_ = 0;
};

// How the capture server answers mail from `sender` (accept | tempfail | reject |
// tempfail-data | reject-data); sender "" is the null sender <>.
void set_smtp_mode(const std::filesystem::path& dir, const std::string& sender, const std::string& mode);
// For every sender without a mode of its own: only for tests that cannot run beside others.
void set_smtp_mode_for_all(const std::filesystem::path& dir, const std::string& mode);

// A 127.0.0.1 port nothing listens on (bound then closed): connecting is refused.
int closed_port();

}  // namespace redress::test

// Skips; under CI (where ADD_FAILURE was recorded already) stops the test instead: a test
// that failed is not skipped by gtest, its body would run without the server.
#define REDRESS_MAIL_SERVER_MISSING_(reason)                                 \
  do {                                                                       \
    if (std::getenv("CI")) GTEST_FAIL() << (reason);                          \
    GTEST_SKIP() << (reason);                                                \
  } while (0)

// In a test body or SetUp: `std::string url; REDRESS_REQUIRE_IMAP(url);` skips without a server.
#define REDRESS_REQUIRE_IMAP(url_out)                                        \
  do {                                                                       \
    std::string redress_skip_;                                               \
    auto redress_url_ = ::redress::test::test_imap_url(&redress_skip_);      \
    if (!redress_url_) REDRESS_MAIL_SERVER_MISSING_(redress_skip_);          \
    url_out = *redress_url_;                                                 \
  } while (0)

// `std::string url; std::filesystem::path dir; REDRESS_REQUIRE_SMTP(url, dir);`
#define REDRESS_REQUIRE_SMTP(url_out, dir_out)                               \
  do {                                                                       \
    std::string redress_skip_;                                               \
    auto redress_url_ = ::redress::test::test_smtp_url(&redress_skip_);      \
    if (!redress_url_) REDRESS_MAIL_SERVER_MISSING_(redress_skip_);          \
    auto redress_dir_ = ::redress::test::test_smtp_dir(&redress_skip_);      \
    if (!redress_dir_) REDRESS_MAIL_SERVER_MISSING_(redress_skip_);          \
    url_out = *redress_url_;                                                 \
    dir_out = *redress_dir_;                                                 \
  } while (0)
