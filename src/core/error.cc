#include "core/error.h"

namespace redress {

std::string_view to_string(ErrorCode code) {
  switch (code) {
    case ErrorCode::kMalformed: return "malformed";
    case ErrorCode::kUnauthenticated: return "unauthenticated";
    case ErrorCode::kForbidden: return "forbidden";
    case ErrorCode::kNotFound: return "not_found";
    case ErrorCode::kConflict: return "conflict";
    case ErrorCode::kGone: return "gone";
    case ErrorCode::kTooLarge: return "too_large";
    case ErrorCode::kUnsupportedMedia: return "unsupported_media_type";
    case ErrorCode::kInvalid: return "invalid";
    case ErrorCode::kRateLimited: return "rate_limited";
    case ErrorCode::kUnavailable: return "unavailable";
    case ErrorCode::kInternal: return "internal";
  }
  return "internal";
}

Error Error::invalid_field(std::string field, std::string why) {
  Error e(ErrorCode::kInvalid, field + ": " + why);
  e.fields.emplace(std::move(field), std::move(why));
  return e;
}
Error Error::invalid_fields(std::map<std::string, std::string> fields, std::string summary) {
  Error e(ErrorCode::kInvalid, std::move(summary));
  if (fields.size() == 1) e.message = fields.begin()->first + ": " + fields.begin()->second;
  e.fields = std::move(fields);
  return e;
}
Error Error::not_found(std::string what) { return Error(ErrorCode::kNotFound, std::move(what) + " not found"); }
Error Error::conflict(std::string msg, std::string reason) {
  Error e(ErrorCode::kConflict, std::move(msg));
  e.reason = std::move(reason);
  return e;
}
Error Error::forbidden(std::string msg, std::string reason) {
  Error e(ErrorCode::kForbidden, std::move(msg));
  e.reason = std::move(reason);
  return e;
}
Error Error::internal(std::string msg) { return Error(ErrorCode::kInternal, std::move(msg)); }
Error Error::unavailable(std::string msg) { return Error(ErrorCode::kUnavailable, std::move(msg)); }

}  // namespace redress
