// The fallback for HTML too deeply nested to parse (see kMaxHtmlNesting): a scan that
// needs no tree.
#include <algorithm>
#include <initializer_list>

#include "mail/html_internal.h"

namespace redress::mail {
namespace {

bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

std::string lower_name_at(std::string_view html, size_t pos) {
  std::string name;
  while (pos < html.size() && name.size() < 16 &&
         (is_letter(html[pos]) || (html[pos] >= '0' && html[pos] <= '9'))) {
    char c = html[pos++];
    name += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return name;
}

// Elements that never hold others (void), or that the parser closes when a sibling starts
// (p, li, td, ...): they do not make the tree deeper.
bool never_nests(std::string_view name) {
  return one_of(name, {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
                       "track", "wbr", "p", "li", "td", "th", "tr", "dt", "dd", "option", "optgroup", "tbody",
                       "thead", "tfoot", "colgroup", "caption", "rb", "rp", "rt", "image", "keygen"});
}

bool ends_flat_line(std::string_view name) {
  return one_of(name, {"p", "div", "br", "tr", "li", "table", "ul", "ol", "blockquote", "pre", "h1", "h2", "h3", "h4",
                       "h5", "h6", "hr", "dt", "dd", "section", "article", "header", "footer"});
}

}  // namespace

bool nests_deeper_than(std::string_view html, int limit) {
  int depth = 0;
  for (size_t pos = html.find('<'); pos != std::string_view::npos; pos = html.find('<', pos + 1)) {
    bool closing = pos + 1 < html.size() && html[pos + 1] == '/';
    size_t name_at = pos + (closing ? 2 : 1);
    if (name_at >= html.size() || !is_letter(html[name_at])) continue;
    std::string name = lower_name_at(html, name_at);
    if (never_nests(name)) continue;
    if (closing) {
      depth = std::max(0, depth - 1);
      continue;
    }
    size_t end = html.find('>', name_at);
    if (end != std::string_view::npos && end > 0 && html[end - 1] == '/') continue;  // <x/>
    if (++depth > limit) return true;
  }
  return false;
}

std::string strip_tags(std::string_view html) {
  std::string lowered(html);
  for (char& c : lowered)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  std::string out;
  out.reserve(html.size() / 2);
  size_t i = 0;
  while (i < html.size()) {
    char c = html[i];
    if (c == '<' && html.substr(i, 4) == "<!--") {
      size_t end = html.find("-->", i + 4);
      i = end == std::string_view::npos ? html.size() : end + 3;
      continue;
    }
    if (c == '<' && i + 1 < html.size() && (is_letter(html[i + 1]) || html[i + 1] == '/' || html[i + 1] == '!')) {
      bool closing = html[i + 1] == '/';
      std::string name = lower_name_at(html, i + (closing ? 2 : 1));
      size_t end = html.find('>', i);
      if (end == std::string_view::npos) break;
      i = end + 1;
      if (!closing && (name == "script" || name == "style" || name == "title" || name == "head")) {
        size_t close = lowered.find("</" + name, i);
        size_t close_end = close == std::string::npos ? std::string::npos : lowered.find('>', close);
        i = close_end == std::string::npos ? html.size() : close_end + 1;
        continue;
      }
      // At most one blank line: deep nesting must not turn into a page of empty lines.
      if (ends_flat_line(name) && !out.empty() && !out.ends_with("\n\n")) out += '\n';
      continue;
    }
    if (c == '&') {
      static constexpr std::pair<std::string_view, std::string_view> kEntities[] = {
          {"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"}, {"&nbsp;", " "}};
      bool decoded = false;
      for (const auto& [entity, text] : kEntities) {
        if (lowered.compare(i, entity.size(), entity) == 0) {
          out += text;
          i += entity.size();
          decoded = true;
          break;
        }
      }
      if (decoded) continue;
    }
    out += c;
    ++i;
  }
  return out;
}

}  // namespace redress::mail
