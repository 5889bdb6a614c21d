#include "domain/ticket.h"

namespace redress::domain {

std::string Reason::label(const std::string& language) const {
  if (auto it = labels.find(language); it != labels.end()) return it->second;
  if (auto it = labels.find("en"); it != labels.end()) return it->second;
  if (!labels.empty()) return labels.begin()->second;
  return code;
}

bool is_known_channel(const std::string& channel) {
  for (const char* c : kChannels) {
    if (channel == c) return true;
  }
  return false;
}

}  // namespace redress::domain
