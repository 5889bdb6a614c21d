#pragma once
// Contacts (the people who write to us) and customers (the organisations they belong to).
#include <optional>
#include <vector>

#include "domain/ticket.h"
#include "store/connection.h"

namespace redress::store {

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

  Result<domain::Customer> insert_customer(const std::string& name, TimePoint at);
  Result<std::optional<domain::Customer>> find_customer(int64_t id);
  Result<std::optional<domain::Customer>> find_customer_by_name(const std::string& name);

 private:
  Connection& c_;
};

}  // namespace redress::store
