// Who works on what (seed 001): take / remove my assignment, the agent's queue and
// "process next", and the per-account rights an admin edits (and what users edit of
// their own account: name, language, signature).
#include "domain/user.h"
#include "http/api.h"
#include "http/api_support.h"
#include "http/json_input.h"
#include "http/views.h"

namespace redress::http {

namespace {

// A list of strings, or an error naming the member.
std::optional<std::vector<std::string>> string_list(ObjectReader& in, const std::string& key) {
  const auto* raw = in.raw(key);
  if (!raw || raw->is_null()) return std::nullopt;
  std::vector<std::string> out;
  if (raw->is_array()) {
    for (const auto& item : *raw) {
      if (!item.is_string()) break;
      out.push_back(item.get<std::string>());
    }
    if (out.size() == raw->size()) return out;
  }
  in.add_error(key, "must be a list of strings");
  return std::nullopt;
}

}  // namespace

Result<Response> Api::patch_user(Call& call) {
  auto id = parse_positive(call.params.at("id"));
  if (!id) return fail(Error::not_found("user"));
  auto body = REDRESS_TRY(parse_json_body(call.request));
  ObjectReader in(body);
  service::UserPatch patch;
  patch.name = in.string("name");
  patch.language = in.string("language");
  patch.role = in.string("role");
  patch.active = in.boolean("active");
  if (in.has("active") && in.is_null("active")) in.add_error("active", "must be true or false");
  patch.rights = string_list(in, "rights");
  patch.signature = in.nullable_string("signature");
  REDRESS_CHECK(in.finish());
  auto user = REDRESS_TRY(accounts_.update_user(call.actor(), *id, patch));
  return json_response(200, user_json(user));
}

Result<Response> Api::take_ticket(Call& call) {
  auto detail = REDRESS_TRY(queue_.take(call.actor(), call.params.at("id")));
  return json_response(200, ticket_json(detail, viewer_of(call)));
}

Result<Response> Api::release_ticket(Call& call) {
  auto detail = REDRESS_TRY(queue_.release(call.actor(), call.params.at("id")));
  return json_response(200, ticket_json(detail, viewer_of(call)));
}

Result<Response> Api::my_queue(Call& call) {
  for (const auto& [k, v] : call.request.query) {
    if (k != "limit") return fail(Error::invalid_field(k, "unknown parameter"));
  }
  auto limit = REDRESS_TRY(read_limit(call.request, 50, 200));
  auto queue = REDRESS_TRY(queue_.queue(call.actor(), limit));
  auto j = ticket_page_json(queue.page, ctx_.workflows, viewer_of(call));
  auto& items = j["items"];
  for (size_t i = 0; i < items.size(); ++i) {
    const auto& t = queue.page.items[i].ticket;
    items[i]["section"] = queue.sections[i];
    items[i]["customer_waiting_since"] =
        t.customer_waiting_since ? nlohmann::json(format_rfc3339(*t.customer_waiting_since)) : nlohmann::json();
  }
  j.erase("next_cursor");  // the queue is a working list, not a paged archive
  return json_response(200, j);
}

Result<Response> Api::process_next(Call& call) {
  auto next = REDRESS_TRY(queue_.next(call.actor()));
  if (!next) return Response::no_content();
  return json_response(200, ticket_json(*next, viewer_of(call)));
}

}  // namespace redress::http
