#include "http/error_response.h"

#include <nlohmann/json.hpp>

namespace redress::http {

int status_for(ErrorCode code) {
  switch (code) {
    case ErrorCode::kMalformed: return 400;
    case ErrorCode::kUnauthenticated: return 401;
    case ErrorCode::kForbidden: return 403;
    case ErrorCode::kNotFound: return 404;
    case ErrorCode::kConflict: return 409;
    case ErrorCode::kGone: return 410;
    case ErrorCode::kTooLarge: return 413;
    case ErrorCode::kUnsupportedMedia: return 415;
    case ErrorCode::kInvalid: return 422;
    case ErrorCode::kRateLimited: return 429;
    case ErrorCode::kUnavailable: return 503;
    case ErrorCode::kInternal: return 500;
  }
  return 500;
}

Response error_response(const Error& error) {
  nlohmann::json body;
  auto& e = body["error"];
  // A specific reason ("ticket_taken") is more useful to clients than the class.
  e["code"] = error.reason.empty() || error.code == ErrorCode::kInternal ? std::string(to_string(error.code))
                                                                          : error.reason;
  e["message"] = error.code == ErrorCode::kInternal ? "internal error" : error.message;
  if (!error.fields.empty()) e["fields"] = error.fields;
  if (!error.details.empty() && error.code != ErrorCode::kInternal) e["details"] = error.details;
  return Response::json(status_for(error.code),
                        body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

}  // namespace redress::http
