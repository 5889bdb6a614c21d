#pragma once
// How a reply finds its ticket. Our outgoing Message-IDs carry the ticket id signed with
// an HMAC, so a reply's In-Reply-To/References point back even when the thread was
// forwarded around, and nobody can forge one to write into someone else's ticket. The
// "[#NUMBER]" subject tag is the fallback for clients that drop those headers.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace redress::mail {

// "redress.<ticket>.<nonce>.<mac>@<domain>" (no <>), unique per call.
std::string make_message_id(int64_t ticket_id, std::string_view secret, std::string_view domain);
// The ticket id when id is one of ours with a valid signature under secret.
std::optional<int64_t> signed_ticket_of(std::string_view message_id, std::string_view secret);

// The NUMBER of the first "[#NUMBER]" in subject.
std::optional<std::string> subject_tag(std::string_view subject);
// subject with "[#number]" in front, unless it already carries that tag.
std::string tagged_subject(std::string_view subject, std::string_view number);

}  // namespace redress::mail
