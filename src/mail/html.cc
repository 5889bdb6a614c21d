// The HTML sanitiser: gumbo's HTML5 parse tree, walked with an explicit stack (mail HTML
// can nest arbitrarily deep), written back out through an allow-list.
#include "mail/html.h"

#include <cstdlib>
#include <vector>

#include "mail/charset.h"
#include "mail/html_internal.h"

namespace redress::mail {

ParsedHtml::ParsedHtml(std::string_view html) : source_(make_valid_utf8(html)) {
  GumboOptions options = kGumboDefaultOptions;
  options.allocator = &ParsedHtml::allocate;
  options.deallocator = &ParsedHtml::deallocate;
  options.userdata = this;
  options.max_errors = 0;  // the error list is never read: do not build it
  output_ = gumbo_parse_with_options(&options, source_.data(), source_.size());
}

ParsedHtml::~ParsedHtml() {
  // Instead of gumbo_destroy_output, which recurses once per nesting level.
  for (void* p : live_) std::free(p);
}

void* ParsedHtml::allocate(void* self, size_t size) {
  void* p = std::malloc(size ? size : 1);
  // gumbo neither checks for null nor lets an exception pass through its C frames.
  if (!p) std::abort();
  static_cast<ParsedHtml*>(self)->live_.insert(p);
  return p;
}

void ParsedHtml::deallocate(void* self, void* ptr) {
  if (!ptr) return;
  static_cast<ParsedHtml*>(self)->live_.erase(ptr);
  std::free(ptr);
}

const GumboVector* children_of(const GumboNode* node) {
  switch (node->type) {
    case GUMBO_NODE_DOCUMENT: return &node->v.document.children;
    case GUMBO_NODE_ELEMENT:
    case GUMBO_NODE_TEMPLATE: return &node->v.element.children;
    default: return nullptr;
  }
}

std::string_view tag_name(const GumboNode* element) {
  if (element->v.element.tag == GUMBO_TAG_UNKNOWN) return {};
  return gumbo_normalized_tagname(element->v.element.tag);
}

const char* attribute(const GumboNode* element, const char* name) {
  const GumboAttribute* a = gumbo_get_attribute(&element->v.element.attributes, name);
  return a ? a->value : nullptr;
}

namespace {

enum class Action { kKeep, kUnwrap, kDrop };

// Elements that survive, with their own attributes on top of kGlobalAttributes.
struct AllowedElement {
  std::string_view tag;
  std::vector<std::string_view> attributes;
};

const std::vector<std::string_view> kGlobalAttributes = {"title", "lang", "dir"};

const std::vector<AllowedElement>& allowed_elements() {
  static const std::vector<AllowedElement> elements = {
      {"a", {"href"}},
      {"abbr", {}},
      {"address", {}},
      {"article", {}},
      {"aside", {}},
      {"b", {}},
      {"bdi", {}},
      {"bdo", {}},
      {"big", {}},
      {"blockquote", {"cite"}},
      {"br", {}},
      {"caption", {"align"}},
      {"cite", {}},
      {"code", {}},
      {"col", {"span", "width", "align", "valign"}},
      {"colgroup", {"span", "width", "align", "valign"}},
      {"dd", {}},
      {"del", {"cite", "datetime"}},
      {"details", {}},
      {"dfn", {}},
      {"div", {"align"}},
      {"dl", {}},
      {"dt", {}},
      {"em", {}},
      {"figcaption", {}},
      {"figure", {}},
      {"footer", {}},
      {"h1", {"align"}},
      {"h2", {"align"}},
      {"h3", {"align"}},
      {"h4", {"align"}},
      {"h5", {"align"}},
      {"h6", {"align"}},
      {"header", {}},
      {"hr", {}},
      {"i", {}},
      {"img", {"src", "alt", "width", "height"}},
      {"ins", {"cite", "datetime"}},
      {"kbd", {}},
      {"li", {"value"}},
      {"main", {}},
      {"mark", {}},
      {"nav", {}},
      {"ol", {"start", "type", "reversed"}},
      {"p", {"align"}},
      {"pre", {}},
      {"q", {"cite"}},
      {"s", {}},
      {"samp", {}},
      {"section", {}},
      {"small", {}},
      {"span", {}},
      {"strike", {}},
      {"strong", {}},
      {"sub", {}},
      {"summary", {}},
      {"sup", {}},
      {"table", {"border", "cellpadding", "cellspacing", "width", "align", "summary"}},
      {"tbody", {"align", "valign"}},
      {"td", {"colspan", "rowspan", "align", "valign", "width", "height"}},
      {"tfoot", {"align", "valign"}},
      {"th", {"colspan", "rowspan", "align", "valign", "width", "height", "scope"}},
      {"thead", {"align", "valign"}},
      {"time", {"datetime"}},
      {"tr", {"align", "valign"}},
      {"tt", {}},
      {"u", {}},
      {"ul", {"type"}},
      {"var", {}},
      {"wbr", {}},
  };
  return elements;
}

// Dropped with everything inside: active content, document metadata, forms (phishing),
// embedded media and foreign (SVG/MathML) content.
const std::vector<std::string_view> kDroppedElements = {
    "applet", "area", "audio", "base", "basefont", "bgsound", "button", "canvas", "datalist",
    "dialog", "embed", "frame", "frameset", "head", "iframe", "image", "input", "keygen", "link",
    "map", "math", "menuitem", "meta", "noembed", "noframes", "noscript", "object", "optgroup",
    "option", "output", "param", "portal", "script", "select", "slot", "source", "style", "svg",
    "template", "textarea", "title", "track", "video",
};

const AllowedElement* find_allowed(std::string_view tag) {
  for (const AllowedElement& e : allowed_elements())
    if (e.tag == tag) return &e;
  return nullptr;
}

bool is_void(std::string_view tag) { return tag == "br" || tag == "hr" || tag == "img" || tag == "col" || tag == "wbr"; }

Action classify(const GumboNode* element) {
  if (element->type == GUMBO_NODE_TEMPLATE) return Action::kDrop;
  if (element->v.element.tag_namespace != GUMBO_NAMESPACE_HTML) return Action::kDrop;
  std::string_view tag = tag_name(element);
  for (std::string_view dropped : kDroppedElements)
    if (dropped == tag) return Action::kDrop;
  return find_allowed(tag) ? Action::kKeep : Action::kUnwrap;
}

void escape_into(std::string& out, std::string_view text, bool attribute_value) {
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"':
        if (attribute_value) out += "&quot;";
        else out += c;
        break;
      default: out += c;
    }
  }
}

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// Browsers ignore tabs and newlines inside URLs and leading/trailing controls and spaces,
// so "java\tscript:" is javascript: to them; the URL is cleaned the same way first.
std::string clean_url(std::string_view url) {
  std::string out;
  for (char c : url)
    if (c != '\t' && c != '\n' && c != '\r') out += c;
  size_t b = 0;
  while (b < out.size() && static_cast<unsigned char>(out[b]) <= 0x20) ++b;
  size_t e = out.size();
  while (e > b && static_cast<unsigned char>(out[e - 1]) <= 0x20) --e;
  return out.substr(b, e - b);
}

