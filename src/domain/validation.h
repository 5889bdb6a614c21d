#pragma once
// Small checks on user input shared by every entry point.
#include <string>
#include <string_view>

namespace redress::domain {

bool is_valid_utf8(std::string_view s);
// A pragmatic address check: one @, a non-empty local part, a dotted domain, no spaces.
bool is_plausible_email(std::string_view s);
std::string lower_ascii(std::string_view s);
// "en", "fr", "pt-BR".
bool is_language_tag(std::string_view s);
std::string trim(std::string_view s);

}  // namespace redress::domain
