#include "mail/language.h"

#include <cld2/public/compact_lang_det.h>
#include <cld2/internal/lang_script.h>
#include <cld2/public/encodings.h>

#include <algorithm>

namespace redress::mail {
namespace {

// CLD2 reads at most this much; the start of a mail says enough.
constexpr size_t kMaxScannedBytes = 16 << 10;

std::string without_quotes(std::string_view text) {
  std::string out;
  size_t at = 0;
  while (at < text.size() && out.size() < kMaxScannedBytes) {
    size_t end = text.find('\n', at);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(at, end - at);
    const size_t first = line.find_first_not_of(" \t");
    if (first == std::string_view::npos || line[first] != '>') {
      out.append(line);
      out += '\n';
    }
    at = end + 1;
  }
  // Never cut inside a UTF-8 sequence: CLD2 gives up on invalid input.
  size_t n = std::min(out.size(), kMaxScannedBytes);
  while (n > 0 && n < out.size() && (static_cast<unsigned char>(out[n]) & 0xC0) == 0x80) --n;
  out.resize(n);
  return out;
}

}  // namespace

std::optional<DetectedLanguage> detect_language(std::string_view text, const std::vector<std::string>& wanted) {
  const std::string scanned = without_quotes(text);
  // CLD2 returns at once on invalid UTF-8 without filling these in.
  CLD2::Language top3[3] = {CLD2::UNKNOWN_LANGUAGE, CLD2::UNKNOWN_LANGUAGE, CLD2::UNKNOWN_LANGUAGE};
  int percent3[3] = {0, 0, 0};
  int text_bytes = 0;
  bool reliable = false;
  int valid_prefix = 0;
  CLD2::CLDHints hints = {nullptr, nullptr, CLD2::UNKNOWN_ENCODING, CLD2::UNKNOWN_LANGUAGE};
  double scores[3] = {0, 0, 0};
  CLD2::ResultChunkVector* no_chunks = nullptr;
  CLD2::ExtDetectLanguageSummaryCheckUTF8(scanned.data(), static_cast<int>(scanned.size()), true, &hints, 0, top3,
                                          percent3, scores, no_chunks, &text_bytes, &reliable, &valid_prefix);
  if (valid_prefix < static_cast<int>(scanned.size())) return std::nullopt;  // not UTF-8: nothing was read
  // The first of the three in a wanted language, if it holds most of the text: a French
  // mail quoting an English order number is French.
  for (int i = 0; i < 3; ++i) {
    if (top3[i] == CLD2::UNKNOWN_LANGUAGE || percent3[i] < 50) break;
    const std::string code = CLD2::LanguageCode(top3[i]);
    if (std::find(wanted.begin(), wanted.end(), code) != wanted.end())
      return DetectedLanguage{code, percent3[i], reliable && i == 0};
  }
  return std::nullopt;
}

}  // namespace redress::mail
