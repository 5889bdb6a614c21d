#pragma once
// gzip (RFC 1952) for HTTP responses, on zlib.
#include <string>
#include <string_view>

namespace redress {

std::string gzip(std::string_view data);

// Whether an Accept-Encoding header value allows gzip ("gzip", "gzip;q=0.8", not "gzip;q=0").
bool accepts_gzip(std::string_view accept_encoding);

}  // namespace redress
