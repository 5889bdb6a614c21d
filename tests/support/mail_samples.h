#pragma once
// Mails as customers send them, for the intake tests of every door: evidence attached,
// sizes up to and over the limits.
#include <cstdint>
#include <string>

namespace redress::test {

// n bytes that neither compress nor repeat, as a photo's would; the same for one seed.
std::string noise(size_t n, uint32_t seed);

// Base64 in lines of 76, as mail clients write it.
std::string base64_lines(const std::string& bytes);

// A complaint with its evidence: a French text, a PNG photo (colis.png) and a PDF statement
// (relevé.pdf, its name RFC 2231-encoded).
std::string mail_with_files(const std::string& message_id, const std::string& png, const std::string& pdf,
                            const std::string& from = "jane@example.com");

}  // namespace redress::test
