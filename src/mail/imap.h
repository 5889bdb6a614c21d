#pragma once
// An IMAP client over libcurl, by UID only: Redress never relies on the \Seen flag to know
// what it has taken (someone reading the mailbox must not make mail vanish).
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/error.h"

namespace redress::mail {

struct ImapSettings {
  std::string url;  // imap://host:port or imaps://host:port
  std::string mailbox = "INBOX";
  std::string username;
  std::string password;
  std::string starttls = "try";  // "try", "require" or "off" (ignored for imaps://)
  int timeout_seconds = 30;
};

struct MailboxState {
  uint32_t uid_validity = 0;
  uint32_t uid_next = 0;  // 0 when the server did not say
  uint32_t exists = 0;
};

class ImapClient {
 public:
  explicit ImapClient(ImapSettings settings);
  ~ImapClient();
  ImapClient(const ImapClient&) = delete;
  ImapClient& operator=(const ImapClient&) = delete;

  // EXAMINE (read-only select) of the mailbox.
  Result<MailboxState> examine();
  // UIDs >= first_uid currently in the mailbox, ascending ("UID SEARCH UID first:*"; the
  // server's answer for "*" is filtered out when it is below first_uid).
  Result<std::vector<uint32_t>> uids_from(uint32_t first_uid);
  // The whole message (BODY.PEEK[], so the \Seen flag is not set by reading), checked
  // against uid_validity. kNotFound when the UID no longer exists; kConflict (reason
  // "uidvalidity_changed") when the mailbox's UIDVALIDITY is not uid_validity.
  Result<std::string> fetch(uint32_t uid_validity, uint32_t uid);
  // After the mail is committed: set a flag (e.g. "\\Seen" or "$Redress") ...
  Result<void> add_flag(uint32_t uid, const std::string& flag);
  // ... or move it to another folder (UID MOVE, or COPY + \Deleted + UID EXPUNGE).
  Result<void> move(uint32_t uid, const std::string& folder);
  // APPEND a message (tests and tools), with no flags: it arrives unread.
  Result<void> append(const std::string& raw);
  // CREATE a folder; one that exists already is fine (move() needs its target to exist).
  Result<void> create_folder(const std::string& folder);
  // The flags of a message in the mailbox, e.g. {"\\Seen"}; kNotFound when the UID is gone.
  Result<std::vector<std::string>> flags(uint32_t uid);

  // Errors: kUnavailable when the server cannot be reached or answers NO/BAD to a command
  // that should work; kUnauthenticated when login fails; kInvalid for a folder name or flag
  // that cannot be sent; kNotFound (reason "folder_missing") when move()'s target or the
  // mailbox does not exist.
  //
  // libcurl connects, does TLS or STARTTLS and logs in (CURLOPT_CONNECT_ONLY); the IMAP
  // commands are ours, over curl_easy_send/recv. curl's own IMAP commands cannot do what
  // this needs: its fetch is "UID FETCH n BODY[]" after a read-write SELECT, which sets
  // \Seen; its APPEND always adds \Seen; a custom "UID FETCH n BODY.PEEK[]" gets the
  // literal only through the debug callback; a custom EXAMINE leaves curl believing the
  // mailbox is still selected read-write. The connection is kept between calls; one that
  // the server closed while idle is opened again once, for commands safe to repeat.

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace redress::mail
