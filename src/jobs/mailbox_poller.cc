#include "jobs/mailbox_poller.h"

#include <fstream>
#include <sstream>

#include "core/log.h"
#include "mail/imap.h"
#include "service/mail_intake_service.h"
#include "store/mail_store.h"

namespace redress::jobs {
namespace {

using store::Connection;

Result<mail::ImapSettings> imap_settings(const MailboxSettings& box) {
  mail::ImapSettings s;
  s.url = box.url;
  s.mailbox = box.folder;
  s.username = box.username;
  s.password = box.password;
  if (s.password.empty() && !box.password_file.empty()) {
    std::ifstream in(box.password_file);
    if (!in) return fail(Error::unavailable("mailbox " + box.name + ": cannot read " + box.password_file));
    std::getline(in, s.password);
    while (!s.password.empty() && (s.password.back() == '\r' || s.password.back() == ' ')) s.password.pop_back();
  }
  return s;
}

// Takes the mailbox's lock for the rest of the transaction on PostgreSQL, so that two
// nodes polling the same mailbox store each UID once; SQLite's single writer does that.
Result<void> lock_mailbox(Connection& c, const std::string& name) {
  if (c.engine() != store::Engine::kPostgres) return {};
  REDRESS_CHECK(c.query("SELECT pg_advisory_xact_lock(hashtext(?))", {"redress.mailbox." + name}));
  return {};
}

Result<void> mark_on_server(mail::ImapClient& imap, const MailboxSettings& box, uint32_t uid) {
  auto done = box.after == "move" ? imap.move(uid, box.move_to) : imap.add_flag(uid, box.flag);
  if (!done && done.error().reason == "folder_missing" && box.after == "move") {
    // The first move into a folder nobody made yet.
    REDRESS_CHECK(imap.create_folder(box.move_to));
    done = imap.move(uid, box.move_to);
  }
  // Gone already (moved or deleted by someone): nothing left to mark.
  if (!done && done.error().code == ErrorCode::kNotFound && done.error().reason != "folder_missing") return {};
  return done;
}

}  // namespace

MailboxPoller::MailboxPoller(service::Context& ctx, std::vector<MailboxSettings> mailboxes,
                             std::function<void()> on_stored)
    : ctx_(ctx), mailboxes_(std::move(mailboxes)), on_stored_(std::move(on_stored)) {}

MailboxPoller::~MailboxPoller() { stop(); }

void MailboxPoller::start() {
  for (const auto& box : mailboxes_) {
    if (box.url.empty()) continue;  // a name for the mailgate only
    threads_.emplace_back([this, &box] { loop(box); });
  }
}

void MailboxPoller::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& t : threads_) t.join();
  threads_.clear();
}

void MailboxPoller::poke() {
  {
    std::lock_guard lock(mutex_);
    ++pokes_;
  }
  wake_.notify_all();
}

void MailboxPoller::loop(const MailboxSettings& box) {
  for (;;) {
    uint64_t seen_pokes = 0;
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
      seen_pokes = pokes_;
    }
    auto stats = poll_once(box);
    if (!stats) {
      log::warn("mailbox_poll_failed", {{"mailbox", box.name}, {"error", stats.error().message}});
    } else if (stats->fetched > 0) {
      log::info("mailbox_polled", {{"mailbox", box.name},
                                   {"fetched", std::to_string(stats->fetched)},
                                   {"stored", std::to_string(stats->stored)},
                                   {"duplicates", std::to_string(stats->duplicates)},
                                   {"failed", std::to_string(stats->failed)}});
      if (stats->stored > 0 && on_stored_) on_stored_();
    }
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, std::chrono::seconds(box.poll_seconds), [&] { return stopping_ || pokes_ != seen_pokes; });
    if (stopping_) return;
  }
}

