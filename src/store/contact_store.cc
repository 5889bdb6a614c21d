#include "store/contact_store.h"

#include "domain/validation.h"

namespace redress::store {
namespace {

constexpr const char* kContactColumns = "id, name, email, phone, language, customer_id, created_at";

domain::Contact contact_from(const Row& r) {
  domain::Contact c;
  c.id = r.integer(0);
  c.name = r.text(1);
  c.email = r.opt_text(2);
  c.phone = r.opt_text(3);
  c.language = r.text(4);
  c.customer_id = r.opt_integer(5);
  c.created_at = from_micros(r.integer(6));
  return c;
}

// Escapes LIKE wildcards so that a search for "50%" means the text "50%".
std::string like_pattern(const std::string& text) {
  std::string out = "%";
  for (char ch : domain::lower_ascii(text)) {
    if (ch == '%' || ch == '_' || ch == '\\') out += '\\';
    out += ch;
  }
  out += '%';
  return out;
}

}  // namespace

Result<domain::Contact> ContactStore::insert(const domain::Contact& contact) {
  auto row = REDRESS_TRY(c_.query_one(
      "INSERT INTO contacts (name, email, phone, language, customer_id, created_at) VALUES (?, ?, ?, ?, ?, ?) "
      "RETURNING id",
      {contact.name, null_or(contact.email), null_or(contact.phone), contact.language, null_or(contact.customer_id),
       to_micros(contact.created_at)}));
  domain::Contact out = contact;
  out.id = row->integer(0);
  return out;
}

Result<void> ContactStore::update(const domain::Contact& contact) {
  REDRESS_CHECK(c_.execute(
      "UPDATE contacts SET name = ?, email = ?, phone = ?, language = ?, customer_id = ? WHERE id = ?",
      {contact.name, null_or(contact.email), null_or(contact.phone), contact.language, null_or(contact.customer_id),
       contact.id}));
  return {};
}

Result<std::vector<ContactTicket>> ContactStore::recent_tickets(int64_t contact_id, int limit) {
  // Walks ticket_contacts_contact backwards: ticket ids grow with creation time.
  auto rows = REDRESS_TRY(c_.query(
      "SELECT t.id, t.number, t.workflow, t.status, t.subject, t.channel, t.created_at, t.closed_at "
      "FROM ticket_contacts tc JOIN tickets t ON t.id = tc.ticket_id WHERE tc.contact_id = ? "
      "ORDER BY tc.ticket_id DESC LIMIT ?",
      {contact_id, static_cast<int64_t>(limit)}));
  std::vector<ContactTicket> out;
  for (const auto& r : rows) {
    ContactTicket t;
    t.id = r.integer(0);
    t.number = r.text(1);
    t.workflow = r.text(2);
    t.status = r.text(3);
    t.subject = r.text(4);
    t.channel = r.text(5);
    t.created_at = from_micros(r.integer(6));
    if (auto closed = r.opt_integer(7)) t.closed_at = from_micros(*closed);
    out.push_back(std::move(t));
  }
  return out;
}

Result<std::vector<ChannelCount>> ContactStore::channel_counts(int64_t contact_id) {
  auto rows = REDRESS_TRY(c_.query(
      "SELECT t.channel, COUNT(*), MAX(t.created_at) FROM ticket_contacts tc JOIN tickets t ON t.id = tc.ticket_id "
      "WHERE tc.contact_id = ? GROUP BY t.channel ORDER BY t.channel",
      {contact_id}));
  std::vector<ChannelCount> out;
  for (const auto& r : rows) out.push_back(ChannelCount{r.text(0), r.integer(1), from_micros(r.integer(2))});
  return out;
}

Result<std::optional<domain::Contact>> ContactStore::find(int64_t id) {
  auto row = REDRESS_TRY(c_.query_one(std::string("SELECT ") + kContactColumns + " FROM contacts WHERE id = ?", {id}));
  if (!row) return std::optional<domain::Contact>();
  return std::optional<domain::Contact>(contact_from(*row));
}

Result<std::optional<domain::Contact>> ContactStore::find_by_email(const std::string& email) {
  auto row =
      REDRESS_TRY(c_.query_one(std::string("SELECT ") + kContactColumns + " FROM contacts WHERE email = ?", {email}));
  if (!row) return std::optional<domain::Contact>();
  return std::optional<domain::Contact>(contact_from(*row));
}

Result<std::vector<domain::Contact>> ContactStore::find_many(const std::vector<int64_t>& ids) {
  std::vector<domain::Contact> out;
  for (int64_t id : ids) {
    auto c = REDRESS_TRY(find(id));
    if (c) out.push_back(std::move(*c));
  }
  return out;
}

Result<std::vector<domain::Contact>> ContactStore::search(const std::string& text, int limit) {
  std::string pattern = like_pattern(text);
  // lower(name) is ASCII-only on SQLite; names are matched as typed for other letters.
  auto rows = REDRESS_TRY(c_.query(
      std::string("SELECT ") + kContactColumns +
          " FROM contacts WHERE lower(name) LIKE ? ESCAPE '\\' OR email LIKE ? ESCAPE '\\' "
          "ORDER BY name, id LIMIT ?",
      {pattern, pattern, static_cast<int64_t>(limit)}));
  std::vector<domain::Contact> out;
  for (const auto& r : rows) out.push_back(contact_from(r));
  return out;
}

Result<domain::Customer> ContactStore::insert_customer(const std::string& name, TimePoint at) {
  auto row = REDRESS_TRY(
      c_.query_one("INSERT INTO customers (name, created_at) VALUES (?, ?) RETURNING id", {name, to_micros(at)}));
  return domain::Customer{row->integer(0), name};
}

Result<std::optional<domain::Customer>> ContactStore::find_customer(int64_t id) {
  auto row = REDRESS_TRY(c_.query_one("SELECT id, name FROM customers WHERE id = ?", {id}));
  if (!row) return std::optional<domain::Customer>();
  return std::optional<domain::Customer>(domain::Customer{row->integer(0), row->text(1)});
}

Result<std::optional<domain::Customer>> ContactStore::find_customer_by_name(const std::string& name) {
  auto row = REDRESS_TRY(c_.query_one("SELECT id, name FROM customers WHERE name = ?", {name}));
  if (!row) return std::optional<domain::Customer>();
  return std::optional<domain::Customer>(domain::Customer{row->integer(0), row->text(1)});
}

}  // namespace redress::store
