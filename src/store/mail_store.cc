#include "store/mail_store.h"

#include "core/crypto.h"
#include "core/json_parse.h"

namespace redress::store {
namespace {

constexpr const char* kMailColumns =
    "id, direction, message_id, dedupe_key, ticket_id, message_row_id, mailbox, source, from_address, recipients, "
    "subject, purpose, routing, routing_detail, raw_sha256, status, last_error, created_at, sent_at";

nlohmann::json json_or(const std::string& text, nlohmann::json fallback) {
  auto j = parse_json(text);
  return j.is_discarded() ? fallback : j;
}

MailRecord mail_from(const Row& r) {
  MailRecord m;
  m.id = r.integer(0);
  m.direction = r.text(1);
  m.message_id = r.text(2);
  m.dedupe_key = r.text(3);
  m.ticket_id = r.opt_integer(4);
  m.message_row_id = r.opt_integer(5);
  m.mailbox = r.text(6);
  m.source = r.text(7);
  m.from_address = r.text(8);
  m.recipients = json_or(r.text(9), nlohmann::json::array());
  m.subject = r.text(10);
  m.purpose = r.text(11);
  m.routing = r.text(12);
  m.routing_detail = json_or(r.text(13), nlohmann::json::object());
  m.raw_sha256 = r.opt_text(14);
  m.status = r.text(15);
  m.last_error = r.opt_text(16);
  m.created_at = from_micros(r.integer(17));
  if (auto s = r.opt_integer(18)) m.sent_at = from_micros(*s);
  return m;
}

constexpr const char* kFailedColumns =
    "id, mailbox, source, reason, detail, raw_sha256, status, attempts, created_at, updated_at, ticket_id";

FailedMail failed_from(const Row& r) {
  FailedMail f;
  f.id = r.integer(0);
  f.mailbox = r.text(1);
  f.source = r.text(2);
  f.reason = r.text(3);
  f.detail = r.text(4);
  f.raw_sha256 = r.text(5);
  f.status = r.text(6);
  f.attempts = r.integer(7);
  f.created_at = from_micros(r.integer(8));
  f.updated_at = from_micros(r.integer(9));
  f.ticket_id = r.opt_integer(10);
  return f;
}

}  // namespace

namespace {

// Bytes per blob_chunks row (before base64): large enough that a mail is a few dozen rows,
// small enough that no piece costs much memory to encode, write or read.
constexpr size_t kChunkBytes = 1 << 20;

}  // namespace

Result<std::string> MailStore::put_blob(const std::string& bytes, TimePoint now) {
  std::string hash = crypto::sha256_hex(bytes);
  // Bytes already kept (the same photo in a second mail) are not encoded again.
  if (REDRESS_TRY(c_.query_one("SELECT 1 FROM blobs WHERE sha256 = ?", {hash}))) return hash;
  // Two mails with one file at once (two nodes): the one that inserts the row writes the pieces.
  auto inserted = REDRESS_TRY(c_.query_one(
      "INSERT INTO blobs (sha256, size, data_base64, created_at) VALUES (?, ?, '', ?) "
      "ON CONFLICT (sha256) DO NOTHING RETURNING sha256",
      {hash, static_cast<int64_t>(bytes.size()), to_micros(now)}));
  if (!inserted) return hash;
  for (size_t at = 0, seq = 0; at < bytes.size(); at += kChunkBytes, ++seq) {
    // Built by moves, not from an initializer list (whose elements are copied).
    Params params;
    params.reserve(3);
    params.emplace_back(hash);
    params.emplace_back(static_cast<int64_t>(seq));
    params.emplace_back(crypto::base64_encode(std::string_view(bytes).substr(at, kChunkBytes)));
    REDRESS_CHECK(c_.execute("INSERT INTO blob_chunks (sha256, seq, data_base64) VALUES (?, ?, ?)", params));
  }
  return hash;
}

Result<std::optional<std::string>> MailStore::blob(const std::string& sha256) {
  auto row = REDRESS_TRY(c_.query_one("SELECT data_base64, size FROM blobs WHERE sha256 = ?", {sha256}));
  if (!row) return std::optional<std::string>();
  const auto bad = [&] { return fail(Error::internal("blob " + sha256 + " is not valid base64")); };
  if (!row->text(0).empty() || row->integer(1) == 0) {  // written whole, before 0012
    auto bytes = crypto::base64_decode(row->text(0));
    if (!bytes) return bad();
    return std::optional<std::string>(std::move(*bytes));
  }
  std::string out;
  out.reserve(static_cast<size_t>(row->integer(1)));
  // One piece at a time: never the whole base64 text in memory at once.
  const int64_t pieces = static_cast<int64_t>((static_cast<size_t>(row->integer(1)) + kChunkBytes - 1) / kChunkBytes);
  for (int64_t seq = 0; seq < pieces; ++seq) {
    auto piece = REDRESS_TRY(
        c_.query_one("SELECT data_base64 FROM blob_chunks WHERE sha256 = ? AND seq = ?", {sha256, seq}));
    if (!piece) return fail(Error::internal("blob " + sha256 + " misses its piece " + std::to_string(seq)));
    auto bytes = crypto::base64_decode(piece->text(0));
    if (!bytes) return bad();
    out += *bytes;
  }
  if (static_cast<int64_t>(out.size()) != row->integer(1))
    return fail(Error::internal("blob " + sha256 + " has " + std::to_string(out.size()) + " bytes, not " +
                                std::to_string(row->integer(1))));
  return std::optional<std::string>(std::move(out));
}

Result<MailRecord> MailStore::insert(const MailRecord& m) {
  auto row = REDRESS_TRY(c_.query_one(
      "INSERT INTO mail_messages (direction, message_id, dedupe_key, ticket_id, message_row_id, mailbox, source, "
      "from_address, recipients, subject, purpose, routing, routing_detail, raw_sha256, status, last_error, "
      "created_at, sent_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
      {m.direction, m.message_id, m.dedupe_key, null_or(m.ticket_id), null_or(m.message_row_id), m.mailbox, m.source,
       m.from_address, m.recipients.dump(), m.subject, m.purpose, m.routing, m.routing_detail.dump(),
       null_or(m.raw_sha256), m.status, null_or(m.last_error), to_micros(m.created_at),
       m.sent_at ? Value(to_micros(*m.sent_at)) : Value(Null{})}));
  MailRecord out = m;
  out.id = row->integer(0);
  return out;
}

Result<std::optional<MailRecord>> MailStore::find(int64_t id) {
  auto row = REDRESS_TRY(c_.query_one(std::string("SELECT ") + kMailColumns + " FROM mail_messages WHERE id = ?", {id}));
  if (!row) return std::optional<MailRecord>();
  return std::optional<MailRecord>(mail_from(*row));
}

Result<std::optional<MailRecord>> MailStore::find_by_dedupe_key(const std::string& key) {
  auto row = REDRESS_TRY(
      c_.query_one(std::string("SELECT ") + kMailColumns + " FROM mail_messages WHERE dedupe_key = ?", {key}));
  if (!row) return std::optional<MailRecord>();
  return std::optional<MailRecord>(mail_from(*row));
}

Result<std::optional<int64_t>> MailStore::ticket_of_message_id(const std::string& message_id) {
  auto row = REDRESS_TRY(c_.query_one(
      "SELECT ticket_id FROM mail_messages WHERE message_id = ? AND ticket_id IS NOT NULL ORDER BY id DESC LIMIT 1",
      {message_id}));
  if (!row) return std::optional<int64_t>();
  return row->opt_integer(0);
}

Result<std::vector<int64_t>> MailStore::tickets_of_message_id(const std::string& message_id, int limit) {
  auto rows = REDRESS_TRY(c_.query(
      "SELECT ticket_id FROM mail_messages WHERE message_id = ? AND ticket_id IS NOT NULL "
      "GROUP BY ticket_id ORDER BY MAX(id) DESC LIMIT ?",
      {message_id, int64_t{limit}}));
  std::vector<int64_t> out;
  for (const auto& r : rows) out.push_back(r.integer(0));
  return out;
}

Result<std::vector<std::string>> MailStore::message_ids_of_ticket(int64_t ticket_id, int limit) {
  // The newest `limit`, returned oldest first: a References header stays bounded on long threads.
  auto rows = REDRESS_TRY(c_.query(
      "SELECT message_id FROM (SELECT id, message_id FROM mail_messages WHERE ticket_id = ? ORDER BY id DESC LIMIT ?) "
      "AS newest ORDER BY id",
      {ticket_id, int64_t{limit}}));
  std::vector<std::string> out;
  for (const auto& r : rows) out.push_back(r.text(0));
  return out;
}

Result<std::vector<MailRecord>> MailStore::of_ticket(int64_t ticket_id) {
  auto rows = REDRESS_TRY(c_.query(
      std::string("SELECT ") + kMailColumns + " FROM mail_messages WHERE ticket_id = ? ORDER BY id", {ticket_id}));
  std::vector<MailRecord> out;
  for (const auto& r : rows) out.push_back(mail_from(r));
  return out;
}

Result<void> MailStore::mark_sent(int64_t id, TimePoint at) {
  REDRESS_CHECK(c_.execute("UPDATE mail_messages SET status = 'sent', sent_at = ?, last_error = NULL WHERE id = ?",
                           {to_micros(at), id}));
  return {};
}

Result<void> MailStore::mark_failed(int64_t id, const std::string& error) {
  REDRESS_CHECK(c_.execute("UPDATE mail_messages SET status = 'failed', last_error = ? WHERE id = ?", {error, id}));
  return {};
}

Result<AttachmentRecord> MailStore::add_attachment(const AttachmentRecord& a) {
  auto row = REDRESS_TRY(c_.query_one(
      "INSERT INTO attachments (message_id, blob_sha256, filename, content_type, content_id, is_inline, size, dropped) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
      {a.message_id, null_or(a.blob_sha256), a.filename, a.content_type, a.content_id, int64_t{a.is_inline ? 1 : 0},
       a.size, int64_t{a.dropped ? 1 : 0}}));
  AttachmentRecord out = a;
  out.id = row->integer(0);
  return out;
}

namespace {

constexpr const char* kAttachmentColumns =
    "id, message_id, blob_sha256, filename, content_type, content_id, is_inline, size, dropped";

AttachmentRecord attachment_from(const Row& r) {
  return AttachmentRecord{r.integer(0), r.integer(1), r.opt_text(2), r.text(3), r.text(4), r.text(5),
                          r.boolean(6), r.integer(7), r.boolean(8)};
}

}  // namespace

Result<std::vector<AttachmentRecord>> MailStore::attachments_of(int64_t message_row_id) {
  auto rows = REDRESS_TRY(c_.query(
      std::string("SELECT ") + kAttachmentColumns + " FROM attachments WHERE message_id = ? ORDER BY id",
      {message_row_id}));
  std::vector<AttachmentRecord> out;
  for (const auto& r : rows) out.push_back(attachment_from(r));
  return out;
}

Result<std::map<int64_t, std::vector<AttachmentRecord>>> MailStore::attachments_of(
    const std::vector<int64_t>& message_row_ids) {
  std::map<int64_t, std::vector<AttachmentRecord>> out;
  if (message_row_ids.empty()) return out;
  std::string sql = std::string("SELECT ") + kAttachmentColumns + " FROM attachments WHERE message_id IN (";
  Params params;
  for (size_t i = 0; i < message_row_ids.size(); ++i) {
    sql += i ? ", ?" : "?";
    params.push_back(message_row_ids[i]);
  }
  sql += ") ORDER BY id";
  auto rows = REDRESS_TRY(c_.query(sql, params));
  for (const auto& r : rows) {
    auto a = attachment_from(r);
    out[a.message_id].push_back(std::move(a));
  }
  return out;
}

Result<std::optional<AttachmentPlace>> MailStore::find_attachment(int64_t id) {
  auto row = REDRESS_TRY(c_.query_one(
      "SELECT a.id, a.message_id, a.blob_sha256, a.filename, a.content_type, a.content_id, a.is_inline, a.size, "
      "a.dropped, m.ticket_id, m.visibility FROM attachments a JOIN messages m ON m.id = a.message_id WHERE a.id = ?",
      {id}));
  if (!row) return std::optional<AttachmentPlace>();
  return std::optional<AttachmentPlace>(AttachmentPlace{attachment_from(*row), row->integer(9), row->text(10)});
}

Result<std::optional<MailboxPosition>> MailStore::position(const std::string& mailbox) {
  auto row = REDRESS_TRY(
      c_.query_one("SELECT uid_validity, last_uid FROM mailbox_state WHERE mailbox = ?", {mailbox}));
  if (!row) return std::optional<MailboxPosition>();
  return std::optional<MailboxPosition>(
      MailboxPosition{static_cast<uint32_t>(row->integer(0)), static_cast<uint32_t>(row->integer(1))});
}

Result<void> MailStore::set_position(const std::string& mailbox, MailboxPosition p, TimePoint now) {
  REDRESS_CHECK(c_.execute(
      "INSERT INTO mailbox_state (mailbox, uid_validity, last_uid, updated_at) VALUES (?, ?, ?, ?) "
      "ON CONFLICT (mailbox) DO UPDATE SET uid_validity = excluded.uid_validity, last_uid = excluded.last_uid, "
      "updated_at = excluded.updated_at",
      {mailbox, int64_t{p.uid_validity}, int64_t{p.last_uid}, to_micros(now)}));
  return {};
}

Result<void> MailStore::add_pending_mark(const std::string& mailbox, uint32_t uid_validity, uint32_t uid) {
  REDRESS_CHECK(c_.execute(
      "INSERT INTO mailbox_pending_marks (mailbox, uid_validity, uid) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
      {mailbox, int64_t{uid_validity}, int64_t{uid}}));
  return {};
}

Result<std::vector<uint32_t>> MailStore::pending_marks(const std::string& mailbox, uint32_t uid_validity) {
  auto rows = REDRESS_TRY(c_.query(
      "SELECT uid FROM mailbox_pending_marks WHERE mailbox = ? AND uid_validity = ? ORDER BY uid",
      {mailbox, int64_t{uid_validity}}));
  std::vector<uint32_t> out;
  for (const auto& r : rows) out.push_back(static_cast<uint32_t>(r.integer(0)));
  return out;
}

Result<void> MailStore::clear_pending_mark(const std::string& mailbox, uint32_t uid_validity, uint32_t uid) {
  REDRESS_CHECK(c_.execute("DELETE FROM mailbox_pending_marks WHERE mailbox = ? AND uid_validity = ? AND uid = ?",
                           {mailbox, int64_t{uid_validity}, int64_t{uid}}));
  return {};
}

Result<FailedMail> MailStore::add_failed(const FailedMail& f) {
  auto row = REDRESS_TRY(c_.query_one(
      "INSERT INTO failed_mails (mailbox, source, reason, detail, raw_sha256, status, attempts, created_at, "
      "updated_at, ticket_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
      {f.mailbox, f.source, f.reason, f.detail, f.raw_sha256, f.status, f.attempts, to_micros(f.created_at),
       to_micros(f.updated_at), null_or(f.ticket_id)}));
  FailedMail out = f;
  out.id = row->integer(0);
  return out;
}

Result<std::optional<FailedMail>> MailStore::find_failed(int64_t id) {
  auto row =
      REDRESS_TRY(c_.query_one(std::string("SELECT ") + kFailedColumns + " FROM failed_mails WHERE id = ?", {id}));
  if (!row) return std::optional<FailedMail>();
  return std::optional<FailedMail>(failed_from(*row));
}

Result<std::vector<FailedMail>> MailStore::list_failed(const std::string& status, int limit) {
  auto rows = REDRESS_TRY(c_.query(std::string("SELECT ") + kFailedColumns +
                                       " FROM failed_mails WHERE (? = '' OR status = ?) ORDER BY id DESC LIMIT ?",
                                   {status, status, int64_t{limit}}));
  std::vector<FailedMail> out;
  for (const auto& r : rows) out.push_back(failed_from(r));
  return out;
}

Result<void> MailStore::update_failed(const FailedMail& f) {
  REDRESS_CHECK(c_.execute(
      "UPDATE failed_mails SET reason = ?, detail = ?, status = ?, attempts = ?, updated_at = ?, ticket_id = ? "
      "WHERE id = ?",
      {f.reason, f.detail, f.status, f.attempts, to_micros(f.updated_at), null_or(f.ticket_id), f.id}));
  return {};
}

Result<int64_t> MailStore::count_auto_reply(const std::string& address, const std::string& day) {
  auto row = REDRESS_TRY(c_.query_one(
      "INSERT INTO auto_reply_counts (address, day, count) VALUES (?, ?, 1) "
      "ON CONFLICT (address, day) DO UPDATE SET count = auto_reply_counts.count + 1 RETURNING count",
      {address, day}));
  return row->integer(0);
}

Result<int64_t> MailStore::auto_replies(const std::string& address, const std::string& day) {
  auto row = REDRESS_TRY(
      c_.query_one("SELECT count FROM auto_reply_counts WHERE address = ? AND day = ?", {address, day}));
  return row ? row->integer(0) : 0;
}

Result<std::string> MailStore::secret(const std::string& name, const std::string& candidate) {
  REDRESS_CHECK(c_.execute("INSERT INTO secrets (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING",
                           {name, candidate}));
  auto row = REDRESS_TRY(c_.query_one("SELECT value FROM secrets WHERE name = ?", {name}));
  if (!row) return fail(Error::internal("secret " + name + " vanished"));
  return row->text(0);
}

Result<void> MailStore::mark_bouncing(const std::string& email, const std::string& reason, TimePoint at) {
  REDRESS_CHECK(c_.execute("UPDATE contacts SET bouncing_since = COALESCE(bouncing_since, ?), bounce_reason = ? "
                           "WHERE email = ?",
                           {to_micros(at), reason, email}));
  return {};
}

}  // namespace redress::store
