#pragma once
// Expected failures are values: Result<T> = std::expected<T, Error>. Exceptions are for
// bugs and for I/O that ends a connection. ErrorCode is a closed set; http/error_mapping
// turns each into an HTTP status in exactly one place.
#include <expected>
#include <map>
#include <string>
#include <utility>

namespace redress {

enum class ErrorCode {
  kMalformed,        // the input cannot be read at all (bad JSON, bad UTF-8)
  kUnauthenticated,  // no or bad credentials
  kForbidden,        // authenticated, but not allowed
  kNotFound,
  kConflict,         // the state does not allow it (duplicate, wrong status)
  kGone,             // it existed but can no longer be used (a spent or expired one-time link)
  kTooLarge,
  kUnsupportedMedia,
  kInvalid,          // readable input that breaks a rule; fields say which
  kRateLimited,
  kUnavailable,      // a dependency (database, server) cannot be reached; try again
  kInternal,         // a bug or an unexpected failure
};

std::string_view to_string(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;
  // A short machine-readable reason more specific than code, e.g. "ticket_taken".
  std::string reason;
  // Field name -> why it is wrong; every offending field, not just the first.
  std::map<std::string, std::string> fields;
  // Facts a client can show beside the message, e.g. who holds a taken ticket.
  std::map<std::string, std::string> details;

  Error() = default;
  Error(ErrorCode c, std::string msg) : code(c), message(std::move(msg)) {}

  static Error invalid_field(std::string field, std::string why);
  // Every bad field at once; the message names the field when there is only one.
  static Error invalid_fields(std::map<std::string, std::string> fields, std::string summary);
  static Error not_found(std::string what);
  static Error conflict(std::string msg, std::string reason = {});
  static Error forbidden(std::string msg, std::string reason = {});
  static Error internal(std::string msg);
  static Error unavailable(std::string msg);
};

template <typename T>
using Result = std::expected<T, Error>;

inline std::unexpected<Error> fail(Error e) { return std::unexpected<Error>(std::move(e)); }
inline std::unexpected<Error> fail(ErrorCode c, std::string msg) {
  return std::unexpected<Error>(Error(c, std::move(msg)));
}

}  // namespace redress

// Propagates the error of a Result-returning expression, else yields its value.
// A statement expression (GNU) keeps call sites to one line without exceptions.
#define REDRESS_TRY(expr)                                            \
  ({                                                                 \
    auto&& redress_try_result_ = (expr);                             \
    if (!redress_try_result_) return ::redress::fail(std::move(redress_try_result_).error()); \
    std::move(redress_try_result_).value();                          \
  })

#define REDRESS_CHECK(expr)                                          \
  do {                                                               \
    auto&& redress_check_result_ = (expr);                           \
    if (!redress_check_result_) return ::redress::fail(std::move(redress_check_result_).error()); \
  } while (0)
