#pragma once
// HTML from mail is shown to agents and customers: it must not run scripts, carry event
// handlers or load remote content without consent. An allow-list over gumbo's HTML5 parse
// tree decides what survives; everything else is dropped (its text kept where harmless).
#include <string>
#include <string_view>

namespace redress::mail {

struct SanitizeOptions {
  // Remote images (http/https src) are kept as data-remote-src (not loaded) unless allowed.
  bool allow_remote_images = false;
};

// A fragment (no <html>/<head>/<body>) of allow-listed elements and attributes; links keep
// http(s)/mailto hrefs only and get rel="noopener noreferrer nofollow" target="_blank";
// cid: image sources stay (the viewer maps them to attachments).
std::string sanitize_html(std::string_view html, const SanitizeOptions& options = {});

// Readable plain text: block elements become line breaks, lists get "- ", links keep their
// target as "text <url>" when it differs from the text, scripts/styles vanish, entities
// are decoded, runs of blank lines are collapsed.
std::string html_to_text(std::string_view html);

}  // namespace redress::mail
