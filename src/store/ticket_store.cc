#include "store/ticket_store.h"

#include <algorithm>

#include "core/json_parse.h"

namespace redress::store {
namespace {

constexpr const char* kTicketColumns =
    "t.id, t.number, t.workflow, t.status, t.subject, t.description, t.channel, t.reason_id, t.language, "
    "t.customer_id, t.main_contact_id, t.taken_by, t.messaging_blocked, t.fields, t.created_by, t.created_at, "
    "t.updated_at, t.closed_at, t.version, t.taken_at, t.customer_waiting_since";
constexpr size_t kColumnCount = 21;

Value time_or_null(const std::optional<TimePoint>& t) { return t ? Value(to_micros(*t)) : Value(Null{}); }

domain::Ticket ticket_from(const Row& r) {
  domain::Ticket t;
  t.id = r.integer(0);
  t.number = r.text(1);
  t.workflow = r.text(2);
  t.status = r.text(3);
  t.subject = r.text(4);
  t.description = r.text(5);
  t.channel = r.text(6);
  t.reason_id = r.opt_integer(7);
  t.language = r.text(8);
  t.customer_id = r.opt_integer(9);
  t.main_contact_id = r.opt_integer(10);
  t.taken_by = r.opt_integer(11);
  t.messaging_blocked = r.boolean(12);
  t.fields = parse_json(r.text(13));
  if (!t.fields.is_object()) t.fields = nlohmann::json::object();
  t.created_by = r.opt_integer(14);
  t.created_at = from_micros(r.integer(15));
  t.updated_at = from_micros(r.integer(16));
  if (auto c = r.opt_integer(17)) t.closed_at = from_micros(*c);
  t.version = r.integer(18);
  if (auto v = r.opt_integer(19)) t.taken_at = from_micros(*v);
  if (auto v = r.opt_integer(20)) t.customer_waiting_since = from_micros(*v);
  return t;
}

// Words are runs of letters and digits; any byte >= 0x80 counts as a letter so that
// UTF-8 text ("réclamation") stays whole and the engine folds its accents.
std::vector<std::string> words_of(const std::string& text) {
  std::vector<std::string> out;
  std::string cur;
  for (char ch : text) {
    auto u = static_cast<unsigned char>(ch);
    if (std::isalnum(u) || u >= 0x80) {
      cur += ch;
    } else if (!cur.empty()) {
      out.push_back(std::move(cur));
      cur.clear();
    }
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  if (out.size() > 16) out.resize(16);  // bound the work one query can ask for
  return out;
}

// Emails and ticket numbers go in whole and as their parts, so that "dupont" finds
// "jean.dupont@example.fr" and "000042" finds "C-2026-000042" on PostgreSQL too, whose
// parser keeps an address as one token and reads "-000042" as a signed number.
void add_with_parts(std::string& doc, const std::string& email) {
  doc += ' ';
  doc += email;
  doc += ' ';
  for (char ch : email) doc += (ch == '@' || ch == '.' || ch == '-' || ch == '_' || ch == '+') ? ' ' : ch;
}

}  // namespace

namespace {

// What of a ticket's text is indexed. A pasted log or a 40 MiB mail is text too, but
// PostgreSQL refuses a tsvector over 1 MB, and nobody searches for the 10,000th line: each
// message counts with its first kMaxIndexedMessageBytes, each part of the document with
// its first kMaxIndexedPartBytes (256 KiB of distinct words stays well under the limit).
constexpr size_t kMaxIndexedMessageBytes = 64 << 10;
constexpr size_t kMaxIndexedPartBytes = 256 << 10;

// At most n bytes of s, cut before a UTF-8 continuation byte.
std::string_view utf8_prefix(std::string_view s, size_t n) {
  if (s.size() <= n) return s;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return s.substr(0, n);
}

}  // namespace

SearchDocument search_document(const std::string& number, const std::string& subject, const std::string& description,
                               const std::vector<SearchContact>& contacts, const std::vector<SearchBody>& bodies) {
  SearchDocument doc;
  std::string& pub = doc.public_text;
  add_with_parts(pub, number);
  pub += ' ' + subject + ' ' + description;
  for (const auto& c : contacts) {
    pub += ' ' + c.name;
    if (c.email) add_with_parts(pub, *c.email);
  }
  for (const auto& b : bodies) {
    std::string& part = b.internal ? doc.internal_text : pub;
    if (part.size() >= kMaxIndexedPartBytes) continue;
    if (!part.empty()) part += ' ';
    part += utf8_prefix(b.text, std::min(kMaxIndexedMessageBytes, kMaxIndexedPartBytes - part.size()));
  }
  return doc;
}

// Every word must be found whole except the last, which may be the start of a word (as far
// as it is typed) when it has three characters or more; an address is looked for as one
// phrase. Prefixes are what make a query slow on a big index: "fr"* alone names hundreds of
// terms ("fr", "france", "francois", "from"...) whose lists must be merged. At a million
// tickets an address searched with every word a prefix took 200 ms, as a phrase 1 ms.
std::string full_text_query(Engine engine, const std::string& text, bool public_only) {
  const auto words = words_of(text);
  if (words.empty()) return "";
  const bool sqlite = engine == Engine::kSqlite;
  // PostgreSQL: a weight after a lexeme ("colis:D", "fact:*D") restricts it to that weight.
  const std::string weight = !sqlite && public_only ? "D" : "";
  std::string q;
  if (text.find('@') != std::string::npos && words.size() > 1) {
    for (const auto& w : words) q += (q.empty() ? "" : (sqlite ? " " : " <-> ")) + w + (weight.empty() ? "" : ":" + weight);
    if (sqlite) q = '"' + q + '"';
  } else {
    for (size_t i = 0; i < words.size(); ++i) {
      const std::string& w = words[i];
      const bool prefix = i + 1 == words.size() && w.size() >= 3;
      if (i) q += sqlite ? " AND " : " & ";
      if (sqlite) {
        q += '"' + w + '"' + (prefix ? "*" : "");
      } else {
        q += w;
        if (prefix || !weight.empty()) q += ":" + std::string(prefix ? "*" : "") + weight;
      }
    }
  }
  // SQLite: a column filter in front of the whole expression.
  if (sqlite && public_only) q = "public_text : (" + q + ")";
  return q;
}

Result<domain::Ticket> TicketStore::insert(domain::Ticket t, const domain::TicketNumberFormat& format) {
  auto seq = REDRESS_TRY(c_.query_one(
      "INSERT INTO ticket_counters (scope, value) VALUES (?, 1) "
      "ON CONFLICT (scope) DO UPDATE SET value = ticket_counters.value + 1 RETURNING value",
      {format.scope(t.created_at)}));
  t.number = format.render(t.created_at, seq->integer(0));
  auto row = REDRESS_TRY(c_.query_one(
      "INSERT INTO tickets (number, workflow, status, subject, description, channel, reason_id, language, "
      "customer_id, main_contact_id, taken_by, messaging_blocked, fields, created_by, created_at, updated_at, "
      "closed_at, version, taken_at, customer_waiting_since) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?) RETURNING id",
      {t.number, t.workflow, t.status, t.subject, t.description, t.channel, null_or(t.reason_id), t.language,
       null_or(t.customer_id), null_or(t.main_contact_id), null_or(t.taken_by),
       int64_t{t.messaging_blocked ? 1 : 0}, t.fields.dump(), null_or(t.created_by), to_micros(t.created_at),
       to_micros(t.updated_at), time_or_null(t.closed_at), time_or_null(t.taken_at),
       time_or_null(t.customer_waiting_since)}));
  t.id = row->integer(0);
  t.version = 1;
  REDRESS_CHECK(set_contacts(t.id, t.contact_ids));
  for (const auto& [role, user] : t.assignees) REDRESS_CHECK(set_assignee(t.id, role, user));
  return t;
}

Result<void> TicketStore::load_relations(domain::Ticket& t) {
  auto contacts = REDRESS_TRY(
      c_.query("SELECT contact_id FROM ticket_contacts WHERE ticket_id = ? ORDER BY position, contact_id", {t.id}));
  t.contact_ids.clear();
  for (const auto& r : contacts) t.contact_ids.push_back(r.integer(0));
  auto assignees = REDRESS_TRY(c_.query("SELECT role, user_id FROM ticket_assignees WHERE ticket_id = ?", {t.id}));
  t.assignees.clear();
  for (const auto& r : assignees) t.assignees[r.text(0)] = r.integer(1);
  return {};
}

Result<std::optional<domain::Ticket>> TicketStore::find(int64_t id) {
  auto row = REDRESS_TRY(c_.query_one(std::string("SELECT ") + kTicketColumns + " FROM tickets t WHERE t.id = ?", {id}));
  if (!row) return std::optional<domain::Ticket>();
  auto t = ticket_from(*row);
  REDRESS_CHECK(load_relations(t));
  return std::optional<domain::Ticket>(std::move(t));
}

Result<std::optional<domain::Ticket>> TicketStore::find_by_number(const std::string& number) {
  auto row = REDRESS_TRY(
      c_.query_one(std::string("SELECT ") + kTicketColumns + " FROM tickets t WHERE t.number = ?", {number}));
  if (!row) return std::optional<domain::Ticket>();
  auto t = ticket_from(*row);
  REDRESS_CHECK(load_relations(t));
  return std::optional<domain::Ticket>(std::move(t));
}

Result<domain::Ticket> TicketStore::update(domain::Ticket t) {
  auto n = REDRESS_TRY(c_.execute(
      "UPDATE tickets SET status = ?, subject = ?, description = ?, channel = ?, reason_id = ?, language = ?, "
      "customer_id = ?, main_contact_id = ?, taken_by = ?, messaging_blocked = ?, fields = ?, updated_at = ?, "
      "closed_at = ?, taken_at = ?, customer_waiting_since = ?, version = version + 1 WHERE id = ? AND version = ?",
      {t.status, t.subject, t.description, t.channel, null_or(t.reason_id), t.language, null_or(t.customer_id),
       null_or(t.main_contact_id), null_or(t.taken_by), int64_t{t.messaging_blocked ? 1 : 0}, t.fields.dump(),
       to_micros(t.updated_at), time_or_null(t.closed_at), time_or_null(t.taken_at),
       time_or_null(t.customer_waiting_since), t.id, t.version}));
  if (n == 0) return fail(Error::conflict("the ticket was changed by someone else; reload it", "stale"));
  const int64_t open = t.closed_at ? 0 : 1;
  REDRESS_CHECK(c_.execute("UPDATE ticket_assignees SET ticket_open = ? WHERE ticket_id = ? AND ticket_open <> ?",
                           {open, t.id, open}));
  ++t.version;
  return t;
}

Result<void> TicketStore::set_contacts(int64_t ticket_id, const std::vector<int64_t>& contact_ids) {
  REDRESS_CHECK(c_.execute("DELETE FROM ticket_contacts WHERE ticket_id = ?", {ticket_id}));
  int64_t pos = 0;
  for (int64_t id : contact_ids) {
    REDRESS_CHECK(c_.execute("INSERT INTO ticket_contacts (ticket_id, contact_id, position) VALUES (?, ?, ?)",
                             {ticket_id, id, pos++}));
  }
  return {};
}

Result<void> TicketStore::set_assignee(int64_t ticket_id, const std::string& role, std::optional<int64_t> user_id) {
  if (!user_id) {
    REDRESS_CHECK(c_.execute("DELETE FROM ticket_assignees WHERE ticket_id = ? AND role = ?", {ticket_id, role}));
    return {};
  }
  REDRESS_CHECK(c_.execute(
      "INSERT INTO ticket_assignees (ticket_id, role, user_id, ticket_open) "
      "SELECT ?, ?, ?, CASE WHEN closed_at IS NULL THEN 1 ELSE 0 END FROM tickets WHERE id = ? "
      "ON CONFLICT (ticket_id, role) DO UPDATE SET user_id = excluded.user_id",
      {ticket_id, role, *user_id, ticket_id}));
  return {};
}

Result<std::vector<TicketListItem>> TicketStore::list(const TicketFilter& f) {
  // SQLite: a search walks the full-text index newest first and stops at the page's last
  // row. Looking the matches up from tickets (t.id IN (SELECT rowid ... MATCH)) gathered
  // every match first: 105 ms against 19 ms for a common word at a million tickets.
  const bool fts = !f.text.empty() && c_.engine() == Engine::kSqlite;
  std::string sql = std::string("SELECT ") + kTicketColumns + ", mc.name, mc.email FROM " +
                    (fts ? "ticket_search s JOIN tickets t ON t.id = s.rowid" : "tickets t") +
                    " LEFT JOIN contacts mc ON mc.id = t.main_contact_id WHERE 1=1";
  Params p;
  if (!f.statuses.empty()) {
    sql += " AND t.status IN (";
    for (size_t i = 0; i < f.statuses.size(); ++i) {
      sql += i ? ", ?" : "?";
      p.emplace_back(f.statuses[i]);
    }
    sql += ")";
  }
  if (!f.workflow.empty()) {
    sql += " AND t.workflow = ?";
    p.emplace_back(f.workflow);
  }
  if (f.reason_id) {
    sql += " AND t.reason_id = ?";
    p.emplace_back(*f.reason_id);
  }
  if (!f.channel.empty()) {
    sql += " AND t.channel = ?";
    p.emplace_back(f.channel);
  }
  if (f.assignee_user_id) {
    sql += " AND (t.taken_by = ? OR t.id IN (SELECT a.ticket_id FROM ticket_assignees a WHERE a.user_id = ?))";
    p.emplace_back(*f.assignee_user_id);
    p.emplace_back(*f.assignee_user_id);
  }
  if (f.created_from) {
    sql += " AND t.created_at >= ?";
    p.emplace_back(to_micros(*f.created_from));
  }
  if (f.created_to) {
    sql += " AND t.created_at < ?";
    p.emplace_back(to_micros(*f.created_to));
  }
  if (f.visible_to_email) {
    sql += " AND EXISTS (SELECT 1 FROM ticket_contacts tc JOIN contacts c ON c.id = tc.contact_id "
           "WHERE tc.ticket_id = t.id AND c.email = ?)";
    p.emplace_back(*f.visible_to_email);
  }
  if (!f.text.empty()) {
    std::string q = full_text_query(c_.engine(), f.text, f.public_text_only);
    if (q.empty()) return std::vector<TicketListItem>();  // nothing searchable: no match
    if (fts) {
      sql += " AND ticket_search MATCH ?";
    } else {
      sql += " AND t.search @@ to_tsquery('simple', redress_unaccent(?))";
    }
    p.emplace_back(q);
  }
  if (f.before_id > 0) {
    sql += " AND t.id < ?";
    p.emplace_back(f.before_id);
  }
  sql += fts ? " ORDER BY s.rowid DESC LIMIT ?" : " ORDER BY t.id DESC LIMIT ?";
  p.emplace_back(static_cast<int64_t>(f.limit));
  auto rows = REDRESS_TRY(c_.query(sql, p));
  std::vector<TicketListItem> out;
  out.reserve(rows.size());
  for (const auto& r : rows) {
    TicketListItem item{ticket_from(r), r.opt_text(kColumnCount), r.opt_text(kColumnCount + 1)};
    out.push_back(std::move(item));
  }
  return out;
}

namespace {

// "AND NOT (workflow = ? AND status IN (...)) ..." for the statuses nobody should process now.
void exclude_statuses(const QueueQuery& q, std::string& sql, Params& p) {
  if (!q.not_now) return;
  for (const auto& [workflow, statuses] : *q.not_now) {
    if (statuses.empty()) continue;
    sql += " AND NOT (t.workflow = ? AND t.status IN (";
    p.emplace_back(workflow);
    for (size_t i = 0; i < statuses.size(); ++i) {
      sql += i ? ", ?" : "?";
      p.emplace_back(statuses[i]);
    }
    sql += "))";
  }
}

}  // namespace

Result<std::vector<TicketListItem>> TicketStore::queue_mine(const QueueQuery& q) {
  // Three parts, each answered from its own index in the queue's order, then merged: my
  // taken tickets where the customer waits (oldest wait first), my other taken tickets
  // (oldest first), and untaken open tickets I hold a role on (few, through the partial
  // index of open role rows). One query ordering them all with a CASE sorted every ticket
  // the agent ever held: 260 ms for an agent with 11,000 open tickets at a million.
  const bool sqlite = c_.engine() == Engine::kSqlite;
  const std::string taken = std::string("SELECT ") + kTicketColumns +
                            ", mc.name, mc.email FROM tickets t" + (sqlite ? " INDEXED BY tickets_taken_open" : "") +
                            " LEFT JOIN contacts mc ON mc.id = t.main_contact_id WHERE t.taken_by = ? AND "
                            "t.closed_at IS NULL AND t.customer_waiting_since IS ";
  std::string sql = "SELECT * FROM (SELECT * FROM (" + taken + "NOT NULL";
  Params p{q.user_id};
  exclude_statuses(q, sql, p);
  sql += " ORDER BY t.customer_waiting_since, t.created_at, t.id LIMIT ?) waiting UNION ALL SELECT * FROM (" + taken +
         "NULL";
  p.emplace_back(static_cast<int64_t>(q.limit));
  p.emplace_back(q.user_id);
  exclude_statuses(q, sql, p);
  sql += " ORDER BY t.created_at, t.id LIMIT ?) other UNION ALL SELECT " + std::string(kTicketColumns) +
         ", mc.name, mc.email FROM tickets t LEFT JOIN contacts mc ON mc.id = t.main_contact_id "
         "WHERE t.taken_by IS NULL AND t.closed_at IS NULL AND t.id IN "
         "(SELECT a.ticket_id FROM ticket_assignees a WHERE a.user_id = ? AND a.ticket_open = 1)";
  p.emplace_back(static_cast<int64_t>(q.limit));
  p.emplace_back(q.user_id);
  exclude_statuses(q, sql, p);
  sql += ") mine ORDER BY CASE WHEN mine.customer_waiting_since IS NULL THEN 1 ELSE 0 END, "
         "mine.customer_waiting_since, mine.created_at, mine.id LIMIT ?";
  p.emplace_back(static_cast<int64_t>(q.limit));
  auto rows = REDRESS_TRY(c_.query(sql, p));
  std::vector<TicketListItem> out;
  for (const auto& r : rows) out.push_back({ticket_from(r), r.opt_text(kColumnCount), r.opt_text(kColumnCount + 1)});
  return out;
}

Result<std::vector<TicketListItem>> TicketStore::queue_unclaimed(const QueueQuery& q) {
  // SQLite's planner prefers tickets_taken_open (taken_by IS NULL) and then sorts every
  // unclaimed ticket; walking tickets_unclaimed in created_at order stops after `limit`
  // rows instead (2.7 ms -> 0.1 ms at 5,000 tickets, and flat as they grow).
  const char* hint = c_.engine() == Engine::kSqlite ? " INDEXED BY tickets_unclaimed" : "";
  std::string sql = std::string("SELECT ") + kTicketColumns + ", mc.name, mc.email FROM tickets t" + hint +
                    " LEFT JOIN contacts mc ON mc.id = t.main_contact_id "
                    "WHERE t.taken_by IS NULL AND t.closed_at IS NULL AND NOT EXISTS "
                    "(SELECT 1 FROM ticket_assignees a WHERE a.ticket_id = t.id)";
  Params p;
  exclude_statuses(q, sql, p);
  sql += " ORDER BY t.created_at, t.id LIMIT ?";
  p.emplace_back(static_cast<int64_t>(q.limit));
  auto rows = REDRESS_TRY(c_.query(sql, p));
  std::vector<TicketListItem> out;
  for (const auto& r : rows) out.push_back({ticket_from(r), r.opt_text(kColumnCount), r.opt_text(kColumnCount + 1)});
  return out;
}

Result<std::vector<int64_t>> TicketStore::taken_by(int64_t user_id) {
  auto rows = REDRESS_TRY(c_.query("SELECT id FROM tickets WHERE taken_by = ? ORDER BY id", {user_id}));
  std::vector<int64_t> out;
  for (const auto& r : rows) out.push_back(r.integer(0));
  return out;
}

Result<bool> TicketStore::has_contact_email(int64_t ticket_id, const std::string& email) {
  auto row = REDRESS_TRY(c_.query_one(
      "SELECT 1 FROM ticket_contacts tc JOIN contacts c ON c.id = tc.contact_id WHERE tc.ticket_id = ? AND c.email = ?",
      {ticket_id, email}));
  return row.has_value();
}

Result<void> TicketStore::reindex(int64_t ticket_id) {
  auto t = REDRESS_TRY(c_.query_one("SELECT subject, description, number FROM tickets WHERE id = ?", {ticket_id}));
  if (!t) return fail(Error::not_found("ticket"));
  auto contact_rows = REDRESS_TRY(c_.query(
      "SELECT c.name, c.email FROM ticket_contacts tc JOIN contacts c ON c.id = tc.contact_id WHERE tc.ticket_id = ?",
      {ticket_id}));
  std::vector<SearchContact> contacts;
  for (const auto& r : contact_rows) contacts.push_back({r.text(0), r.opt_text(1)});
  auto message_rows =
      REDRESS_TRY(c_.query("SELECT body, visibility FROM messages WHERE ticket_id = ? ORDER BY id", {ticket_id}));
  std::vector<SearchBody> bodies;
  for (const auto& r : message_rows) bodies.push_back({r.text(0), r.text(1) != "public"});
  const SearchDocument doc = search_document(t->text(2), t->text(0), t->text(1), contacts, bodies);
  if (c_.engine() == Engine::kSqlite) {
    REDRESS_CHECK(c_.execute("DELETE FROM ticket_search WHERE rowid = ?", {ticket_id}));
    REDRESS_CHECK(c_.execute("INSERT INTO ticket_search (rowid, public_text, internal_text) VALUES (?, ?, ?)",
                             {ticket_id, doc.public_text, doc.internal_text}));
  } else {
    REDRESS_CHECK(c_.execute(std::string("UPDATE tickets SET search = ") + kPostgresSearchVector + " WHERE id = ?",
                             {doc.public_text, doc.internal_text, ticket_id}));
  }
  return {};
}

Result<domain::Message> TicketStore::add_message(const domain::Message& m) {
  auto row = REDRESS_TRY(c_.query_one(
      "INSERT INTO messages (ticket_id, kind, visibility, author_user_id, author_contact_id, body, created_at, html, "
      "template_id, subject) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
      {m.ticket_id, m.kind, m.visibility, null_or(m.author_user_id), null_or(m.author_contact_id), m.body,
       to_micros(m.created_at), null_or(m.html), null_or(m.template_id), null_or(m.subject)}));
  domain::Message out = m;
  out.id = row->integer(0);
  return out;
}

Result<std::vector<domain::Message>> TicketStore::messages(int64_t ticket_id, bool include_internal, int64_t after_id,
                                                          int limit) {
  std::string sql =
      "SELECT m.id, m.ticket_id, m.kind, m.visibility, m.author_user_id, m.author_contact_id, m.body, m.created_at, "
      "m.html, m.template_id, rt.name, m.subject FROM messages m "
      "LEFT JOIN response_templates rt ON rt.id = m.template_id "
      "WHERE m.ticket_id = ? AND (? = 1 OR m.visibility = 'public') AND m.id > ? ORDER BY m.id";
  Params p{ticket_id, int64_t{include_internal ? 1 : 0}, after_id};
  if (limit > 0) {
    sql += " LIMIT ?";
    p.emplace_back(static_cast<int64_t>(limit));
  }
  auto rows = REDRESS_TRY(c_.query(sql, p));
  std::vector<domain::Message> out;
  for (const auto& r : rows) {
    out.push_back(domain::Message{r.integer(0), r.integer(1), r.text(2), r.text(3), r.opt_integer(4),
                                  r.opt_integer(5), r.text(6), from_micros(r.integer(7)), r.opt_text(8),
                                  r.opt_integer(9), r.opt_text(10), r.opt_text(11)});
  }
  return out;
}

}  // namespace redress::store
