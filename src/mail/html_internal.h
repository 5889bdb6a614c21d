#pragma once
// A gumbo parse that is safe on hostile input, shared by the sanitiser and html_to_text.
#include <gumbo.h>

#include <algorithm>
#include <initializer_list>
#include <string>
#include <string_view>
#include <unordered_set>

namespace redress::mail {

// Whether an element's name is one of names.
inline bool one_of(std::string_view name, std::initializer_list<std::string_view> names) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// Owns a gumbo parse tree. gumbo_destroy_output frees the tree recursively and overflows
// the stack on deeply nested input (100k nested tables, about 1.5 MB, crash it), so every
// allocation gumbo makes is tracked here and released in one flat loop instead.
class ParsedHtml {
 public:
  explicit ParsedHtml(std::string_view html);
  ~ParsedHtml();
  ParsedHtml(const ParsedHtml&) = delete;
  ParsedHtml& operator=(const ParsedHtml&) = delete;

  // The <html> element; never null.
  const GumboNode* root() const { return output_->root; }

 private:
  static void* allocate(void* self, size_t size);
  static void deallocate(void* self, void* ptr);

  std::string source_;  // gumbo points into it
  std::unordered_set<void*> live_;
  GumboOutput* output_ = nullptr;
};

// gumbo builds its tree in time quadratic in the nesting depth (40k nested <div>, 200 KB,
// take 6 s at -O2), so mail nested deeper than this is not given to gumbo: it is read as
// text with its tags stripped. Real mail nests a few dozen levels, long Outlook threads a
// few hundred.
constexpr int kMaxHtmlNesting = 2000;

// Whether the elements of html may nest deeper than limit: counts open minus closed tags
// of the elements that can nest, an upper estimate for the tree gumbo would build.
bool nests_deeper_than(std::string_view html, int limit);

// The text of html with tags, comments, scripts and styles removed and the common
// entities decoded; block tags become line ends. Crude, for HTML gumbo cannot be given.
std::string strip_tags(std::string_view html);

// The children of an element, template or document node; null for text-like nodes.
const GumboVector* children_of(const GumboNode* node);

// Lower-case tag name ("" for tags gumbo does not know).
std::string_view tag_name(const GumboNode* element);

// The attribute's value, or null when the element has no such attribute.
const char* attribute(const GumboNode* element, const char* name);

}  // namespace redress::mail
