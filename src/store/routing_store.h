#pragma once
// The notification routing table. Rows are read in position order; the admin API replaces
// the whole table at once (inside the caller's transaction), so readers see the old table
// or the new one, never a mix.
#include <vector>

#include "domain/routing.h"
#include "store/connection.h"

namespace redress::store {

class RoutingStore {
 public:
  explicit RoutingStore(Connection& c) : c_(c) {}

  // Every row, enabled or not, in position order.
  Result<std::vector<domain::RoutingRule>> list();
  // The enabled rows for a workflow's tickets: its own and those for "*", in position order.
  Result<std::vector<domain::RoutingRule>> enabled_for(const std::string& workflow);
  // Deletes every row and inserts rules, numbering their positions 1.. in the order given.
  Result<std::vector<domain::RoutingRule>> replace_all(const std::vector<domain::RoutingRule>& rules, TimePoint at);

 private:
  Connection& c_;
};

}  // namespace redress::store
