// The reviews channel (seed 004): a feedback platform posts a review, which becomes a
// request. The platform is not a user: it authenticates with its source's token from
// [[review_sources]], checked here (the route is public to the router).
#include "core/crypto.h"
#include "http/api.h"
#include "http/api_support.h"
#include "http/json_input.h"
#include "service/review_service.h"

namespace redress::http {
namespace {

constexpr size_t kMaxSourceName = 200;

// Whether token is the one of the source named in the body. An unknown source and a
// wrong token answer alike, so that a caller cannot probe which sources exist. A body
// without a usable source is still accepted from a holder of any source's token, so
// that a real platform's mistake is named (422 source) instead of hidden behind a 401.
bool token_fits(const service::Context& ctx, const std::string& token, const nlohmann::json* source) {
  if (source && source->is_string() && !source->get_ref<const std::string&>().empty() &&
      source->get_ref<const std::string&>().size() <= kMaxSourceName) {
    const auto* s = service::find_review_source(ctx, source->get<std::string>());
    // Compared even for an unknown source, so the answer takes as long either way.
    const bool fits = crypto::constant_time_equal(token, s ? s->token : std::string(token.size() + 1, 'x'));
    return s && fits;
  }
  bool any = false;
  for (const auto& s : ctx.review_sources) any = crypto::constant_time_equal(token, s.token) || any;
  return any;
}

}  // namespace

Result<Response> Api::inbound_review(Call& call) {
  const Error refused(ErrorCode::kUnauthenticated,
                      "send Authorization: Bearer with the token of the review source named in the body");
  constexpr std::string_view kBearer = "Bearer ";
  const auto auth = call.request.header("Authorization");
  if (!auth || !auth->starts_with(kBearer) || auth->size() == kBearer.size()) return fail(refused);
  const std::string token = auth->substr(kBearer.size());
  auto body = REDRESS_TRY(parse_json_body(call.request));
  ObjectReader in(body);
  if (!token_fits(ctx_, token, in.raw("source"))) return fail(refused);

  service::ReviewInput input;
  input.source = in.string("source", true).value_or("");
  if (in.has("source") && input.source.empty() && !in.errors().contains("source")) in.add_error("source", "required");
  if (input.source.size() > kMaxSourceName) in.add_error("source", "at most 200 characters");
  input.external_id = in.string("external_id", true).value_or("");
  if (const nlohmann::json* author = in.raw("author"); author && !author->is_null()) {
    if (!author->is_object()) {
      in.add_error("author", "must be an object with name and email");
    } else {
      ObjectReader a = in.nested(*author, "author");
      input.author_name = a.string("name").value_or("");
      input.author_email = a.string("email").value_or("");
      (void)a.finish();
    }
  }
  if (const nlohmann::json* rating = in.raw("rating"); rating && !rating->is_null()) {
    if (rating->is_number()) {
      input.rating = rating->get<double>();
    } else {
      in.add_error("rating", "a number from 0 to 5, or null");
    }
  }
  input.text = in.string("text", true).value_or("");
  input.url = in.string("url").value_or("");
  if (auto created = in.string("created_at")) {
    TimePoint at;
    if (parse_rfc3339(*created, at)) {
      input.created_at = at;
    } else {
      in.add_error("created_at", "an RFC 3339 date-time such as 2026-11-18T09:30:00Z");
    }
  }
  input.language = in.string("language");
  // One 422 names every problem: those of the types above and those of the values.
  for (auto& [field, why] : service::review_problems(input)) {
    if (!in.errors().contains(field)) in.errors().emplace(field, why);
  }
  REDRESS_CHECK(in.finish());

  auto taken = REDRESS_TRY(service::ReviewService(ctx_).submit(input));
  if (options_.clock_moved) options_.clock_moved();  // wakes the workers for the alerts it queued
  return json_response(taken.created ? 201 : 200,
                       {{"outcome", taken.created ? "created" : "duplicate"},
                        {"review_id", taken.review.id},
                        {"ticket", {{"id", taken.review.ticket_id}, {"number", taken.ticket_number}}}});
}

// The [[review_sources]] of the settings as an admin may see them: never the token the
// platform posts with nor the secret replies are signed with.
Result<Response> Api::list_review_sources(Call& call) {
  REDRESS_CHECK(require_admin(call.actor(), "the review source list"));
  nlohmann::json items = nlohmann::json::array();
  for (const auto& s : ctx_.review_sources) {
    items.push_back({{"name", s.name},
                     {"workflow", s.workflow},
                     {"language", s.language},
                     {"reply_url", url_without_secrets(s.reply_url)},
                     {"replies", !s.reply_url.empty()},
                     {"reply_timeout_seconds", s.reply_timeout_seconds}});
  }
  return json_response(200, {{"items", std::move(items)}});
}

}  // namespace redress::http
