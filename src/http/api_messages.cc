// Messages on requests (seed 003): a ticket's thread, and posting a portal message, a
// public reply or an internal note.
#include <map>
#include <string>

#include "core/crypto.h"
#include "http/api.h"
#include "http/api_support.h"
#include "http/file_response.h"
#include "http/json_input.h"

namespace redress::http {
namespace {

// A thread is short (seed 003: "a short text to communicate quickly"); these bound one
// answer, and `after` pages through a long one.
constexpr int kDefaultLimit = 100;
constexpr int kMaxLimit = 500;

nlohmann::json message_json(const service::MessageView& v) {
  const auto& m = v.message;
  nlohmann::json author = nullptr;
  if (v.author) {
    author = {{"type", v.author->type}, {"name", v.author->name}};
    if (v.author->id) author["id"] = *v.author->id;
  }
  nlohmann::json tmpl = nullptr;
  if (m.template_id) tmpl = {{"id", *m.template_id}, {"name", m.template_name.value_or("")}};
  nlohmann::json j = {{"id", m.id},
                      {"kind", m.kind},
                      {"visibility", m.visibility},
                      {"body", m.body},
                      {"html", m.html ? nlohmann::json(*m.html) : nlohmann::json(nullptr)},
                      {"subject", m.subject ? nlohmann::json(*m.subject) : nlohmann::json(nullptr)},
                      {"template", std::move(tmpl)},
                      {"created_at", format_rfc3339(m.created_at)},
                      {"author", std::move(author)}};
  nlohmann::json files = nlohmann::json::array();
  for (const auto& a : v.attachments) {
    files.push_back({{"id", a.id},
                     {"filename", a.filename},
                     {"content_type", a.content_type},
                     {"size", a.size},
                     {"sha256", a.sha256.empty() ? nlohmann::json(nullptr) : nlohmann::json(a.sha256)},
                     {"inline", a.is_inline},
                     {"content_id", a.content_id.empty() ? nlohmann::json(nullptr) : nlohmann::json(a.content_id)},
                     {"dropped", a.dropped}});
  }
  j["attachments"] = std::move(files);
  if (const auto& d = v.delivery) {
    j["delivery"] = {{"channel", d->channel},
                     {"status", d->status},
                     {"attempts", d->attempts},
                     {"last_error", d->last_error ? nlohmann::json(*d->last_error) : nlohmann::json(nullptr)},
                     {"delivered_at", d->delivered_at ? nlohmann::json(format_rfc3339(*d->delivered_at))
                                                      : nlohmann::json(nullptr)}};
  }
  return j;
}

}  // namespace

// attachments: [{filename, content_type, content_base64}], each problem named by its path.
std::vector<service::NewFile> read_files(ObjectReader& in) {
  std::vector<service::NewFile> out;
  const nlohmann::json* files = in.raw("attachments");
  if (!files || files->is_null()) return out;
  if (!files->is_array()) {
    in.add_error("attachments", "a list of {filename, content_type, content_base64}");
    return out;
  }
  for (size_t i = 0; i < files->size(); ++i) {
    const std::string at = "attachments[" + std::to_string(i) + "]";
    const nlohmann::json& f = (*files)[i];
    if (!f.is_object()) {
      in.add_error(at, "an object {filename, content_type, content_base64}");
      continue;
    }
    service::NewFile file;
    for (const auto& [key, value] : f.items()) {
      if (key != "filename" && key != "content_type" && key != "content_base64") {
        in.add_error(at + "." + key, "unknown field; use filename, content_type, content_base64");
      } else if (!value.is_string()) {
        in.add_error(at + "." + key, "must be a string");
      } else if (key == "filename") {
        file.filename = value.get<std::string>();
      } else if (key == "content_type") {
        file.content_type = value.get<std::string>();
      } else if (auto bytes = crypto::base64_decode(value.get_ref<const std::string&>())) {
        file.bytes = std::move(*bytes);
      } else {
        in.add_error(at + ".content_base64", "not valid base64");
      }
    }
    if (!f.contains("filename")) in.add_error(at + ".filename", "required");
    if (!f.contains("content_base64")) in.add_error(at + ".content_base64", "required");
    out.push_back(std::move(file));
  }
  return out;
}

Result<Response> Api::list_messages(Call& call) {
  const auto& r = call.request;
  std::map<std::string, std::string> errors;
  refuse_unknown_params(r, {"after", "limit"}, "unknown parameter; use after or limit", errors);
  int64_t after = 0;
  if (auto text = r.query_param("after")) {
    if (auto id = parse_positive(*text)) {
      after = *id;
    } else {
      errors["after"] = "a message id (a positive integer)";
    }
  }
  auto limit = read_limit(r, kDefaultLimit, kMaxLimit);
  if (!limit) errors["limit"] = limit.error().fields.begin()->second;
  if (!errors.empty()) {
    Error e(ErrorCode::kInvalid, "bad query parameters");
    if (errors.size() == 1) e.message = errors.begin()->first + ": " + errors.begin()->second;
    e.fields = std::move(errors);
    return fail(std::move(e));
  }
  auto thread = REDRESS_TRY(messages_.list(call.actor(), call.params.at("id"), after, *limit));
  nlohmann::json items = nlohmann::json::array();
  for (const auto& m : thread.items) items.push_back(message_json(m));
  const nlohmann::json next = thread.next_after ? nlohmann::json(*thread.next_after) : nlohmann::json(nullptr);
  return json_response(200, {{"items", std::move(items)}, {"next_after", next}});
}

Result<Response> Api::post_message(Call& call) {
  // Over the route's limit (two files of attachments.max_upload_bytes, base64): only its
  // beginning was kept, nothing to parse.
  if (call.request.body_truncated)
    return fail(Error(ErrorCode::kTooLarge, "the files together are too large: at most two of " +
                                                std::to_string(ctx_.messages.max_upload_bytes) +
                                                " bytes (attachments.max_upload_bytes) per message"));
  auto body = REDRESS_TRY(parse_json_body(call.request));
  ObjectReader in(body);
  service::NewMessage input;
  input.body = in.string("body");
  input.visibility = in.string("visibility");
  input.template_id = in.integer("template");
  input.files = read_files(in);
  REDRESS_CHECK(in.finish());
  auto posted = REDRESS_TRY(messages_.post(call.actor(), call.params.at("id"), input));
  if (options_.clock_moved) options_.clock_moved();  // wakes the workers for the mails the post queued
  return json_response(201, message_json(posted));
}

Result<Response> Api::download_attachment(Call& call) {
  const auto& r = call.request;
  std::map<std::string, std::string> errors;
  refuse_unknown_params(r, {"disposition"}, "unknown parameter; use disposition", errors);
  const std::string disposition = r.query_param("disposition").value_or("attachment");
  if (disposition != "attachment" && disposition != "inline") errors["disposition"] = "attachment or inline";
  auto id = parse_positive(call.params.at("id"));
  if (!id) return fail(Error::not_found("attachment"));
  if (!errors.empty()) return fail(Error::invalid_fields(std::move(errors), "bad query parameters"));
  auto file = REDRESS_TRY(messages_.attachment(call.actor(), *id));
  const bool as_inline = disposition == "inline";
  if (as_inline && !may_show_inline(file.attachment.content_type))
    return fail(Error::invalid_field("disposition", "inline only for images (PNG, JPEG, GIF, WebP, BMP) and PDF"));
  return file_response(std::move(file.bytes), file.attachment.content_type, file.attachment.filename,
                       "attachment-" + std::to_string(file.attachment.id), as_inline);
}

}  // namespace redress::http
