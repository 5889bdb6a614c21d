#pragma once
// Charsets for mail text: what iconv calls a declared charset, conversion to UTF-8 that
// never fails (bad bytes become U+FFFD), and RFC 2047 decoding that survives labels that
// lie. Internal to src/mail.
#include <string>
#include <string_view>
#include <vector>

namespace redress::mail {

// The name iconv knows for a charset a mail declares, "" when iconv knows none. Follows the
// WHATWG encoding standard where mail in the wild needs it: latin-1 and us-ascii labels
// mean windows-1252, gb2312 means GB18030, ks_c_5601-1987 means CP949.
std::string resolve_charset(std::string_view declared);

bool is_valid_utf8(std::string_view bytes);

// Replaces every invalid UTF-8 sequence with U+FFFD and drops NUL bytes (PostgreSQL text
// cannot hold them).
std::string make_valid_utf8(std::string_view bytes);

// The charsets a raw message declares anywhere (charset= parameters in its first 64 KiB),
// as iconv names, multi-byte ones first: unencoded 8-bit header bytes and mislabelled
// encoded words are most often in one of them. UTF-8 and windows-1252 are left out (they
// are tried anyway).
std::vector<std::string> declared_charsets(std::string_view raw);

// Bytes labelled `declared` ("" when unlabelled) as valid UTF-8 without NULs. The label is
// trusted when its charset reads every byte; otherwise UTF-8, then `candidates`, are tried
// before falling back to the label with replacement characters (or windows-1252 when the
// label is unknown). Sets *unknown_label when iconv does not know the label.
std::string to_utf8(std::string_view bytes, std::string_view declared, const std::vector<std::string>& candidates = {},
                    bool* unknown_label = nullptr);

// Unencoded 8-bit header bytes as UTF-8: UTF-8 when valid, else the first candidate that
// reads every byte, else windows-1252.
std::string decode_8bit(std::string_view bytes, const std::vector<std::string>& candidates);

// An unstructured header value (unfolded) with its RFC 2047 encoded words decoded and its
// raw 8-bit bytes converted: valid UTF-8. Adjacent words of one charset are decoded
// together, since senders split multi-byte characters across words.
std::string decode_rfc2047(std::string_view value, const std::vector<std::string>& candidates);

// For structured headers, which GMime decodes: the charset of each encoded word rewritten
// to one iconv knows and that reads the word's bytes (see to_utf8); payloads unchanged.
std::string canonicalise_encoded_words(std::string_view value, const std::vector<std::string>& candidates);

}  // namespace redress::mail
