#include "store/routing_store.h"

#include <nlohmann/json.hpp>

#include "core/json_parse.h"

namespace redress::store {
namespace {

constexpr const char* kRoutingColumns =
    "id, workflow, event, status, role, channel, recipients, template, subject, enabled, position, updated_at";

std::vector<std::string> strings_of(const nlohmann::json& j, const char* key) {
  std::vector<std::string> out;
  if (!j.is_object() || !j.contains(key) || !j[key].is_array()) return out;
  for (const auto& v : j[key]) {
    if (v.is_string()) out.push_back(v.get<std::string>());
  }
  return out;
}

domain::RoutingRule rule_from(const Row& r) {
  domain::RoutingRule out;
  out.id = r.integer(0);
  out.workflow = r.text(1);
  out.event = r.text(2);
  out.status = r.text(3);
  out.role = r.text(4);
  out.channel = r.text(5);
  // A recipients column that is not the expected JSON (edited by hand) reads as nobody:
  // the row then mails no one rather than failing every change it matches.
  const auto recipients = parse_json(r.text(6));
  out.to = strings_of(recipients, "to");
  out.cc = strings_of(recipients, "cc");
  out.bcc = strings_of(recipients, "bcc");
  out.template_id = r.text(7);
  out.subject = r.text(8);
  out.enabled = r.boolean(9);
  out.position = r.integer(10);
  out.updated_at = from_micros(r.integer(11));
  return out;
}

}  // namespace

Result<std::vector<domain::RoutingRule>> RoutingStore::list() {
  auto rows = REDRESS_TRY(c_.query(std::string("SELECT ") + kRoutingColumns + " FROM routing_rules ORDER BY position, id"));
  std::vector<domain::RoutingRule> out;
  for (const auto& r : rows) out.push_back(rule_from(r));
  return out;
}

Result<std::vector<domain::RoutingRule>> RoutingStore::enabled_for(const std::string& workflow) {
  auto rows = REDRESS_TRY(c_.query(std::string("SELECT ") + kRoutingColumns +
                                       " FROM routing_rules WHERE enabled = 1 AND (workflow = ? OR workflow = '*') "
                                       "ORDER BY position, id",
                                   {workflow}));
  std::vector<domain::RoutingRule> out;
  for (const auto& r : rows) out.push_back(rule_from(r));
  return out;
}

Result<std::vector<domain::RoutingRule>> RoutingStore::replace_all(const std::vector<domain::RoutingRule>& rules,
                                                                   TimePoint at) {
  REDRESS_CHECK(c_.execute("DELETE FROM routing_rules"));
  std::vector<domain::RoutingRule> out;
  int64_t position = 0;
  for (const auto& rule : rules) {
    domain::RoutingRule saved = rule;
    saved.position = ++position;
    saved.updated_at = at;
    const nlohmann::json recipients = {{"to", rule.to}, {"cc", rule.cc}, {"bcc", rule.bcc}};
    auto row = REDRESS_TRY(c_.query_one(
        "INSERT INTO routing_rules (workflow, event, status, role, channel, recipients, template, subject, enabled, "
        "position, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        {rule.workflow, rule.event, rule.status, rule.role, rule.channel, recipients.dump(), rule.template_id,
         rule.subject, int64_t{rule.enabled ? 1 : 0}, saved.position, to_micros(at)}));
    saved.id = row->integer(0);
    out.push_back(std::move(saved));
  }
  return out;
}

}  // namespace redress::store
