#pragma once
// Server-rendered HTML pages: mustache files under web/pages/, their words from
// web/messages/<language>.json (English fills what a language lacks), both compiled into
// the binary. Adding a language is adding its message file.
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "http/message.h"

namespace redress::http {

// The messages of one language with English under them; unknown languages get English.
const nlohmann::json& page_messages(const std::string& language);

// The first language of an Accept-Language header we have messages for; "en" otherwise.
std::string page_language(const std::optional<std::string>& accept_language);

// An HTML response: the page's headers keep it out of caches, frames and Referer headers
// (its URL may carry a secret) and allow no script at all.
Result<Response> html_page(int status, const std::string& page, const nlohmann::json& values);

}  // namespace redress::http
