#include "mail/charset.h"

#include <iconv.h>
#include <uchardet/uchardet.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <optional>
#include <vector>

namespace redress::mail {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// ISO-2022-JP as Microsoft and Japanese mobile mailers write it (CP50220/50221, also called
// ISO-2022-JP-MS): JIS X 0208 plus the NEC and IBM extensions (circled numbers such as ①,
// roman numerals, the unit signs) and half-width katakana. glibc's ISO-2022-JP refuses
// the extensions; its EUC-JP-MS has them all, and ISO-2022-JP maps onto EUC-JP byte for
// byte (iso2022jp_as_eucjp). Not a name iconv knows: convert() and converts_cleanly()
// read it so.
constexpr std::string_view kIso2022JpMs = "ISO-2022-JP-MS";

char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string lower_trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '"')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '"')) s.remove_suffix(1);
  std::string out;
  out.reserve(s.size());
  for (char c : s) out += ascii_lower(c);
  return out;
}

// Labels that say nothing useful about 8-bit bytes: decide from the bytes themselves.
bool is_guess_label(std::string_view label) {
  return label.empty() || label == "us-ascii" || label == "ascii" || label == "ansi_x3.4-1968" ||
         label == "us" || label == "unknown-8bit" || label == "x-unknown" || label == "unknown" ||
         label == "default" || label == "x-user-defined";
}

struct Alias {
  std::string_view label;
  std::string_view iconv_name;
};

// Where a label's strict meaning loses text that real senders meant (WHATWG encoding
// standard), or where glibc does not know the label.
constexpr Alias kAliases[] = {
    {"iso-8859-1", "WINDOWS-1252"},    {"iso8859-1", "WINDOWS-1252"},  {"iso_8859-1", "WINDOWS-1252"},
    {"latin1", "WINDOWS-1252"},        {"latin-1", "WINDOWS-1252"},    {"l1", "WINDOWS-1252"},
    {"cp819", "WINDOWS-1252"},         {"iso-ir-100", "WINDOWS-1252"}, {"iso-8859-9", "WINDOWS-1254"},
    {"latin5", "WINDOWS-1254"},        {"gb2312", "GB18030"},          {"iso-gb2312", "GB18030"},
    {"gbk", "GB18030"},                {"x-gbk", "GB18030"},           {"cp936", "GB18030"},
    {"euc-cn", "GB18030"},             {"x-euc-cn", "GB18030"},        {"csgb2312", "GB18030"},
    {"gb_2312-80", "GB18030"},         {"chinese", "GB18030"},         {"ks_c_5601-1987", "CP949"},
    {"ks_c_5601", "CP949"},            {"euc-kr", "CP949"},            {"korean", "CP949"},
    {"windows-949", "CP949"},          {"shift_jis", "CP932"},         {"shift-jis", "CP932"},
    {"x-sjis", "CP932"},               {"sjis", "CP932"},              {"ms_kanji", "CP932"},
    {"windows-31j", "CP932"},          {"big5", "BIG5-HKSCS"},         {"x-big5", "BIG5-HKSCS"},
    {"cn-big5", "BIG5-HKSCS"},         {"tis-620", "WINDOWS-874"},     {"iso-8859-11", "WINDOWS-874"},
    {"utf8", "UTF-8"},                 {"unicode-1-1-utf-8", "UTF-8"}, {"unicode-1-1-utf-7", "UTF-7"},
    {"iso-8859-8-i", "ISO-8859-8"},    {"x-mac-roman", "MACINTOSH"},   {"x-mac-cyrillic", "MAC-CYRILLIC"},
    {"x-cp1250", "WINDOWS-1250"},      {"x-cp1251", "WINDOWS-1251"},   {"x-cp1252", "WINDOWS-1252"},
    {"cp50220", kIso2022JpMs},         {"cp50221", kIso2022JpMs},      {"cp50222", kIso2022JpMs},
    {"iso-2022-jp-ms", kIso2022JpMs},  {"x-iso-2022-jp-ms", kIso2022JpMs},
};

bool iconv_knows(const std::string& name) {
  iconv_t cd = iconv_open("UTF-8", name.c_str());
  if (cd == reinterpret_cast<iconv_t>(-1)) return false;
  iconv_close(cd);
  return true;
}

