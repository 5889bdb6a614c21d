#pragma once
// The language a text is written in, by CLD2 (Debian's libcld2, Google's Compact Language
// Detector 2): a mail without Content-Language (most clients send none) still gets its
// acknowledgement in the customer's language.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace redress::mail {

struct DetectedLanguage {
  std::string code;  // ISO 639-1, lower-case ("fr")
  int percent = 0;   // of the text's letters in that language
  bool reliable = false;
};

// The most likely language of UTF-8 text among `wanted` (codes such as "en", "fr"), or
// nullopt when the text is too short or mixed to tell, or is in none of them. Quoted
// lines ("> ...") are left out: a reply quotes our mail in our language.
std::optional<DetectedLanguage> detect_language(std::string_view text, const std::vector<std::string>& wanted);

}  // namespace redress::mail
