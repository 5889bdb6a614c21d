#pragma once
// The catalogue of reasons ("motifs") per workflow. Deactivated reasons stay, so that
// tickets that used them keep their history.
#include <optional>
#include <vector>

#include "domain/ticket.h"
#include "store/connection.h"

namespace redress::store {

class ReasonStore {
 public:
  explicit ReasonStore(Connection& c) : c_(c) {}

  Result<domain::Reason> insert(const domain::Reason& reason, TimePoint at);
  Result<std::optional<domain::Reason>> find(int64_t id);
  // Rewrites labels and active (workflow and code never change).
  Result<void> update(const domain::Reason& reason);
  Result<std::optional<domain::Reason>> find_by_code(const std::string& workflow, const std::string& code);
  // workflow empty: all workflows.
  Result<std::vector<domain::Reason>> list(const std::string& workflow, bool include_inactive);

 private:
  Connection& c_;
};

}  // namespace redress::store