// The scheme of an absolute URL, lower-cased; "" for relative ones.
std::string scheme_of(std::string_view url) {
  size_t colon = url.find(':');
  if (colon == std::string_view::npos || colon == 0) return {};
  for (size_t i = 0; i < colon; ++i) {
    char c = url[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (i > 0 && ((c >= '0' && c <= '9') || c == '+' ||
                                                                               c == '-' || c == '.'));
    if (!ok) return {};
  }
  return lower_ascii(url.substr(0, colon));
}

bool is_link_url(std::string_view url) {
  std::string scheme = scheme_of(url);
  return scheme == "http" || scheme == "https" || scheme == "mailto";
}

bool is_inline_image_data(std::string_view url) {
  std::string head = lower_ascii(url.substr(0, 32));
  for (std::string_view type : {"data:image/png;", "data:image/gif;", "data:image/jpeg;", "data:image/jpg;",
                                "data:image/webp;"})
    if (head.starts_with(type)) return true;
  return false;
}

bool is_dimension(std::string_view v) {
  if (v.empty() || v.size() > 8) return false;
  size_t i = 0;
  while (i < v.size() && v[i] >= '0' && v[i] <= '9') ++i;
  if (i == 0) return false;
  std::string_view rest = v.substr(i);
  return rest.empty() || rest == "%" || rest == "px";
}

void append_attribute(std::string& out, std::string_view name, std::string_view value) {
  out += ' ';
  out += name;
  out += "=\"";
  escape_into(out, value, true);
  out += '"';
}

// The start tag with what the allow-list lets through; false when the element is
// pointless without what was removed (a link without a safe target, an image without a
// source) and should be unwrapped (a) or dropped (img) instead.
bool write_start_tag(std::string& out, const GumboNode* element, const AllowedElement& allowed,
                     const SanitizeOptions& options) {
  std::string tag(allowed.tag);
  std::string attributes;
  bool has_target = false;
  const GumboVector& list = element->v.element.attributes;
  for (unsigned i = 0; i < list.length; ++i) {
    const auto* a = static_cast<const GumboAttribute*>(list.data[i]);
    std::string_view name = a->name;
    std::string_view value = a->value;
    bool listed = false;
    for (std::string_view n : allowed.attributes) listed = listed || n == name;
    for (std::string_view n : kGlobalAttributes) listed = listed || n == name;
    if (!listed) continue;  // style, class, id, on*, and everything unknown
    if (name == "href") {
      std::string url = clean_url(value);
      if (!is_link_url(url)) continue;
      append_attribute(attributes, "href", url);
      has_target = true;
    } else if (name == "src") {
      std::string url = clean_url(value);
      std::string scheme = scheme_of(url);
      if (scheme == "cid" || is_inline_image_data(url)) {
        append_attribute(attributes, "src", url);
      } else if (scheme == "http" || scheme == "https") {
        append_attribute(attributes, options.allow_remote_images ? "src" : "data-remote-src", url);
      } else {
        continue;
      }
      has_target = true;
    } else if (name == "cite") {
      std::string url = clean_url(value);
      std::string scheme = scheme_of(url);
      if (scheme == "http" || scheme == "https") append_attribute(attributes, "cite", url);
    } else if (name == "width" || name == "height") {
      if (is_dimension(value)) append_attribute(attributes, name, value);
    } else {
      append_attribute(attributes, name, value);
    }
  }
  if ((tag == "a" || tag == "img") && !has_target) return false;
  if (tag == "a") attributes += " rel=\"noopener noreferrer nofollow\" target=\"_blank\"";
  out += '<';
  out += tag;
  out += attributes;
  out += '>';
  return true;
}

}  // namespace

