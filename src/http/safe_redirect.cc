#include "http/safe_redirect.h"

namespace redress::http {

bool is_same_site_path(std::string_view next) {
  if (next.empty() || next[0] != '/') return false;
  if (next.size() > 1 && next[1] == '/') return false;
  for (const char c : next) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte >= 0x7F || c == '\\') return false;
  }
  return true;
}

std::string same_site_or(std::string_view next, std::string fallback) {
  return is_same_site_path(next) ? std::string(next) : std::move(fallback);
}

}  // namespace redress::http
