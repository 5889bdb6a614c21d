#pragma once
// Where a page may send a person next. "next" comes from the address bar, so a link can
// carry anything: it must stay on this site as the browser itself will read it. Browsers
// drop tabs and line breaks anywhere in a URL, strip leading control characters and
// spaces, and read "\" as "/": "/\t/evil.example/" and "/\\evil.example" both become
// "//evil.example", another site. Hence only a path of visible ASCII without backslashes,
// starting with one "/" and not two. Anything else (percent-encoded by the browser when
// it was a real address on this site) is refused.
#include <string>
#include <string_view>

namespace redress::http {

bool is_same_site_path(std::string_view next);

// next when it is a path on this site, else fallback.
std::string same_site_or(std::string_view next, std::string fallback);

}  // namespace redress::http
