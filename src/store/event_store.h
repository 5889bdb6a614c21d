#pragma once
// The append-only history. There is no update or delete here, and the schema's triggers
// refuse them too.
#include <vector>

#include "domain/ticket.h"
#include "store/connection.h"

namespace redress::store {

class EventStore {
 public:
  explicit EventStore(Connection& c) : c_(c) {}

  Result<int64_t> append(const domain::Event& event);
  // Oldest first.
  Result<std::vector<domain::Event>> for_ticket(int64_t ticket_id, int limit, int64_t after_id);
  Result<std::vector<domain::Event>> for_entity(const std::string& entity, int64_t entity_id);

 private:
  Connection& c_;
};

}  // namespace redress::store