std::string sanitize_html(std::string_view html, const SanitizeOptions& options) {
  std::string out;
  if (nests_deeper_than(html, kMaxHtmlNesting)) {
    out = "<pre>";
    escape_into(out, make_valid_utf8(strip_tags(html)), false);
    out += "</pre>";
    return out;
  }
  ParsedHtml parsed(html);
  out.reserve(html.size());
  struct Frame {
    const GumboNode* node;
    unsigned next_child;
    std::string_view end_tag;  // "" when the element was unwrapped
  };
  std::vector<Frame> stack;
  stack.push_back({parsed.root(), 0, {}});
  while (!stack.empty()) {
    const GumboVector* children = children_of(stack.back().node);
    if (!children || stack.back().next_child >= children->length) {
      if (!stack.back().end_tag.empty()) {
        out += "</";
        out += stack.back().end_tag;
        out += '>';
      }
      stack.pop_back();
      continue;
    }
    const auto* child = static_cast<const GumboNode*>(children->data[stack.back().next_child++]);
    switch (child->type) {
      case GUMBO_NODE_TEXT:
      case GUMBO_NODE_WHITESPACE:
      case GUMBO_NODE_CDATA: escape_into(out, child->v.text.text, false); break;
      case GUMBO_NODE_ELEMENT:
      case GUMBO_NODE_TEMPLATE: {
        Action action = classify(child);
        if (action == Action::kDrop) break;
        const AllowedElement* allowed = action == Action::kKeep ? find_allowed(tag_name(child)) : nullptr;
        if (allowed && !write_start_tag(out, child, *allowed, options)) {
          if (allowed->tag == "img") break;
          allowed = nullptr;
        }
        if (allowed && is_void(allowed->tag)) break;
        stack.push_back({child, 0, allowed ? allowed->tag : std::string_view()});
        break;
      }
      default: break;  // comments, the document node
    }
  }
  return out;
}

}  // namespace redress::mail
