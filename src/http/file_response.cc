#include "http/file_response.h"

#include <array>

namespace redress::http {
namespace {

// The name as the sender wrote it, minus what a header or a file system must not get:
// control characters (a line break would add headers), path separators (a name is not a
// path) and leading dots (no hidden or relative names).
std::string clean_name(std::string_view name) {
  std::string out;
  for (unsigned char c : name) {
    if (c < 0x20 || c == 0x7F) continue;
    out += (c == '/' || c == '\\') ? '_' : static_cast<char>(c);
  }
  const size_t first = out.find_first_not_of(". ");
  out = first == std::string::npos ? std::string() : out.substr(first);
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

bool attr_char(unsigned char c) {
  // RFC 8187 attr-char: ALPHA / DIGIT / "!" / "#" / "$" / "&" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~"
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$&+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
}

}  // namespace

bool may_show_inline(std::string_view content_type) {
  static constexpr std::array<std::string_view, 6> kShown = {"image/png", "image/jpeg", "image/gif",
                                                             "image/webp", "image/bmp", "application/pdf"};
  for (auto t : kShown) {
    if (content_type == t) return true;
  }
  return false;
}

std::string content_disposition(bool as_inline, std::string_view filename, std::string_view fallback) {
  std::string name = clean_name(filename);
  if (name.empty()) name = clean_name(fallback);
  std::string ascii;
  for (unsigned char c : name) ascii += (c >= 0x20 && c < 0x7F && c != '"' && c != '\\' && c != '%') ? static_cast<char>(c) : '_';
  static const char* hex = "0123456789ABCDEF";
  std::string encoded;
  for (unsigned char c : name) {
    if (attr_char(c)) {
      encoded += static_cast<char>(c);
    } else {
      encoded += '%';
      encoded += hex[c >> 4];
      encoded += hex[c & 15];
    }
  }
  return std::string(as_inline ? "inline" : "attachment") + "; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
}

Response file_response(std::string bytes, std::string_view content_type, std::string_view filename,
                       std::string_view fallback_name, bool as_inline) {
  Response r;
  r.status = 200;
  const bool shown = may_show_inline(content_type);
  r.content_type = shown ? std::string(content_type) : "application/octet-stream";
  r.body = std::move(bytes);
  r.headers.emplace_back("Content-Disposition", content_disposition(as_inline && shown, filename, fallback_name));
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  // Nothing runs: no script anywhere. An image shown inline sits in the document the
  // browser makes for it (hence img-src and inline style); a PDF needs the browser's
  // viewer, which a sandbox would refuse.
  std::string csp = "default-src 'none'";
  if (as_inline && shown && content_type.starts_with("image/")) {
    csp += "; img-src 'self'; style-src 'unsafe-inline'; sandbox";
  } else if (as_inline && shown) {
    csp += "; object-src 'self'; style-src 'unsafe-inline'";
  } else {
    csp += "; sandbox";
  }
  r.headers.emplace_back("Content-Security-Policy", csp);
  r.headers.emplace_back("Cache-Control", "private, no-store");
  return r;
}

}  // namespace redress::http
