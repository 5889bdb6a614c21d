#pragma once
// Contacts (the people who write to us) and customers (the organisations they belong to).
#include <optional>
#include <vector>

#include "domain/ticket.h"
#include "store/connection.h"

namespace redress::store {

// One line of a contact's profile: a ticket they are a contact of.
struct ContactTicket {
  int64_t id = 0;
  std::string number;
  std::string workflow;
  std::string status;
  std::string subject;
  std::string channel;
  TimePoint created_at;
  std::optional<TimePoint> closed_at;
};

struct ChannelCount {
  std::string channel;
  int64_t tickets = 0;
  TimePoint last_at;  // the newest ticket on that channel
};

class ContactStore {
 public:
  explicit ContactStore(Connection& c) : c_(c) {}

  // Conflict (reason "unique_violation") when the email is taken.
  Result<domain::Contact> insert(const domain::Contact& contact);
  Result<std::optional<domain::Contact>> find(int64_t id);
  Result<std::optional<domain::Contact>> find_by_email(const std::string& email);
  Result<std::vector<domain::Contact>> find_many(const std::vector<int64_t>& ids);
  // Case-insensitive substring match on name or email, ordered by name.
  Result<std::vector<domain::Contact>> search(const std::string& text, int limit);

  // Rewrites name, email, phone, language, customer. Conflict "unique_violation" as insert.
  Result<void> update(const domain::Contact& contact);
  // The contact's most recent tickets (newest first), and how many per channel in all.
  Result<std::vector<ContactTicket>> recent_tickets(int64_t contact_id, int limit);
  Result<std::vector<ChannelCount>> channel_counts(int64_t contact_id);

  Result<domain::Customer> insert_customer(const std::string& name, TimePoint at);
  Result<std::optional<domain::Customer>> find_customer(int64_t id);
  Result<std::optional<domain::Customer>> find_customer_by_name(const std::string& name);

 private:
  Connection& c_;
};

}  // namespace redress::store
