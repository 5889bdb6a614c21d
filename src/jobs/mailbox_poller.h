#pragma once
// Polls configured IMAP mailboxes. Mail is tracked by UID under UIDVALIDITY, with the
// position kept in the database and moved in the same transaction that stores the mail,
// so a crash at any point neither loses nor doubles a mail: before the commit nothing
// happened, after it the UID is behind the position. The flag or move on the server
// (never the \Seen flag as a source of truth) is done after the commit, and redone from
// a pending list if the process died in between.
#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/config.h"
#include "service/context.h"

namespace redress::jobs {

struct PollStats {
  int fetched = 0;
  int stored = 0;      // created or appended
  int duplicates = 0;  // already stored (same Message-ID)
  int failed = 0;      // kept in the failed-mail list
  int marked = 0;      // flagged or moved on the server after commit
};

class MailboxPoller {
 public:
  // on_stored runs after a pass that stored mail (to wake the job runner for acks).
  MailboxPoller(service::Context& ctx, std::vector<MailboxSettings> mailboxes, std::function<void()> on_stored);
  ~MailboxPoller();

  // One thread per mailbox with a URL, each polling every poll_seconds.
  void start();
  void stop();
  // Polls now instead of at the next interval.
  void poke();

  // One pass over one mailbox on the calling thread (tests, and the threads' body).
  Result<PollStats> poll_once(const MailboxSettings& mailbox);

 private:
  void loop(const MailboxSettings& mailbox);

  service::Context& ctx_;
  const std::vector<MailboxSettings> mailboxes_;
  const std::function<void()> on_stored_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by mutex_
  uint64_t pokes_ = 0;     // guarded by mutex_
  std::vector<std::thread> threads_;
};

}  // namespace redress::jobs
