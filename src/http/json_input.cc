#include "http/json_input.h"

#include "core/json_parse.h"
#include "domain/validation.h"

namespace redress::http {

namespace {

// The first string (member name or value) holding a NUL, as a path such as
// "fields.notes[2]", or "". Recursion is safe: parse_json bounds the depth.
std::string path_of_nul(const nlohmann::json& v, const std::string& path) {
  if (v.is_string()) return v.get_ref<const std::string&>().find('\0') != std::string::npos ? path : "";
  if (v.is_array()) {
    for (size_t i = 0; i < v.size(); ++i) {
      if (auto p = path_of_nul(v[i], path + "[" + std::to_string(i) + "]"); !p.empty()) return p;
    }
  } else if (v.is_object()) {
    for (const auto& [key, member] : v.items()) {
      const std::string here = path.empty() ? key : path + "." + key;
      if (key.find('\0') != std::string::npos) return here;
      if (auto p = path_of_nul(member, here); !p.empty()) return p;
    }
  }
  return "";
}

}  // namespace

Result<nlohmann::json> parse_json_body(const Request& request) {
  auto type = request.header("Content-Type").value_or("");
  if (type.find("application/json") == std::string::npos && !(type.empty() && request.body.empty()))
    return fail(ErrorCode::kUnsupportedMedia, "send the body as application/json");
  if (!domain::is_valid_utf8(request.body)) return fail(ErrorCode::kMalformed, "the body is not valid UTF-8");
  JsonProblem problem = JsonProblem::kNone;
  std::string detail;
  auto j = parse_json(request.body, &problem, &detail);
  if (problem == JsonProblem::kTooDeep) return fail(ErrorCode::kMalformed, "the body is refused: " + detail);
  if (j.is_discarded()) return fail(ErrorCode::kMalformed, "the body is not valid JSON");
  if (!j.is_object()) return fail(ErrorCode::kMalformed, "the body must be a JSON object");
  if (auto where = path_of_nul(j, ""); !where.empty())
    return fail(Error::invalid_field(where, "contains a NUL character (\\u0000), which text may not hold"));
  return j;
}

ObjectReader::ObjectReader(const nlohmann::json& object, std::string prefix)
    : ObjectReader(object, std::move(prefix), std::make_shared<std::map<std::string, std::string>>()) {}

ObjectReader::ObjectReader(const nlohmann::json& object, std::string prefix,
                           std::shared_ptr<std::map<std::string, std::string>> errors)
    : object_(object), prefix_(std::move(prefix)), errors_(std::move(errors)) {}

ObjectReader ObjectReader::nested(const nlohmann::json& object, const std::string& name) {
  return ObjectReader(object, path(name), errors_);
}

bool ObjectReader::has(const std::string& key) const { return object_.is_object() && object_.contains(key); }

bool ObjectReader::is_null(const std::string& key) const { return has(key) && object_.at(key).is_null(); }

void ObjectReader::add_error(const std::string& key, const std::string& why) { errors_->emplace(path(key), why); }

const nlohmann::json* ObjectReader::raw(const std::string& key) {
  known_.insert(key);
  if (!has(key)) return nullptr;
  return &object_.at(key);
}

std::optional<std::string> ObjectReader::string(const std::string& key, bool required) {
  const auto* v = raw(key);
  if (!v || v->is_null()) {
    if (required) add_error(key, "required");
    return std::nullopt;
  }
  if (!v->is_string()) {
    add_error(key, "must be a string");
    return std::nullopt;
  }
  return v->get<std::string>();
}

std::optional<int64_t> ObjectReader::integer(const std::string& key, bool required) {
  const auto* v = raw(key);
  if (!v || v->is_null()) {
    if (required) add_error(key, "required");
    return std::nullopt;
  }
  if (!v->is_number_integer()) {
    add_error(key, "must be an integer");
    return std::nullopt;
  }
  return v->get<int64_t>();
}

std::optional<std::optional<std::string>> ObjectReader::nullable_string(const std::string& key) {
  if (is_null(key)) {
    known_.insert(key);
    return std::optional<std::string>();
  }
  if (auto v = string(key)) return std::optional<std::string>(std::move(*v));
  return std::nullopt;
}

std::optional<bool> ObjectReader::boolean(const std::string& key) {
  const auto* v = raw(key);
  if (!v || v->is_null()) return std::nullopt;
  if (!v->is_boolean()) {
    add_error(key, "must be true or false");
    return std::nullopt;
  }
  return v->get<bool>();
}

std::optional<std::pair<std::optional<int64_t>, std::string>> ObjectReader::id_or_key(const std::string& key) {
  const auto* v = raw(key);
  if (!v || v->is_null()) return std::nullopt;
  if (v->is_number_integer()) return std::pair<std::optional<int64_t>, std::string>{v->get<int64_t>(), ""};
  if (v->is_string()) return std::pair<std::optional<int64_t>, std::string>{std::nullopt, v->get<std::string>()};
  add_error(key, "must be an id (number) or a name (string)");
  return std::nullopt;
}

Result<void> ObjectReader::finish() {
  if (object_.is_object()) {
    for (auto& [k, v] : object_.items()) {
      if (!known_.contains(k)) add_error(k, "unknown field");
    }
  }
  if (prefix_.empty() && !errors_->empty()) {
    Error e(ErrorCode::kInvalid, "the request has invalid fields");
    if (errors_->size() == 1) e.message = errors_->begin()->first + ": " + errors_->begin()->second;
    e.fields = *errors_;
    return fail(std::move(e));
  }
  return {};
}

}  // namespace redress::http
