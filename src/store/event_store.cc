#include "store/event_store.h"

#include "core/json_parse.h"

namespace redress::store {
namespace {

constexpr const char* kEventColumns =
    "id, ticket_id, entity, entity_id, at, actor_user_id, actor_label, kind, from_value, to_value, data";

domain::Event event_from(const Row& r) {
  domain::Event e;
  e.id = r.integer(0);
  e.ticket_id = r.opt_integer(1);
  e.entity = r.text(2);
  e.entity_id = r.opt_integer(3);
  e.at = from_micros(r.integer(4));
  e.actor_user_id = r.opt_integer(5);
  e.actor_label = r.text(6);
  e.kind = r.text(7);
  e.from = r.opt_text(8);
  e.to = r.opt_text(9);
  e.data = parse_json(r.text(10));
  if (e.data.is_discarded()) e.data = nlohmann::json::object();
  return e;
}

}  // namespace

Result<int64_t> EventStore::append(const domain::Event& e) {
  auto row = REDRESS_TRY(c_.query_one(
      "INSERT INTO events (ticket_id, entity, entity_id, at, actor_user_id, actor_label, kind, from_value, "
      "to_value, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
      {null_or(e.ticket_id), e.entity, null_or(e.entity_id), to_micros(e.at), null_or(e.actor_user_id),
       e.actor_label, e.kind, null_or(e.from), null_or(e.to), e.data.dump()}));
  return row->integer(0);
}

Result<std::vector<domain::Event>> EventStore::for_ticket(int64_t ticket_id, int limit, int64_t after_id) {
  auto rows = REDRESS_TRY(
      c_.query(std::string("SELECT ") + kEventColumns + " FROM events WHERE ticket_id = ? AND id > ? ORDER BY id LIMIT ?",
               {ticket_id, after_id, static_cast<int64_t>(limit)}));
  std::vector<domain::Event> out;
  for (const auto& r : rows) out.push_back(event_from(r));
  return out;
}

Result<std::vector<domain::Event>> EventStore::for_entity(const std::string& entity, int64_t entity_id) {
  auto rows = REDRESS_TRY(c_.query(
      std::string("SELECT ") + kEventColumns + " FROM events WHERE entity = ? AND entity_id = ? ORDER BY id",
      {entity, entity_id}));
  std::vector<domain::Event> out;
  for (const auto& r : rows) out.push_back(event_from(r));
  return out;
}

}  // namespace redress::store
