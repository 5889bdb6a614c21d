#pragma once
// What a person may post as a message on a request (seed 003): a short plain text. No
// HTML (the portal shows text as typed, so markup would appear as code) and no images.
// This is about what users are told, not about safety: every view escapes message text.
#include <cstddef>
#include <string>
#include <string_view>

namespace redress::domain {

struct MessageText {
  std::string text;     // trimmed, every line end as "\n"
  std::string problem;  // empty when the text may be posted; else why, for the "body" field

  bool ok() const { return problem.empty(); }
};

// Normalises line ends (CRLF and lone CR become LF, as browsers send either), trims, then
// checks in this order: empty, valid UTF-8, at most max_code_points code points, no
// control characters but newline and tab, no HTML markup, no inline (data: URI) images.
MessageText check_message_text(std::string_view raw, size_t max_code_points);

// The pieces, for tests and for other entry points that take text.
size_t count_code_points(std::string_view utf8);
// A tag of a known HTML element (<p>, <img src=x>, </div>, <br/>), a comment (<!--), a
// doctype or CDATA section. Text that only uses '<' as a sign ("a < b", "<3", "x<y",
// "<Enter>", "Jean <jean@example.fr>") is not markup.
bool contains_html_markup(std::string_view text);
// A data: URI carrying an image ("data:image/png;base64,...").
bool contains_inline_image(std::string_view text);
// True when a code point is a control character other than "\n" and "\t" (C0, DEL, C1).
// Expects valid UTF-8.
bool contains_control_character(std::string_view utf8);

}  // namespace redress::domain
