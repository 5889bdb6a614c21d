#pragma once
// Mail records: raw bytes and attachments (stored once by content hash), every inbound
// and outbound mail with the ticket it belongs to, IMAP positions, the failed-mail list,
// the automatic-reply counters and generated secrets.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/clock.h"
#include "store/connection.h"

namespace redress::store {

struct MailRecord {
  int64_t id = 0;
  std::string direction;  // in, out
  std::string message_id;
  std::string dedupe_key;
  std::optional<int64_t> ticket_id;
  std::optional<int64_t> message_row_id;
  std::string mailbox;
  std::string source;
  std::string from_address;
  nlohmann::json recipients = nlohmann::json::array();
  std::string subject;
  std::string purpose;
  std::string routing;
  nlohmann::json routing_detail = nlohmann::json::object();
  std::optional<std::string> raw_sha256;
  std::string status;
  std::optional<std::string> last_error;
  TimePoint created_at;
  std::optional<TimePoint> sent_at;
};

struct AttachmentRecord {
  int64_t id = 0;
  int64_t message_id = 0;  // messages.id
  std::optional<std::string> blob_sha256;
  std::string filename;
  std::string content_type;
  std::string content_id;
  bool is_inline = false;
  int64_t size = 0;
  bool dropped = false;
};

struct AttachmentPlace {
  AttachmentRecord attachment;
  int64_t ticket_id = 0;
  std::string visibility;  // of its message: public, internal
};

struct FailedMail {
  int64_t id = 0;
  std::string mailbox;
  std::string source;
  std::string reason;
  std::string detail;
  std::string raw_sha256;
  std::string status;  // failed, retried, dismissed
  int64_t attempts = 1;
  TimePoint created_at;
  TimePoint updated_at;
  std::optional<int64_t> ticket_id;
};

struct MailboxPosition {
  uint32_t uid_validity = 0;
  uint32_t last_uid = 0;
};

class MailStore {
 public:
  explicit MailStore(Connection& c) : c_(c) {}

  // Stores bytes under their SHA-256 (once); returns the hash.
  Result<std::string> put_blob(const std::string& bytes, TimePoint now);
  Result<std::optional<std::string>> blob(const std::string& sha256);

  Result<MailRecord> insert(const MailRecord& record);
  Result<std::optional<MailRecord>> find(int64_t id);
  Result<std::optional<MailRecord>> find_by_dedupe_key(const std::string& key);
  // The ticket of a mail we know by Message-ID (in or out), newest first.
  Result<std::optional<int64_t>> ticket_of_message_id(const std::string& message_id);
  // Every ticket a mail with that Message-ID went to, newest first (one id may have been
  // used by two senders: see MailIntakeService).
  Result<std::vector<int64_t>> tickets_of_message_id(const std::string& message_id, int limit);
  // Message-IDs of a ticket's mails, oldest first (for the References chain).
  Result<std::vector<std::string>> message_ids_of_ticket(int64_t ticket_id, int limit);
  Result<std::vector<MailRecord>> of_ticket(int64_t ticket_id);
  Result<void> mark_sent(int64_t id, TimePoint at);
  Result<void> mark_failed(int64_t id, const std::string& error);

  Result<AttachmentRecord> add_attachment(const AttachmentRecord& a);
  Result<std::vector<AttachmentRecord>> attachments_of(int64_t message_row_id);
  // The attachments of a page of messages, by message, in the order they came.
  Result<std::map<int64_t, std::vector<AttachmentRecord>>> attachments_of(const std::vector<int64_t>& message_row_ids);
  // An attachment with where it is: who may read its message may read it.
  Result<std::optional<AttachmentPlace>> find_attachment(int64_t id);

  Result<std::optional<MailboxPosition>> position(const std::string& mailbox);
  Result<void> set_position(const std::string& mailbox, MailboxPosition position, TimePoint now);
  Result<void> add_pending_mark(const std::string& mailbox, uint32_t uid_validity, uint32_t uid);
  Result<std::vector<uint32_t>> pending_marks(const std::string& mailbox, uint32_t uid_validity);
  Result<void> clear_pending_mark(const std::string& mailbox, uint32_t uid_validity, uint32_t uid);

  Result<FailedMail> add_failed(const FailedMail& f);
  Result<std::optional<FailedMail>> find_failed(int64_t id);
  // status empty: all. Newest first.
  Result<std::vector<FailedMail>> list_failed(const std::string& status, int limit);
  Result<void> update_failed(const FailedMail& f);

  // Counts one more automatic mail to address on day; returns the count after it.
  Result<int64_t> count_auto_reply(const std::string& address, const std::string& day);
  Result<int64_t> auto_replies(const std::string& address, const std::string& day);

  // The named secret, created with candidate when absent (first writer wins).
  Result<std::string> secret(const std::string& name, const std::string& candidate);

  // The contact with this address, if any, marked as bouncing.
  Result<void> mark_bouncing(const std::string& email, const std::string& reason, TimePoint at);

 private:
  Connection& c_;
};

}  // namespace redress::store
