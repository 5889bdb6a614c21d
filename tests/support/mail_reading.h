#pragma once
// Reading mails as a recipient would, for tests that check what was sent: one header
// (RFC 2047 decoded) and the text/plain part (transfer-decoded), through GMime.
#include <string>

namespace redress::test {

// "" when the header is absent. GMime files Content-* headers under the body part: read
// those from the bytes instead.
std::string header_of(const std::string& raw, const std::string& name);
// The first text/plain part, decoded; "" when there is none.
std::string text_of(const std::string& raw);

}  // namespace redress::test
