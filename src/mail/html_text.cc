// html_to_text: the readable text of an HTML body, for the plain-text view and for mail
// that has no text/plain part.
#include <algorithm>
#include <vector>

#include "mail/charset.h"
#include "mail/html.h"
#include "mail/html_internal.h"

namespace redress::mail {
namespace {

// Builds the text line by line: whitespace collapses as a browser collapses it, blocks
// ask for line ends that are written only when more text follows, and every line starts
// with the quote/list prefixes in force.
class TextWriter {
 public:
  void text(std::string_view s) {
    for (size_t i = 0; i < s.size(); ++i) {
      char c = s[i];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
        pending_space_ = true;
        continue;
      }
      start_text();
      if (c == '\xC2' && i + 1 < s.size() && s[i + 1] == '\xA0') {  // U+00A0 does not collapse
        out_ += ' ';
        ++i;
      } else {
        out_ += c;
      }
    }
  }

  void preformatted(std::string_view s) {
    for (char c : s) {
      if (c == '\r') continue;
      if (c == '\n') {
        ++pending_newlines_;
        continue;
      }
      start_text(/*keep_space=*/true);
      out_ += c;
    }
  }

  void block(int newlines) {
    pending_newlines_ = std::max(pending_newlines_, newlines);
    pending_space_ = false;
  }
  void line_break() {
    ++pending_newlines_;
    pending_space_ = false;
  }
  void space() { pending_space_ = true; }

  // Deep nesting gets no deeper prefixes: the text stays linear in the input.
  void push_prefix(std::string_view prefix) { prefixes_.emplace_back(prefixes_.size() < 12 ? prefix : ""); }
  void pop_prefix() {
    if (!prefixes_.empty()) prefixes_.pop_back();
  }
  void bullet(std::string_view b) { bullet_ = b; }

  size_t position() const { return out_.size(); }
  std::string_view since(size_t position) const { return std::string_view(out_).substr(std::min(position, out_.size())); }
  // Appended where the last text ended, before any line ends still pending.
  void append(std::string_view s) { out_ += s; }

  std::string finish() const;

 private:
  void start_text(bool keep_space = false) {
    if (pending_newlines_ > 0 && !out_.empty()) {
      // A blank line inside a quote keeps the quote marks, but not one between a quote
      // and what surrounds it.
      std::string blank_prefix(std::min(quote_depth(), quote_depth_at_last_text_), '>');
      for (int i = 0; i < pending_newlines_; ++i) {
        if (i > 0) out_ += blank_prefix;
        out_ += '\n';
      }
      at_line_start_ = true;
    }
    pending_newlines_ = 0;
    if (out_.empty()) at_line_start_ = true;
    if (at_line_start_) {
      for (size_t i = 0; i < prefixes_.size(); ++i) {
        if (!bullet_.empty() && i + 1 == prefixes_.size()) break;  // the bullet takes that place
        out_ += prefixes_[i];
      }
      out_ += bullet_;
      bullet_.clear();
      at_line_start_ = false;
    } else if (pending_space_ && !keep_space) {
      out_ += ' ';
    }
    pending_space_ = false;
    quote_depth_at_last_text_ = quote_depth();
  }

  size_t quote_depth() const {
    size_t depth = 0;
    for (const std::string& s : prefixes_)
      if (s == "> ") ++depth;
    return depth;
  }

  std::string out_;
  int pending_newlines_ = 0;
  bool pending_space_ = false;
  bool at_line_start_ = true;
  std::vector<std::string> prefixes_;
  std::string bullet_;
  size_t quote_depth_at_last_text_ = 0;
};

// Trailing spaces go, at most one blank line in a row, none at either end.
std::string TextWriter::finish() const {
  std::string result;
  result.reserve(out_.size());
  int blank_run = 0;
  size_t pos = 0;
  while (pos <= out_.size()) {
    size_t end = out_.find('\n', pos);
    if (end == std::string::npos) end = out_.size();
    std::string_view line = std::string_view(out_).substr(pos, end - pos);
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
    pos = end + 1;
    if (line.empty()) {
      ++blank_run;
      continue;
    }
    if (!result.empty()) result.append(blank_run > 0 ? "\n\n" : "\n");
    blank_run = 0;
    result.append(line);
  }
  return result;
}

bool is_skipped(const GumboNode* element, std::string_view tag) {
  if (element->type == GUMBO_NODE_TEMPLATE || element->v.element.tag_namespace != GUMBO_NAMESPACE_HTML) return true;
  return one_of(tag, {"script", "style", "head", "title", "noscript", "template", "iframe", "object", "embed",
                      "select", "datalist", "textarea", "applet", "noembed", "noframes"});
}

bool is_paragraph(std::string_view tag) { return one_of(tag, {"p", "h1", "h2", "h3", "h4", "h5", "h6"}); }

bool is_block(std::string_view tag) {
  return one_of(tag, {"div", "section", "article", "header", "footer", "nav", "aside", "main", "address", "figure",
                      "figcaption", "form", "fieldset", "legend", "center", "details", "summary", "dl", "dt", "dd",
                      "caption", "table", "tr", "ul", "ol", "li", "pre", "blockquote", "hr", "listing", "xmp",
                      "plaintext", "dir", "menu"});
}

bool is_preformatted(std::string_view tag) { return one_of(tag, {"pre", "listing", "xmp", "plaintext"}); }

std::string trim_spaces(std::string_view s, std::string_view leading = " \t\r\n") {
  size_t b = s.find_first_not_of(leading);
  if (b == std::string_view::npos) return {};
  size_t e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

bool starts_with_lower(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != prefix[i]) return false;
  }
  return true;
}

