#pragma once
// How a stored file (a mail's attachment) goes out: as a download by default, shown in the
// browser only when it is a raster image or a PDF, and never as something that can run.
// The name comes from the sender, so it is cleaned before it reaches a header.
#include <string>
#include <string_view>

#include "http/message.h"

namespace redress::http {

// Whether the browser may show a file of this type itself (?disposition=inline).
bool may_show_inline(std::string_view content_type);

// The Content-Disposition value: a plain-ASCII filename="..." for old clients and the
// UTF-8 name as filename*=UTF-8''... (RFC 6266, RFC 8187). Path separators, control
// characters and quotes never survive; an empty name becomes fallback.
std::string content_disposition(bool as_inline, std::string_view filename, std::string_view fallback);

// The whole response: the stored type only for what may be shown inline (else
// application/octet-stream), nosniff, a Content-Security-Policy under which nothing runs,
// and no caching by shared caches.
Response file_response(std::string bytes, std::string_view content_type, std::string_view filename,
                       std::string_view fallback_name, bool as_inline);

}  // namespace redress::http
