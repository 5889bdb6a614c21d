#pragma once
// Response templates and the reasons each is for. A store works inside the caller's
// transaction. Deactivated templates stay (messages name the one they were written from).
#include <optional>
#include <vector>

#include "domain/response_template.h"
#include "store/connection.h"

namespace redress::store {

struct TemplateFilter {
  std::string language;                // "" any
  bool include_inactive = false;
  // Set: only templates that fit this reason, i.e. are for it or for no reason at all;
  // 0 stands for "no reason" (a ticket without one): then only the latter fit.
  std::optional<int64_t> fits_reason;
};

class TemplateStore {
 public:
  explicit TemplateStore(Connection& c) : c_(c) {}

  // With its reasons; returns it with its id.
  Result<domain::ResponseTemplate> insert(const domain::ResponseTemplate& t);
  // Every column but id, created_at and created_by; the reasons are replaced.
  Result<void> update(const domain::ResponseTemplate& t);
  Result<std::optional<domain::ResponseTemplate>> find(int64_t id);
  // By name, then id.
  Result<std::vector<domain::ResponseTemplate>> list(const TemplateFilter& filter);

 private:
  Result<void> write_reasons(const domain::ResponseTemplate& t);
  Result<void> load_reasons(domain::ResponseTemplate& t);
  Connection& c_;
};

}  // namespace redress::store