struct Frame {
  const GumboNode* node;
  unsigned next_child = 0;
  std::string_view tag;
  size_t link_start = 0;
  std::string href;  // http(s)/mailto target of a link, else ""
};

void enter(TextWriter& w, Frame& f, int& pre_depth, std::vector<int>& cell_counts) {
  std::string_view tag = f.tag;
  if (is_paragraph(tag)) w.block(2);
  else if (is_block(tag)) w.block(1);
  if (is_preformatted(tag)) ++pre_depth;
  if (tag == "blockquote") w.push_prefix("> ");
  if (tag == "li") {
    w.push_prefix("  ");
    w.bullet("- ");
  }
  if (tag == "tr") cell_counts.push_back(0);
  if ((tag == "td" || tag == "th") && !cell_counts.empty() && cell_counts.back()++ > 0) w.space();
  if (tag == "a") {
    const char* href = attribute(f.node, "href");
    std::string url = href ? trim_spaces(href) : std::string();
    if (starts_with_lower(url, "http:") || starts_with_lower(url, "https:") || starts_with_lower(url, "mailto:")) {
      f.href = url;
      f.link_start = w.position();
    }
  }
}

void leave(TextWriter& w, const Frame& f, int& pre_depth, std::vector<int>& cell_counts) {
  std::string_view tag = f.tag;
  if (tag == "a" && !f.href.empty()) {
    // Without the line ends, quote marks and bullet written before the link's first word.
    std::string text = trim_spaces(w.since(f.link_start), " \t\r\n>-");
    std::string target = f.href;
    std::string_view shown = target;
    if (starts_with_lower(shown, "mailto:")) shown.remove_prefix(7);
    if (!text.empty() && text != target && text != shown) w.append(" <" + target + ">");
  }
  if (tag == "blockquote" || tag == "li") w.pop_prefix();
  if (tag == "tr" && !cell_counts.empty()) cell_counts.pop_back();
  if (is_preformatted(tag) && pre_depth > 0) --pre_depth;
  if (is_paragraph(tag)) w.block(2);
  else if (is_block(tag)) w.block(1);
}

}  // namespace

std::string html_to_text(std::string_view html) {
  TextWriter w;
  if (nests_deeper_than(html, kMaxHtmlNesting)) {
    std::string text = make_valid_utf8(strip_tags(html));
    for (size_t pos = 0; pos <= text.size();) {
      size_t end = std::min(text.find('\n', pos), text.size());
      w.text(std::string_view(text).substr(pos, end - pos));
      w.line_break();
      pos = end + 1;
    }
    return w.finish();
  }
  ParsedHtml parsed(html);
  int pre_depth = 0;
  std::vector<int> cell_counts;  // cells seen in each open table row
  std::vector<Frame> stack;
  stack.push_back(Frame{parsed.root(), 0, "html", 0, {}});
  while (!stack.empty()) {
    const GumboVector* children = children_of(stack.back().node);
    if (!children || stack.back().next_child >= children->length) {
      leave(w, stack.back(), pre_depth, cell_counts);
      stack.pop_back();
      continue;
    }
    const auto* child = static_cast<const GumboNode*>(children->data[stack.back().next_child++]);
    switch (child->type) {
      case GUMBO_NODE_TEXT:
      case GUMBO_NODE_WHITESPACE:
      case GUMBO_NODE_CDATA:
        if (pre_depth > 0) w.preformatted(child->v.text.text);
        else w.text(child->v.text.text);
        break;
      case GUMBO_NODE_ELEMENT:
      case GUMBO_NODE_TEMPLATE: {
        std::string_view tag = tag_name(child);
        if (is_skipped(child, tag)) break;
        if (tag == "br") {
          w.line_break();
          break;
        }
        Frame frame{child, 0, tag, 0, {}};
        enter(w, frame, pre_depth, cell_counts);
        stack.push_back(std::move(frame));
        break;
      }
      default: break;
    }
  }
  return w.finish();
}

}  // namespace redress::mail
