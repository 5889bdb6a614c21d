#include "store/reason_store.h"

#include "core/json_parse.h"

namespace redress::store {
namespace {

domain::Reason reason_from(const Row& r) {
  domain::Reason out;
  out.id = r.integer(0);
  out.workflow = r.text(1);
  out.code = r.text(2);
  auto labels = parse_json(r.text(3));
  if (labels.is_object()) {
    for (auto& [k, v] : labels.items()) {
      if (v.is_string()) out.labels[k] = v.get<std::string>();
    }
  }
  out.active = r.boolean(4);
  return out;
}

constexpr const char* kReasonColumns = "id, workflow, code, labels, active";

}  // namespace

Result<domain::Reason> ReasonStore::insert(const domain::Reason& reason, TimePoint at) {
  nlohmann::json labels = reason.labels;
  auto row = REDRESS_TRY(c_.query_one(
      "INSERT INTO reasons (workflow, code, labels, active, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
      {reason.workflow, reason.code, labels.dump(), int64_t{reason.active ? 1 : 0}, to_micros(at)}));
  domain::Reason out = reason;
  out.id = row->integer(0);
  return out;
}

Result<void> ReasonStore::update(const domain::Reason& reason) {
  nlohmann::json labels = reason.labels;
  REDRESS_CHECK(c_.execute("UPDATE reasons SET labels = ?, active = ? WHERE id = ?",
                           {labels.dump(), int64_t{reason.active ? 1 : 0}, reason.id}));
  return {};
}

Result<std::optional<domain::Reason>> ReasonStore::find(int64_t id) {
  auto row = REDRESS_TRY(c_.query_one(std::string("SELECT ") + kReasonColumns + " FROM reasons WHERE id = ?", {id}));
  if (!row) return std::optional<domain::Reason>();
  return std::optional<domain::Reason>(reason_from(*row));
}

Result<std::optional<domain::Reason>> ReasonStore::find_by_code(const std::string& workflow,
                                                                const std::string& code) {
  auto row = REDRESS_TRY(c_.query_one(
      std::string("SELECT ") + kReasonColumns + " FROM reasons WHERE workflow = ? AND code = ?", {workflow, code}));
  if (!row) return std::optional<domain::Reason>();
  return std::optional<domain::Reason>(reason_from(*row));
}

Result<std::vector<domain::Reason>> ReasonStore::list(const std::string& workflow, bool include_inactive) {
  auto rows = REDRESS_TRY(c_.query(
      std::string("SELECT ") + kReasonColumns +
          " FROM reasons WHERE (? = '' OR workflow = ?) AND (? = 1 OR active = 1) ORDER BY workflow, code",
      {workflow, workflow, int64_t{include_inactive ? 1 : 0}}));
  std::vector<domain::Reason> out;
  for (const auto& r : rows) out.push_back(reason_from(r));
  return out;
}

}  // namespace redress::store
