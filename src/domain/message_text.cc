#include "domain/message_text.h"

#include <algorithm>
#include <iterator>
#include <cstdint>

#include "domain/validation.h"

namespace redress::domain {
namespace {

// Elements of the HTML standard, obsolete ones browsers still render, and the roots of
// inline SVG and MathML. Only these element names make a tag: people also put plain words
// in angle brackets, for keys ("press <Enter>") or e-mail addresses ("Jean <jean@x.fr>").
constexpr std::string_view kElements[] = {
    "a",        "abbr",     "acronym",  "address",  "applet",   "area",     "article",  "aside",    "audio",
    "b",        "base",     "basefont", "bdi",      "bdo",      "bgsound",  "big",      "blink",    "blockquote",
    "body",     "br",       "button",   "canvas",   "caption",  "center",   "cite",     "code",     "col",
    "colgroup", "data",     "datalist", "dd",       "del",      "details",  "dfn",      "dialog",   "dir",
    "div",      "dl",       "dt",       "em",       "embed",    "fieldset", "figcaption", "figure", "font",
    "footer",   "form",     "frame",    "frameset", "h1",       "h2",       "h3",       "h4",       "h5",
    "h6",       "head",     "header",   "hgroup",   "hr",       "html",     "i",        "iframe",   "image",
    "img",      "input",    "ins",      "isindex",  "kbd",      "keygen",   "label",    "legend",   "li",
    "link",     "listing",  "main",     "map",      "mark",     "marquee",  "math",     "menu",     "menuitem",
    "meta",     "meter",    "multicol", "nav",      "nextid",   "nobr",     "noembed",  "noframes", "noscript",
    "object",   "ol",       "optgroup", "option",   "output",   "p",        "param",    "picture",  "plaintext",
    "pre",      "progress", "q",        "rb",       "rp",       "rt",       "rtc",      "ruby",     "s",
    "samp",     "script",   "search",   "section",  "select",   "slot",     "small",    "source",   "spacer",
    "span",     "strike",   "strong",   "style",    "sub",      "summary",  "sup",      "svg",      "table",
    "tbody",    "td",       "template", "textarea", "tfoot",    "th",       "thead",    "time",     "title",
    "tr",       "track",    "tt",       "u",        "ul",       "var",      "video",    "wbr",      "xmp",
};

bool is_ascii_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_ascii_digit(char c) { return c >= '0' && c <= '9'; }
bool is_html_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'; }

bool is_element(std::string_view name) {
  std::string lower = lower_ascii(name);
  return std::find(std::begin(kElements), std::end(kElements), lower) != std::end(kElements);
}

// At text[at] == '<': does a tag, comment or declaration start here?
bool markup_at(std::string_view text, size_t at) {
  std::string_view rest = text.substr(at + 1);
  if (rest.starts_with("!--") || rest.starts_with("![CDATA[")) return true;
  if (rest.size() >= 2 && rest[0] == '!' && is_ascii_letter(rest[1])) return true;  // <!doctype html>
  const bool closing = rest.starts_with("/");
  if (closing) rest.remove_prefix(1);
  size_t n = 0;
  while (n < rest.size() && (is_ascii_letter(rest[n]) || (n > 0 && is_ascii_digit(rest[n])))) ++n;
  if (n == 0 || !is_element(rest.substr(0, n))) return false;
  std::string_view after = rest.substr(n);
  if (closing) {
    size_t k = 0;
    while (k < after.size() && is_html_space(after[k])) ++k;
    return k < after.size() && after[k] == '>';
  }
  if (after.empty()) return false;
  if (after[0] == '>') return true;
  // Attributes follow ("<img src=x>", "<br/>", "<svg/onload=...>"): a tag when it closes
  // before another one opens, as a browser would read it.
  if (after[0] != '/' && !is_html_space(after[0])) return false;
  size_t close = after.find('>');
  return close != std::string_view::npos && after.substr(0, close).find('<') == std::string_view::npos;
}

// Decodes the code point at s[i] (valid UTF-8) and advances i past it.
uint32_t next_code_point(std::string_view s, size_t& i) {
  auto c = static_cast<unsigned char>(s[i]);
  int extra = c < 0x80 ? 0 : (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : 3;
  uint32_t cp = extra == 0 ? c : extra == 1 ? (c & 0x1F) : extra == 2 ? (c & 0x0F) : (c & 0x07);
  for (int k = 1; k <= extra && i + k < s.size(); ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  i += static_cast<size_t>(extra) + 1;
  return cp;
}

std::string normalise_line_ends(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] != '\r') {
      out += raw[i];
    } else {
      out += '\n';
      if (i + 1 < raw.size() && raw[i + 1] == '\n') ++i;
    }
  }
  return out;
}

}  // namespace

size_t count_code_points(std::string_view utf8) {
  return static_cast<size_t>(
      std::count_if(utf8.begin(), utf8.end(), [](char ch) { return (static_cast<unsigned char>(ch) & 0xC0) != 0x80; }));
}

bool contains_html_markup(std::string_view text) {
  for (size_t at = text.find('<'); at != std::string_view::npos; at = text.find('<', at + 1)) {
    if (markup_at(text, at)) return true;
  }
  return false;
}

bool contains_inline_image(std::string_view text) {
  const std::string lower = lower_ascii(text);
  constexpr std::string_view kPrefix = "data:image/";
  for (size_t at = lower.find(kPrefix); at != std::string::npos; at = lower.find(kPrefix, at + 1)) {
    // "data:" must start the URI scheme, not end a longer word ("metadata:image/...").
    const char before = at > 0 ? lower[at - 1] : ' ';
    if (!is_ascii_letter(before) && !is_ascii_digit(before) && before != '+' && before != '-' && before != '.')
      return true;
  }
  return false;
}

bool contains_control_character(std::string_view utf8) {
  for (size_t i = 0; i < utf8.size();) {
    const uint32_t cp = next_code_point(utf8, i);
    if ((cp < 0x20 && cp != '\n' && cp != '\t') || (cp >= 0x7F && cp <= 0x9F)) return true;
  }
  return false;
}

MessageText check_message_text(std::string_view raw, size_t max_code_points) {
  MessageText out;
  out.text = trim(normalise_line_ends(raw));
  if (out.text.empty()) {
    out.problem = "is required";
  } else if (!is_valid_utf8(out.text)) {
    out.problem = "is not valid UTF-8";
  } else if (const size_t n = count_code_points(out.text); n > max_code_points) {
    out.problem = "too long: at most " + std::to_string(max_code_points) + " characters (this has " +
                  std::to_string(n) + ")";
  } else if (contains_control_character(out.text)) {
    out.problem = "control characters are not accepted (only line breaks and tabs)";
  } else if (contains_html_markup(out.text)) {
    out.problem = "text only: HTML is not accepted";
  } else if (contains_inline_image(out.text)) {
    out.problem = "images are not accepted";
  }
  return out;
}

}  // namespace redress::domain