// Length of the valid UTF-8 sequence at s[i], 0 when the bytes there are not one.
size_t utf8_sequence_length(std::string_view s, size_t i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = byte(i);
  if (c < 0x80) return 1;
  size_t len;
  uint32_t min;
  uint32_t cp;
  if ((c & 0xE0) == 0xC0) {
    len = 2, min = 0x80, cp = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    len = 3, min = 0x800, cp = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    len = 4, min = 0x10000, cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  for (size_t k = 1; k < len; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}

// How many leading bytes are ASCII other than NUL, eight at a time: most mail text is
// ASCII, and that needs no per-byte check.
size_t plain_ascii_prefix(std::string_view bytes) {
  constexpr uint64_t kHigh = 0x8080808080808080ULL, kOnes = 0x0101010101010101ULL;
  size_t i = 0;
  for (; i + 8 <= bytes.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, bytes.data() + i, 8);
    if ((w & kHigh) || ((w - kOnes) & ~w & kHigh)) break;  // a byte >= 0x80, or a zero byte
  }
  while (i < bytes.size() && bytes[i] != '\0' && static_cast<unsigned char>(bytes[i]) < 0x80) ++i;
  return i;
}

// ISO-2022-JP text re-encoded as EUC-JP: each JIS X 0208 pair with its high bits set,
// JIS X 0212 behind SS3, half-width katakana (ESC ( I, SO/SI, or raw 8-bit as CP50220
// writers leave them) behind SS2. nullopt for what is not ISO-2022-JP (another ISO-2022
// set such as ESC $ A, or stray 8-bit bytes).
std::optional<std::string> iso2022jp_as_eucjp(std::string_view bytes) {
  enum class Set { kAscii, kKatakana, kJis0208, kJis0212 };
  Set set = Set::kAscii;
  bool shifted_out = false;  // SO: half-width katakana until SI
  std::string out;
  out.reserve(bytes.size());
  for (size_t i = 0; i < bytes.size(); ++i) {
    const auto c = static_cast<unsigned char>(bytes[i]);
    if (c == 0x1B) {
      const std::string_view rest = bytes.substr(i + 1, 3);
      if (rest.starts_with("(B") || rest.starts_with("(J")) {
        set = Set::kAscii, i += 2;
      } else if (rest.starts_with("(I")) {
        set = Set::kKatakana, i += 2;
      } else if (rest.starts_with("$@") || rest.starts_with("$B")) {
        set = Set::kJis0208, i += 2;
      } else if (rest.starts_with("$(B") || rest.starts_with("$(Q")) {
        set = Set::kJis0208, i += 3;
      } else if (rest.starts_with("$(D")) {
        set = Set::kJis0212, i += 3;
      } else {
        return std::nullopt;
      }
      continue;
    }
    if (c == 0x0E) { shifted_out = true; continue; }
    if (c == 0x0F) { shifted_out = false; continue; }
    if (c >= 0xA1 && c <= 0xDF) {  // 8-bit half-width katakana
      out += '\x8E';
      out += static_cast<char>(c);
      continue;
    }
    if (c >= 0x80) return std::nullopt;
    if (c == '\r' || c == '\n' || c < 0x21 || c == 0x7F) {  // controls and space stand for themselves
      out += static_cast<char>(c);
      continue;
    }
    if (shifted_out || set == Set::kKatakana) {
      if (c > 0x5F) return std::nullopt;
      out += '\x8E';
      out += static_cast<char>(c | 0x80);
    } else if (set == Set::kJis0208 || set == Set::kJis0212) {
      if (i + 1 >= bytes.size()) return std::nullopt;
      const auto d = static_cast<unsigned char>(bytes[i + 1]);
      if (d < 0x21 || d > 0x7E) return std::nullopt;
      if (set == Set::kJis0212) out += '\x8F';
      out += static_cast<char>(c | 0x80);
      out += static_cast<char>(d | 0x80);
      ++i;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

std::string iconv_to_utf8(std::string_view bytes, const std::string& from) {
  iconv_t cd = iconv_open("UTF-8", from.c_str());
  if (cd == reinterpret_cast<iconv_t>(-1)) return make_valid_utf8(bytes);
  std::string out;
  out.reserve(bytes.size() + bytes.size() / 2);
  // iconv(3) takes char** but does not write through it.
  char* in = const_cast<char*>(bytes.data());
  size_t in_left = bytes.size();
  char buf[4096];
  while (in_left > 0) {
    char* o = buf;
    size_t o_left = sizeof buf;
    size_t r = iconv(cd, &in, &in_left, &o, &o_left);
    int error = errno;  // before anything else can change it
    out.append(buf, static_cast<size_t>(o - buf));
    if (r != static_cast<size_t>(-1) || error == E2BIG) continue;
    out += kReplacement;
    if (error == EILSEQ) {
      ++in;
      --in_left;
      iconv(cd, nullptr, nullptr, nullptr, nullptr);  // a stateful charset starts over
    } else {
      break;  // EINVAL: the input ends inside a character
    }
  }
  char* o = buf;
  size_t o_left = sizeof buf;
  iconv(cd, nullptr, nullptr, &o, &o_left);
  out.append(buf, static_cast<size_t>(o - buf));
  iconv_close(cd);
  return make_valid_utf8(out);
}

bool has_8bit(std::string_view bytes) {
  for (char c : bytes)
    if (static_cast<unsigned char>(c) >= 0x80) return true;
  return false;
}

// iconv reads every byte of `bytes` as `charset` without an error.
bool converts_cleanly(std::string_view bytes, const std::string& charset) {
  if (charset == kIso2022JpMs) {
    auto euc = iso2022jp_as_eucjp(bytes);
    return euc && converts_cleanly(*euc, "EUC-JP-MS");
  }
  iconv_t cd = iconv_open("UTF-8", charset.c_str());
  if (cd == reinterpret_cast<iconv_t>(-1)) return false;
  char* in = const_cast<char*>(bytes.data());
  size_t in_left = bytes.size();
  char buf[4096];
  bool clean = true;
  while (in_left > 0) {
    char* o = buf;
    size_t o_left = sizeof buf;
    if (iconv(cd, &in, &in_left, &o, &o_left) == static_cast<size_t>(-1) && errno != E2BIG) {
      clean = false;
      break;
    }
  }
  iconv_close(cd);
  return clean;
}

// More valid multi-byte UTF-8 sequences than invalid bytes (as many, when the label says
// UTF-8): UTF-8 with a few bad bytes rather than some other charset.
bool mostly_utf8(std::string_view bytes, bool labelled_utf8) {
  size_t valid = 0, invalid = 0;
  for (size_t i = 0; i < bytes.size();) {
    size_t len = utf8_sequence_length(bytes, i);
    if (len == 0) {
      ++invalid;
      ++i;
    } else {
      if (len > 1) ++valid;
      i += len;
    }
  }
  return valid > invalid || (labelled_utf8 && valid > 0 && valid == invalid);
}

// Charsets senders confuse with each other: a label from the family may name a sibling.
std::vector<std::string> siblings(const std::string& charset) {
  // An ISO-2022-JP label is 7-bit text that CP932 and EUC-JP would read "cleanly" as ASCII,
  // escapes and all: its own family comes first.
  if (charset.starts_with("ISO-2022-JP")) return {std::string(kIso2022JpMs), "ISO-2022-JP-3", "CP932", "EUC-JP"};
  if (charset == "CP932" || charset == "EUC-JP") return {"CP932", "EUC-JP", "EUC-JP-MS", "ISO-2022-JP"};
  return {};
}

// What uchardet (Mozilla's universal charset detector, as Debian ships it) makes of the
// bytes, as an iconv name; "" when it cannot tell, or sees only ASCII. The first 64 KiB
// say enough.
std::string detected_charset(std::string_view bytes) {
  uchardet_t detector = uchardet_new();
  if (!detector) return {};
  const size_t n = std::min<size_t>(bytes.size(), 64 << 10);
  std::string name;
  if (uchardet_handle_data(detector, bytes.data(), n) == 0) {
    uchardet_data_end(detector);
    if (const char* found = uchardet_get_charset(detector); found && *found) name = found;
  }
  uchardet_delete(detector);
  std::string resolved = name.empty() ? std::string() : resolve_charset(name);
  return resolved == "UTF-8" || resolved == "ASCII" ? std::string() : resolved;
}

bool is_multibyte(const std::string& charset);  // below, with the encoded words

// More 8-bit bytes than ASCII letters: text in another script (Cyrillic, Chinese), where
// Latin text ("Grüße aus München") has a few accented letters among many plain ones.
// Detectors read a handful of accented Latin letters as anything; this is when to ask one.
bool mostly_8bit_letters(std::string_view bytes) {
  size_t high = 0, ascii_letters = 0;
  for (char ch : bytes.substr(0, 64 << 10)) {
    const auto c = static_cast<unsigned char>(ch);
    if (c >= 0x80) ++high;
    else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') ++ascii_letters;
  }
  return high > ascii_letters;
}

// A charset for a script other than the Latin alphabet (multi-byte ones included).
bool is_other_script(const std::string& charset) {
  static constexpr std::string_view kOthers[] = {
      "KOI8-R",      "KOI8-U",       "WINDOWS-1251", "ISO-8859-5",   "IBM866",     "MAC-CYRILLIC", "ISO-8859-7",
      "WINDOWS-1253", "ISO-8859-8",  "WINDOWS-1255", "ISO-8859-6",   "WINDOWS-1256", "TIS-620",    "WINDOWS-874"};
  for (auto c : kOthers)
    if (charset == c) return true;
  return is_multibyte(charset);
}

// Which charset to read `bytes` with, given the label they came with (lower-cased).
std::string choose_charset(const std::string& label, std::string_view bytes,
                           const std::vector<std::string>& candidates) {
  std::string declared = is_guess_label(label) ? std::string() : resolve_charset(label);
  if (!has_8bit(bytes) && (declared.empty() || declared == "UTF-8")) return "UTF-8";
  if (!declared.empty()) {
    // Latin-1 reads any byte, so a Latin-1 label never "fails": misconfigured mailers put
    // it on Cyrillic, Greek or Chinese text too. A detector sure of another script wins.
    if (declared == "WINDOWS-1252" && mostly_8bit_letters(bytes) && !is_valid_utf8(bytes)) {
      if (std::string guessed = detected_charset(bytes);
          !guessed.empty() && is_other_script(guessed) && converts_cleanly(bytes, guessed))
        return guessed;
    }
    if (declared == "UTF-8" ? is_valid_utf8(bytes) : converts_cleanly(bytes, declared)) return declared;
    for (const std::string& sibling : siblings(declared))
      if (sibling != declared && converts_cleanly(bytes, sibling)) return sibling;
  }
  if (is_valid_utf8(bytes)) return "UTF-8";
  for (const std::string& candidate : candidates)
    if (candidate != declared && converts_cleanly(bytes, candidate)) return candidate;
  // Mostly UTF-8 with some stray bytes: UTF-8 text with a latin-1 piece pasted in (a
  // footer, a quoted mail), whatever the label says.
  if (mostly_utf8(bytes, declared == "UTF-8")) return "UTF-8";
  // No label, or one its bytes belie: what a charset detector reads in them (GB2312 sent
  // without a label), when that is another script than Latin, the text is mostly in it,
  // and it reads every byte. A Latin guess is no better than windows-1252 below.
  if (std::string guessed = detected_charset(bytes);
      !guessed.empty() && guessed != declared && is_other_script(guessed) && mostly_8bit_letters(bytes) &&
      converts_cleanly(bytes, guessed))
    return guessed;
  if (!declared.empty() && declared != "UTF-8") return declared;
  return "WINDOWS-1252";
}

// windows-1252's 0x80..0x9F (0 where it defines nothing); the rest of its upper half is
// latin-1, i.e. the byte's own code point.
constexpr uint16_t kWindows1252High[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178,
};

void append_code_point(std::string& out, uint32_t cp) {
  if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
  } else {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
  }
  out += static_cast<char>(0x80 | (cp & 0x3F));
}

// UTF-8 whose invalid bytes are read as windows-1252 (U+FFFD where it has no character).
std::string utf8_with_stray_bytes(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() + 8);
  for (size_t i = 0; i < bytes.size();) {
    size_t len = utf8_sequence_length(bytes, i);
    if (len > 0) {
      if (bytes[i] != '\0') out.append(bytes.substr(i, len));
      i += len;
      continue;
    }
    auto b = static_cast<unsigned char>(bytes[i++]);
    uint32_t cp = b >= 0xA0 ? b : kWindows1252High[b - 0x80];
    if (cp == 0) out += kReplacement;
    else append_code_point(out, cp);
  }
  return out;
}

std::string convert(std::string_view bytes, const std::string& charset) {
  if (charset == kIso2022JpMs) {
    if (auto euc = iso2022jp_as_eucjp(bytes)) return iconv_to_utf8(*euc, "EUC-JP-MS");
    return iconv_to_utf8(bytes, "ISO-2022-JP");
  }
  return charset == "UTF-8" ? utf8_with_stray_bytes(bytes) : iconv_to_utf8(bytes, charset);
}

bool is_multibyte(const std::string& charset) {
  for (std::string_view marker : {"UTF", "GB", "BIG5", "EUC", "2022", "JIS", "CP9", "HZ"})
    if (charset.find(marker) != std::string::npos) return true;
  return false;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = ascii_lower(c);
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

int base64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

std::string decode_word_payload(char encoding, std::string_view text) {
  std::string out;
  if (encoding == 'b') {
    uint32_t acc = 0;
    int bits = 0;
    for (char c : text) {
      int v = base64_value(c);
      if (v < 0) continue;
      acc = (acc << 6) | static_cast<uint32_t>(v);
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        out += static_cast<char>((acc >> bits) & 0xFF);
      }
    }
    return out;
  }
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '_') {
      out += ' ';
    } else if (text[i] == '=' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 &&
               hex_value(text[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

struct EncodedWord {
  size_t charset_begin, charset_end;  // in the header value
  size_t end;                         // one past "?="
  std::string label;                  // lower-cased, RFC 2231 language suffix removed
  std::string payload;                // decoded bytes
};

// Encoded words ("=?cs?Q|B?text?="); the charset and encoding must be well-formed.
std::vector<EncodedWord> find_encoded_words(std::string_view v) {
  std::vector<EncodedWord> words;
  size_t pos = 0;
  while ((pos = v.find("=?", pos)) != std::string_view::npos) {
    size_t cs_begin = pos + 2;
    size_t q1 = v.find('?', cs_begin);
    if (q1 == std::string_view::npos || q1 == cs_begin || q1 + 2 >= v.size() || v[q1 + 2] != '?') {
      pos += 2;
      continue;
    }
    char enc = ascii_lower(v[q1 + 1]);
    size_t text_begin = q1 + 3;
    size_t close = v.find("?=", text_begin);
    std::string_view cs = v.substr(cs_begin, q1 - cs_begin);
    // Some senders leave spaces inside the encoded text; those words are taken too, but
    // only when short, so that a stray "=?" in plain text does not swallow the line.
    if ((enc != 'b' && enc != 'q') || close == std::string_view::npos ||
        cs.find_first_of(" \t\r\n") != std::string_view::npos || close - text_begin > 200) {
      pos += 2;
      continue;
    }
    EncodedWord w;
    w.charset_begin = cs_begin;
    w.charset_end = q1;
    w.end = close + 2;
    w.label = lower_trimmed(cs.substr(0, cs.find('*')));
    w.payload = decode_word_payload(enc, v.substr(text_begin, close - text_begin));
    words.push_back(std::move(w));
    pos = close + 2;
  }
  return words;
}

bool only_whitespace(std::string_view s) { return s.find_first_not_of(" \t\r\n") == std::string_view::npos; }

}  // namespace

std::string resolve_charset(std::string_view declared) {
  std::string label = lower_trimmed(declared);
  if (label.empty() || label.size() > 40) return {};
  // Anything else could be read by iconv_open as a conversion suffix ("//TRANSLIT") or junk.
  for (char c : label) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
              c == ':' || c == '+';
    if (!ok) return {};
  }
  for (const Alias& alias : kAliases)
    if (alias.label == label) return std::string(alias.iconv_name);
  if (is_guess_label(label)) return "WINDOWS-1252";
  std::string name = label.starts_with("x-") && !iconv_knows(label) ? label.substr(2) : label;
  if (!iconv_knows(name)) return {};
  for (char& c : name)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return name;
}

bool is_valid_utf8(std::string_view bytes) {
  for (size_t i = plain_ascii_prefix(bytes); i < bytes.size();) {
    size_t len = utf8_sequence_length(bytes, i);
    if (len == 0) return false;
    i += len;
  }
  return true;
}

std::string make_valid_utf8(std::string_view bytes) {
  size_t ascii = plain_ascii_prefix(bytes);
  std::string out(bytes.substr(0, ascii));
  if (ascii == bytes.size()) return out;
  out.reserve(bytes.size() + 16);
  for (size_t i = ascii; i < bytes.size();) {
    size_t len = utf8_sequence_length(bytes, i);
    if (len == 0) {
      out += kReplacement;
      ++i;
    } else {
      if (bytes[i] != '\0') out.append(bytes.substr(i, len));
      i += len;
    }
  }
  return out;
}

std::string to_utf8(std::string_view bytes, std::string_view declared, const std::vector<std::string>& candidates,
                    bool* unknown_label) {
  std::string label = lower_trimmed(declared);
  if (unknown_label) *unknown_label = !is_guess_label(label) && resolve_charset(label).empty();
  return convert(bytes, choose_charset(label, bytes, candidates));
}

std::string decode_8bit(std::string_view bytes, const std::vector<std::string>& candidates) {
  if (!has_8bit(bytes)) return make_valid_utf8(bytes);
  return convert(bytes, choose_charset("", bytes, candidates));
}

namespace {

// Each run of adjacent encoded words with one label, and the charset that reads its bytes.
std::vector<std::string> word_charsets(std::string_view v, const std::vector<EncodedWord>& words,
                                       const std::vector<std::string>& candidates) {
  std::vector<std::string> chosen(words.size());
  for (size_t i = 0; i < words.size();) {
    size_t j = i + 1;
    std::string bytes = words[i].payload;
    while (j < words.size() && words[j].label == words[i].label &&
           only_whitespace(v.substr(words[j - 1].end, words[j].charset_begin - 2 - words[j - 1].end))) {
      bytes += words[j].payload;
      ++j;
    }
    std::string charset = choose_charset(words[i].label, bytes, candidates);
    for (size_t k = i; k < j; ++k) chosen[k] = charset;
    i = j;
  }
  return chosen;
}

}  // namespace

std::string decode_rfc2047(std::string_view v, const std::vector<std::string>& candidates) {
  std::vector<EncodedWord> words = find_encoded_words(v);
  std::vector<std::string> charsets = word_charsets(v, words, candidates);
  std::string out;
  size_t copied = 0;
  for (size_t i = 0; i < words.size();) {
    size_t word_begin = words[i].charset_begin - 2;
    std::string_view between = v.substr(copied, word_begin - copied);
    // Whitespace between two encoded words is not part of the text (RFC 2047, 6.2).
    if (!(i > 0 && only_whitespace(between))) out += decode_8bit(between, candidates);
    // Words that share a charset are converted together: a character may span two.
    std::string bytes = words[i].payload;
    size_t j = i + 1;
    while (j < words.size() && charsets[j] == charsets[i] &&
           only_whitespace(v.substr(words[j - 1].end, words[j].charset_begin - 2 - words[j - 1].end))) {
      bytes += words[j].payload;
      ++j;
    }
    out += convert(bytes, charsets[i]);
    copied = words[j - 1].end;
    i = j;
  }
  out += decode_8bit(v.substr(copied), candidates);
  return out;
}

std::string canonicalise_encoded_words(std::string_view v, const std::vector<std::string>& candidates) {
  std::vector<EncodedWord> words = find_encoded_words(v);
  if (words.empty()) return std::string(v);
  std::vector<std::string> chosen = word_charsets(v, words, candidates);
  std::string out;
  out.reserve(v.size() + 16);
  size_t copied = 0;
  for (size_t i = 0; i < words.size(); ++i) {
    out.append(v.substr(copied, words[i].charset_begin - copied));
    out += chosen[i];
    copied = words[i].charset_end;
  }
  out.append(v.substr(copied));
  return out;
}

std::vector<std::string> declared_charsets(std::string_view raw) {
  std::string_view head = raw.substr(0, 64 * 1024);
  std::vector<std::string> multi, single;
  for (size_t pos = 0; pos + 8 < head.size(); ++pos) {
    if (ascii_lower(head[pos]) != 'c' || lower_trimmed(head.substr(pos, 8)) != "charset=") continue;
    size_t begin = pos + 8;
    if (begin < head.size() && head[begin] == '"') ++begin;
    size_t end = begin;
    while (end < head.size() && end - begin < 40 && head[end] != '"' && head[end] != ';' && head[end] != ' ' &&
           head[end] != '\r' && head[end] != '\n' && head[end] != '\t')
      ++end;
    pos = end;
    std::string declared = resolve_charset(head.substr(begin, end - begin));
    // A Japanese mail declaring 7-bit ISO-2022-JP for its body writes raw header bytes in
    // its 8-bit siblings.
    std::vector<std::string> family = siblings(declared);
    if (family.empty()) family.push_back(declared);
    for (const std::string& charset : family) {
      if (charset.empty() || charset == "UTF-8" || charset == "WINDOWS-1252") continue;
      std::vector<std::string>& list = is_multibyte(charset) ? multi : single;
      if (std::find(list.begin(), list.end(), charset) == list.end() && list.size() < 6) list.push_back(charset);
    }
  }
  multi.insert(multi.end(), single.begin(), single.end());
  return multi;
}

}  // namespace redress::mail
