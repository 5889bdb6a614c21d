#pragma once
// Settings from a TOML file, each overridable by REDRESS_<SECTION>_<KEY>, then by flags.
// Unknown keys and wrong types are errors naming the file, key and line where possible:
// a typo in a setting must not silently fall back to a default.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

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
  int session_ttl_hours = 12;   // a session ends this long after sign-in at the latest
  int session_idle_minutes = 120;  // and sooner when its browser makes no request for this long
  int login_attempts_per_minute = 10;
  // "interactive" for production; "min" makes test suites with many logins fast.
  std::string password_cost = "interactive";
  bool secure_cookies = false;  // set when served over HTTPS behind a proxy
};

struct WorkflowSettings {
  // A directory of extra workflow files (*.toml); one with a shipped id replaces it.
  std::string directory;
};

struct MailSettings {
  std::string from_address = "support@localhost";  // our sender; replies come back here
  std::string from_name = "Redress";
  // Extra addresses that are ours (comma-separated): never auto-replied to.
  std::string own_addresses;
  // Key for signing our Message-IDs; empty: one is generated and kept in the database, so
  // every node shares it.
  std::string secret;
  std::string message_id_domain;  // empty: the domain of from_address
  std::string smtp_url;           // empty: mail is queued but not sent (logged)
  std::string smtp_username;
  std::string smtp_password;
  std::string smtp_starttls = "try";  // try | require | off
  int smtp_timeout_seconds = 30;
  int auto_replies_per_sender_per_day = 5;
  // How long a signed link in a mail ("Issue Resolved") keeps working.
  int action_link_days = 14;
  std::string templates_dir;  // admin-edited templates; shipped ones fill the gaps
  int64_t max_message_bytes = 40LL << 20;
  std::string default_workflow = "support-request";  // for mail that starts a ticket
  bool acknowledge = true;  // default for mailboxes and the mailgate
};

// One IMAP mailbox polled by `serve` ([[mailboxes]] in the file).
struct MailboxSettings {
  std::string name;  // unique; also what `mailgate --mailbox` names
  std::string url;   // imap://host:port or imaps://...; empty: a mailgate-only mailbox
  std::string folder = "INBOX";
  std::string username;
  std::string password;
  std::string password_file;  // read at start when password is empty
  std::string address;        // our address for this mailbox (never auto-replied to)
  std::string after = "flag";  // after commit: "flag" (add flag) or "move" (to move_to)
  std::string flag = "\\Seen";
  std::string move_to = "Processed";
  int poll_seconds = 30;
  std::string workflow;  // empty: mail.default_workflow
  // The language of a new customer who writes here when neither the mail's
  // Content-Language nor its text tells (a mailbox per country, say); empty: "en".
  std::string language;
  std::optional<bool> acknowledge;  // empty: mail.acknowledge
};

// One feedback platform whose reviews become requests ([[review_sources]] in the file,
// seed 004). The platform posts reviews with `token`; replies go back to `reply_url`,
// signed with `reply_secret`.
struct ReviewSourceSettings {
  std::string name;   // unique; the `source` the platform sends, e.g. "critizr"
  std::string token;  // the bearer token the platform posts with (at least 16 characters)
  std::string workflow = "support-request";
  std::string language = "en";  // of its requests, unless a review says otherwise
  std::string reply_url;        // http(s) webhook; empty: replies cannot be sent
  std::string reply_secret;     // HMAC-SHA256 key; required with reply_url
  int reply_timeout_seconds = 10;
};

// The team queue (seed 001).
struct QueueSettings {
  // A customer message on a ticket whose taker has not been seen for this long (or whose
  // account is deactivated) returns the ticket to the team queue. 0: only deactivation.
  int taker_inactive_hours = 72;
};

// Messages on requests (seed 003): what a customer may post and how staff authors appear
// to customers in the portal.
struct MessageSettings {
  int64_t max_length = 5000;  // Unicode code points, after trimming
  // What customers see as the author of staff messages: none | team | full_name | custom.
  std::string author_display = "team";
  std::string team_name = "Support";  // author_display = "team"
  std::string author_text;            // author_display = "custom"
  // [attachments]: files staff attach to a message. Each at most max_upload_bytes; names
  // ending in one of refused_extensions (comma-separated, no dots) are refused.
  int64_t max_upload_bytes = 25LL << 20;
  // [portal] attachments: whether a customer may send files (evidence) with a new request.
  bool portal_attachments = true;
  std::string refused_extensions =
      "exe,com,bat,cmd,scr,pif,msi,msp,cpl,dll,sys,vbs,vbe,js,jse,wsf,wsh,ps1,psm1,hta,jar,lnk,reg,sh,app,apk,deb,rpm";
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
  MailSettings mail;
  std::vector<MailboxSettings> mailboxes;
  std::vector<ReviewSourceSettings> review_sources;
  QueueSettings queue;
  MessageSettings messages;
};

using EnvLookup = std::optional<std::string> (*)(const char* name);
std::optional<std::string> process_env(const char* name);

// Reads path (if not empty) then applies environment overrides. Errors are one line.
Result<Settings> load_settings(const std::string& path, EnvLookup env = process_env);
// Parses TOML text; source names it in errors.
Result<Settings> parse_settings(const std::string& toml_text, const std::string& source,
                                EnvLookup env = process_env);

}  // namespace redress
