// Mail endpoints: intake (what `redress mailgate` calls), acknowledgements, and the
// failed-mail list for admins.
#include "domain/user.h"
#include "http/api.h"
#include "http/api_support.h"
#include "http/json_input.h"
#include "service/mail_config.h"

namespace redress::http {
namespace {

nlohmann::json intake_json(const service::IntakeResult& r) {
  nlohmann::json j = {{"outcome", r.outcome},
                      {"mail_id", r.mail_id},
                      {"routing", r.routing},
                      {"routing_detail", r.routing_detail}};
  j["ticket"] = r.ticket_id ? nlohmann::json{{"id", *r.ticket_id}, {"number", r.ticket_number}} : nlohmann::json();
  return j;
}

nlohmann::json failed_json(const store::FailedMail& f) {
  return {{"id", f.id},
          {"mailbox", f.mailbox},
          {"source", f.source},
          {"reason", f.reason},
          {"detail", f.detail},
          {"status", f.status},
          {"attempts", f.attempts},
          {"created_at", format_rfc3339(f.created_at)},
          {"updated_at", format_rfc3339(f.updated_at)},
          {"ticket_id", f.ticket_id ? nlohmann::json(*f.ticket_id) : nlohmann::json()}};
}

bool is_mail_media_type(const std::optional<std::string>& content_type) {
  if (!content_type) return false;
  std::string media = content_type->substr(0, content_type->find(';'));
  while (!media.empty() && media.back() == ' ') media.pop_back();
  for (char& ch : media) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return media == "message/rfc822" || media == "application/octet-stream" || media == "text/plain";
}

}  // namespace

Result<Response> Api::inbound_mail(Call& call) {
  if (!call.actor().has_right(domain::rights::kMailIntake))
    return fail(Error::forbidden("handing mail in needs the mail.intake right", "right_missing"));
  if (!is_mail_media_type(call.request.header("Content-Type")))
    return fail(Error(ErrorCode::kUnsupportedMedia, "send the mail as message/rfc822"));
  if (call.request.body.empty()) return fail(Error(ErrorCode::kMalformed, "the mail is empty"));
  service::IntakeOptions options;
  options.mailbox = call.request.query_param("mailbox").value_or("");
  options.source = call.request.query_param("source").value_or("api");
  if (options.source != "api" && options.source != "mailgate")
    return fail(Error::invalid_field("source", "must be api or mailgate"));
  // Over mail.max_message_bytes: the server read it to its end but kept its beginning.
  if (call.request.body_truncated) return fail(intake_.refuse_too_large(call.request.body, call.request.body_size, options));
  auto taken = REDRESS_TRY(intake_.ingest(call.request.body, options));
  if (options_.clock_moved) options_.clock_moved();  // wakes the workers for the mails it queued
  return json_response(taken.outcome == "duplicate" ? 200 : 201, intake_json(taken));
}

Result<Response> Api::acknowledge(Call& call) {
  service::AcknowledgementRequest request;
  if (!call.request.body.empty()) {
    auto body = REDRESS_TRY(parse_json_body(call.request));
    ObjectReader in(body);
    request.language = in.string("language", false);
    if (const nlohmann::json* cc = in.raw("cc"); cc && !cc->is_null()) {
      if (!cc->is_array()) {
        in.add_error("cc", "must be an array of e-mail addresses");
      } else {
        for (size_t i = 0; i < cc->size(); ++i) {
          const auto& v = (*cc)[i];
          if (!v.is_string()) {
            in.add_error("cc[" + std::to_string(i) + "]", "must be an e-mail address");
            continue;
          }
          request.cc.push_back(v.get<std::string>());
        }
      }
    }
    REDRESS_CHECK(in.finish());
  }
  auto sent = REDRESS_TRY(acknowledgements_.send(call.actor(), call.params.at("id"), request));
  nlohmann::json skipped = nlohmann::json::array();
  for (const auto& [address, why] : sent.skipped) skipped.push_back({{"address", address}, {"reason", why}});
  if (options_.clock_moved) options_.clock_moved();  // wakes the workers for the new mail job
  return json_response(202, {{"mail_id", sent.mail_id},
                             {"language", sent.language},
                             {"recipients", sent.recipients},
                             {"skipped", skipped}});
}

Result<Response> Api::list_failed_mails(Call& call) {
  auto limit = REDRESS_TRY(read_limit(call.request, 100, 1000));
  auto items = REDRESS_TRY(intake_.failed(call.actor(), call.request.query_param("status").value_or("failed"), limit));
  nlohmann::json out = nlohmann::json::array();
  for (const auto& f : items) out.push_back(failed_json(f));
  return json_response(200, {{"items", out}});
}

Result<Response> Api::retry_failed_mail(Call& call) {
  auto id = parse_positive(call.params.at("id"));
  if (!id) return fail(Error::not_found("failed mail"));
  auto taken = REDRESS_TRY(intake_.retry_failed(call.actor(), *id));
  return json_response(200, intake_json(taken));
}

// The [[mailboxes]] of the settings as an admin may see them: never the password (nor the
// file holding it, nor credentials written into the URL).
Result<Response> Api::list_mailboxes(Call& call) {
  REDRESS_CHECK(require_admin(call.actor(), "the mailbox list"));
  nlohmann::json items = nlohmann::json::array();
  if (ctx_.mail) {
    for (const auto& m : ctx_.mail->mailboxes) {
      items.push_back({{"name", m.name},
                       {"url", url_without_secrets(m.url)},
                       {"host", host_of(m.url)},
                       {"polled", !m.url.empty()},
                       {"folder", m.folder},
                       {"username", m.username},
                       {"address", m.address},
                       {"workflow", ctx_.mail->workflow_for(&m)},
                       {"acknowledge", ctx_.mail->acknowledge_for(&m)},
                       {"poll_seconds", m.poll_seconds},
                       {"after", m.after}});
    }
  }
  return json_response(200, {{"items", std::move(items)}});
}

}  // namespace redress::http
