#pragma once
// The one place where an Error becomes an HTTP status and the documented JSON shape:
// {"error":{"code":"...","message":"...","fields":{"name":"why"}}}.
#include "core/error.h"
#include "http/message.h"

namespace redress::http {

int status_for(ErrorCode code);
Response error_response(const Error& error);

}  // namespace redress::http
