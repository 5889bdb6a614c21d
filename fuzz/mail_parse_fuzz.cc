// libFuzzer target for the mail parser and the HTML sanitiser; built and run by
// scripts/fuzz.sh. Besides crashes and sanitizer reports it checks the promises the
// parser makes about its output, and that sanitised HTML only has allow-listed markup.
//
// It calls parse_mail_into, the core of parse_mail without std::expected: clang 14 cannot
// compile libstdc++ 12's <expected> (see scripts/fuzz.sh).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "mail/charset.h"
#include "mail/html.h"
#include "mail/parse_internal.h"

namespace {

void require(bool condition, const char* what) {
  if (condition) return;
  std::fprintf(stderr, "mail_parse_fuzz: broken promise: %s\n", what);
  std::abort();
}

bool no_nul(std::string_view s) { return s.find('\0') == std::string_view::npos; }

void check_text(std::string_view s, const char* what) {
  require(redress::mail::is_valid_utf8(s), what);
  require(no_nul(s), what);
}

bool one_of(std::string_view name, std::initializer_list<std::string_view> names) {
  for (std::string_view n : names)
    if (n == name) return true;
  return false;
}

// Tokenises the sanitiser's own output (it escapes every '<' in text and every '"' in
// attribute values, so each raw '<' starts a tag it wrote) and checks each tag and
// attribute against what the allow-list can produce.
void check_sanitised(std::string_view html) {
  check_text(html, "sanitised HTML is UTF-8");
  for (size_t pos = html.find('<'); pos != std::string_view::npos; pos = html.find('<', pos + 1)) {
    size_t end = html.find('>', pos);
    require(end != std::string_view::npos, "every tag is closed");
    std::string_view tag = html.substr(pos + 1, end - pos - 1);
    if (tag.starts_with('/')) tag.remove_prefix(1);
    std::string_view name = tag.substr(0, tag.find(' '));
    require(!one_of(name, {"script", "style", "iframe", "object", "embed", "form", "input", "svg", "math", "meta",
                           "link", "base", "textarea", "button", "html", "head", "body", "template"}),
            "no dangerous element");
    // Attributes: name="value" pairs; values hold no raw quote.
    size_t i = name.size();
    while (i < tag.size()) {
      while (i < tag.size() && tag[i] == ' ') ++i;
      if (i >= tag.size()) break;
      size_t eq = tag.find("=\"", i);
      require(eq != std::string_view::npos, "attribute has a quoted value");
      std::string_view attribute = tag.substr(i, eq - i);
      require(!attribute.starts_with("on") && attribute != "style" && attribute != "class" && attribute != "id",
              "no event handler, style, class or id");
      size_t close = tag.find('"', eq + 2);
      require(close != std::string_view::npos, "attribute value is closed");
      std::string_view value = tag.substr(eq + 2, close - eq - 2);
      if (attribute == "href") {
        std::string lowered;
        for (char c : value.substr(0, 8)) lowered += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
        require(lowered.starts_with("http:") || lowered.starts_with("https:") || lowered.starts_with("mailto:"),
                "href is http, https or mailto");
      }
      if (attribute == "src") {
        std::string lowered;
        for (char c : value.substr(0, 11)) lowered += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
        require(lowered.starts_with("cid:") || lowered.starts_with("data:image/"), "no remote src by default");
      }
      i = close + 1;
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view raw(reinterpret_cast<const char*>(data), size);
  redress::mail::ParseLimits limits;
  limits.max_attachment_bytes = 64 << 10;  // the drop path is exercised, memory stays low
  limits.max_total_attachment_bytes = 128 << 10;
  redress::mail::ParsedMail mail;
  std::string error;
  if (redress::mail::parse_mail_into(raw, limits, mail, error)) {
    check_text(mail.subject, "subject is UTF-8");
    require(mail.subject.find_first_of("\r\n") == std::string::npos, "subject is one line");
    check_text(mail.text, "text is UTF-8");
    check_sanitised(mail.html);
    if (mail.from) check_text(mail.from->name, "from name is UTF-8");
    for (const auto& a : mail.attachments) {
      check_text(a.filename, "filename is UTF-8");
      require(a.dropped ? a.data.empty() : static_cast<int64_t>(a.data.size()) == a.size, "attachment size");
    }
    check_text(redress::mail::html_to_text(mail.html), "text of the HTML is UTF-8");
  } else {
    require(!error.empty(), "a failure says why");
  }
  // The raw bytes as HTML too: the sanitiser meets input no MIME part would give it. Only
  // the start of large seeds, which would otherwise spend most of the time here.
  std::string_view head = raw.substr(0, 32 << 10);
  check_sanitised(redress::mail::sanitize_html(head));
  check_text(redress::mail::html_to_text(head), "html_to_text is UTF-8");
  return 0;
}