Result<PollStats> MailboxPoller::poll_once(const MailboxSettings& box) {
  PollStats stats;
  auto settings = REDRESS_TRY(imap_settings(box));
  mail::ImapClient imap(settings);
  const auto state = REDRESS_TRY(imap.examine());
  auto& db = ctx_.db;

  auto position = REDRESS_TRY(db.transact_value<std::optional<store::MailboxPosition>>(
      store::TxMode::kRead, [&](Connection& c) { return store::MailStore(c).position(box.name); }));
  if (!position || position->uid_validity != state.uid_validity) {
    // A new mailbox, or the server renumbered it: read it all again. Mail already stored
    // is recognised by its Message-ID and not stored twice.
    if (position) {
      log::warn("mailbox_uidvalidity_changed", {{"mailbox", box.name},
                                               {"was", std::to_string(position->uid_validity)},
                                               {"now", std::to_string(state.uid_validity)}});
    }
    position = store::MailboxPosition{state.uid_validity, 0};
    REDRESS_CHECK(db.transact(store::TxMode::kWrite, [&](Connection& c) -> Result<void> {
      REDRESS_CHECK(lock_mailbox(c, box.name));
      auto now_pos = REDRESS_TRY(store::MailStore(c).position(box.name));
      if (now_pos && now_pos->uid_validity == state.uid_validity) return {};  // another node was first
      return store::MailStore(c).set_position(box.name, *position, ctx_.clock.now());
    }));
  }
  const uint32_t validity = state.uid_validity;

  // Marks a crash left undone.
  auto pending = REDRESS_TRY(db.transact_value<std::vector<uint32_t>>(
      store::TxMode::kRead, [&](Connection& c) { return store::MailStore(c).pending_marks(box.name, validity); }));
  for (uint32_t uid : pending) {
    REDRESS_CHECK(mark_on_server(imap, box, uid));
    REDRESS_CHECK(db.transact(store::TxMode::kWrite, [&](Connection& c) {
      return store::MailStore(c).clear_pending_mark(box.name, validity, uid);
    }));
    ++stats.marked;
  }

  const auto uids = REDRESS_TRY(imap.uids_from(position->last_uid + 1));
  service::MailIntakeService intake(ctx_);
  const service::IntakeOptions options{box.name, "imap"};
  for (uint32_t uid : uids) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) break;
    }
    auto raw = imap.fetch(validity, uid);
    if (!raw && raw.error().code != ErrorCode::kNotFound) return fail(raw.error());
    if (raw) ++stats.fetched;

    // Stores the mail (or keeps it as failed) and moves the position past it in one commit.
    auto record = [&](Connection& c, bool as_failed, const Error* why) -> Result<std::string> {
      REDRESS_CHECK(lock_mailbox(c, box.name));
      store::MailStore mails(c);
      auto pos = REDRESS_TRY(mails.position(box.name));
      if (pos && (pos->uid_validity != validity || pos->last_uid >= uid)) return std::string("skipped");
      std::string outcome = "gone";
      if (raw && as_failed) {
        REDRESS_CHECK(intake.keep_failed(c, *raw, options, *why));
        outcome = "failed";
      } else if (raw) {
        outcome = REDRESS_TRY(intake.ingest_in(c, *raw, options)).outcome;
      }
      REDRESS_CHECK(mails.set_position(box.name, {validity, uid}, ctx_.clock.now()));
      if (raw) REDRESS_CHECK(mails.add_pending_mark(box.name, validity, uid));
      return outcome;
    };
    auto outcome = db.transact_value<std::string>(store::TxMode::kWrite,
                                                  [&](Connection& c) { return record(c, false, nullptr); });
    if (!outcome && outcome.error().reason == "mail_rejected") {
      const Error why = outcome.error();
      outcome = db.transact_value<std::string>(store::TxMode::kWrite, [&](Connection& c) { return record(c, true, &why); });
    }
    if (!outcome) return fail(outcome.error());
    if (*outcome == "skipped" || *outcome == "gone") continue;
    if (*outcome == "duplicate") {
      ++stats.duplicates;
    } else if (*outcome == "failed") {
      ++stats.failed;
    } else {
      ++stats.stored;
    }
    REDRESS_CHECK(mark_on_server(imap, box, uid));
    REDRESS_CHECK(db.transact(store::TxMode::kWrite, [&](Connection& c) {
      return store::MailStore(c).clear_pending_mark(box.name, validity, uid);
    }));
    ++stats.marked;
  }
  return stats;
}

}  // namespace redress::jobs
