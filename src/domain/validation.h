#pragma once
// Small checks on user input shared by every entry point.
#include <string>
#include <string_view>

namespace redress::domain {

bool is_valid_utf8(std::string_view s);
// Why s cannot be stored as text ("not valid UTF-8", "contains a NUL character"), or ""
// when it can. NUL is refused everywhere: PostgreSQL cannot store it in TEXT, C strings
// end at it, and a mail header or CSV cell holding one is read differently by each tool.
std::string text_problem(std::string_view s);

// Characters (Unicode code points) in valid UTF-8: what a length limit counts.
size_t code_points(std::string_view s);
// At most n code points of valid UTF-8 s.
std::string first_code_points(std::string_view s, size_t n);
// A pragmatic address check: one @, a non-empty local part, a dotted domain, no spaces.
bool is_plausible_email(std::string_view s);
std::string lower_ascii(std::string_view s);
// "en", "fr", "pt-BR".
bool is_language_tag(std::string_view s);
std::string trim(std::string_view s);

}  // namespace redress::domain
