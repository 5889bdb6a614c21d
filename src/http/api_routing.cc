// The notification routing table for admins: GET shows it with the event kinds and
// recipient tokens a row can use; PUT replaces it whole.
#include <charconv>
#include <optional>
#include <set>

#include "domain/routing.h"
#include "domain/user.h"
#include "http/api.h"
#include "http/api_support.h"
#include "http/json_input.h"

namespace redress::http {
namespace {

nlohmann::json rule_json(const domain::RoutingRule& r) {
  nlohmann::json j = domain::written_json(r);
  j["id"] = r.id;
  j["position"] = r.position;
  j["updated_at"] = format_rfc3339(r.updated_at);
  return j;
}

nlohmann::json table_json(const std::vector<domain::RoutingRule>& rules) {
  nlohmann::json items = nlohmann::json::array();
  for (const auto& r : rules) items.push_back(rule_json(r));
  return {{"rules", items},
          {"events", domain::kRoutingEvents},
          {"channels", domain::kRoutingChannels},
          {"tokens", domain::kRecipientTokens}};
}

// A list of strings; an error under the list's name otherwise.
std::vector<std::string> read_list(ObjectReader& in, const std::string& key) {
  std::vector<std::string> out;
  const nlohmann::json* v = in.raw(key);
  if (!v || v->is_null()) return out;
  if (!v->is_array()) {
    in.add_error(key, "must be a list of recipient tokens or email addresses");
    return out;
  }
  for (const auto& item : *v) {
    if (!item.is_string()) {
      in.add_error(key, "must be a list of recipient tokens or email addresses");
      return {};
    }
    out.push_back(item.get<std::string>());
  }
  return out;
}

// i of "rules[i]...".
std::optional<size_t> rule_index(const std::string& field) {
  if (!field.starts_with("rules[")) return std::nullopt;
  size_t i = 0;
  const char* begin = field.data() + 6;
  auto [p, ec] = std::from_chars(begin, field.data() + field.size(), i);
  if (ec != std::errc() || p == begin || *p != ']') return std::nullopt;
  return i;
}

}  // namespace

Result<Response> Api::get_routing(Call& call) {
  auto rules = REDRESS_TRY(routing_.list(call.actor()));
  return json_response(200, table_json(rules));
}

Result<Response> Api::put_routing(Call& call) {
  // Before the body is read: whoever may not edit the table learns nothing from its checks.
  if (!call.actor().has_right(domain::rights::kAdmin))
    return fail(Error::forbidden("only admins edit the routing table", "right_missing"));
  auto body = REDRESS_TRY(parse_json_body(call.request));
  ObjectReader in(body);
  std::vector<domain::RoutingRule> rules;
  std::set<size_t> not_objects;
  const nlohmann::json* list = in.raw("rules");
  if (!list || list->is_null()) {
    in.add_error("rules", "required: the whole table, a list of rules");
  } else if (!list->is_array()) {
    in.add_error("rules", "must be a list of rules");
  } else {
    for (size_t i = 0; i < list->size(); ++i) {
      const auto& item = (*list)[i];
      const std::string name = "rules[" + std::to_string(i) + "]";
      domain::RoutingRule r;
      if (!item.is_object()) {
        in.add_error(name, "must be an object");
        not_objects.insert(i);
        rules.push_back(std::move(r));  // keeps the indices of the rules after it
        continue;
      }
      ObjectReader ri = in.nested(item, name);
      r.workflow = ri.string("workflow", true).value_or("");
      r.event = ri.string("event", true).value_or("");
      r.status = ri.string("status").value_or("");
      r.role = ri.string("role").value_or("");
      r.channel = ri.string("channel").value_or("");
      r.to = read_list(ri, "to");
      r.cc = read_list(ri, "cc");
      r.bcc = read_list(ri, "bcc");
      r.template_id = ri.string("template", true).value_or("");
      r.subject = ri.string("subject").value_or("");
      r.enabled = ri.boolean("enabled").value_or(true);
      // What GET adds to each rule: accepted and ignored, so that a table read with GET,
      // edited and sent back is a valid PUT (order is the array's, ids are new).
      for (const char* read_only : {"id", "position", "updated_at"}) (void)ri.raw(read_only);
      (void)ri.finish();  // records unknown members under rules[i]
      rules.push_back(std::move(r));
    }
  }
  // One 422 names every problem: the shape above and the meaning (workflows, statuses,
  // roles, templates) below. A member already refused for its shape keeps that reason.
  for (auto& [field, why] : service::validate_routing(ctx_.workflows, routing_.templates(), rules)) {
    // An item that is not an object was read as an empty rule: its "required" errors
    // would only repeat that it is not a rule.
    if (auto i = rule_index(field); i && not_objects.contains(*i)) continue;
    in.errors().emplace(field, why);
  }
  REDRESS_CHECK(in.finish());
  auto saved = REDRESS_TRY(routing_.replace(call.actor(), rules));
  return json_response(200, table_json(saved));
}

}  // namespace redress::http
