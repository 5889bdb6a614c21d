#pragma once
// Just enough YAML to read the top-level scalars of Zammad's parser snapshots
// (corpus/mail/zammad/*.yml): plain, single- and double-quoted scalars over several lines
// and literal block scalars with chomping. Nested values (attachments) are skipped.
// Not a YAML parser: it reads what those files use, and fails loudly (nullopt) otherwise.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace redress::test {

namespace yaml_detail {

inline std::vector<std::string_view> lines_of(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    if (line.ends_with('\r')) line.remove_suffix(1);
    lines.push_back(line);
    pos = end + 1;
  }
  return lines;
}

inline size_t indent_of(std::string_view line) {
  size_t i = 0;
  while (i < line.size() && line[i] == ' ') ++i;
  return i;
}

inline bool blank(std::string_view line) { return line.find_first_not_of(" \t") == std::string_view::npos; }

inline std::string_view trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t");
  if (b == std::string_view::npos) return {};
  size_t e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

inline void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Joins the physical lines of a flow scalar (quoted or plain): a single line break is a
// space, each empty line a newline; the lines' surrounding blanks go.
inline std::string fold_flow_lines(const std::vector<std::string>& pieces) {
  std::string out;
  int empty_run = 0;
  for (size_t i = 0; i < pieces.size(); ++i) {
    std::string_view piece = pieces[i];
    if (i > 0) piece = piece.substr(std::min(piece.find_first_not_of(" \t"), piece.size()));
    if (i + 1 < pieces.size()) {
      size_t e = piece.find_last_not_of(" \t");
      piece = e == std::string_view::npos ? std::string_view() : piece.substr(0, e + 1);
    }
    if (i > 0 && piece.empty() && i + 1 < pieces.size()) {
      ++empty_run;
      continue;
    }
    if (i > 0) out += empty_run > 0 ? std::string(empty_run, '\n') : std::string(" ");
    empty_run = 0;
    out += piece;
  }
  return out;
}

// The unescaped content of a double-quoted scalar that starts at lines[i] (after `first`).
inline std::optional<std::string> double_quoted(const std::vector<std::string_view>& lines, size_t& i,
                                                std::string_view first) {
  std::string out;
  std::string_view rest = first.substr(1);
  size_t preserved = 0;  // out's length up to which trailing blanks were escaped, not raw
  while (true) {
    for (size_t k = 0; k < rest.size(); ++k) {
      char c = rest[k];
      if (c == '"') return out;
      if (c != '\\') {
        out += c;
        continue;
      }
      if (++k >= rest.size()) {  // escaped line break: join without a space
        if (++i >= lines.size()) return std::nullopt;
        rest = lines[i].substr(std::min(lines[i].find_first_not_of(" \t"), lines[i].size()));
        k = static_cast<size_t>(-1);
        preserved = out.size();
        continue;
      }
      char e = rest[k];
      auto hex = [&](int digits) -> std::optional<uint32_t> {
        if (k + digits >= rest.size()) return std::nullopt;
        uint32_t v = 0;
        for (int d = 1; d <= digits; ++d) {
          char h = rest[k + d];
          v <<= 4;
          if (h >= '0' && h <= '9') v |= h - '0';
          else if (h >= 'a' && h <= 'f') v |= h - 'a' + 10;
          else if (h >= 'A' && h <= 'F') v |= h - 'A' + 10;
          else return std::nullopt;
        }
        k += digits;
        return v;
      };
      switch (e) {
        case '0': out += '\0'; break;
        case 'a': out += '\a'; break;
        case 'b': out += '\b'; break;
        case 't': case '\t': out += '\t'; break;
        case 'n': out += '\n'; break;
        case 'v': out += '\v'; break;
        case 'f': out += '\f'; break;
        case 'r': out += '\r'; break;
        case 'e': out += '\x1b'; break;
        case ' ': out += ' '; break;
        case '"': out += '"'; break;
        case '/': out += '/'; break;
        case '\\': out += '\\'; break;
        case 'N': append_utf8(out, 0x85); break;
        case '_': append_utf8(out, 0xA0); break;
        case 'L': append_utf8(out, 0x2028); break;
        case 'P': append_utf8(out, 0x2029); break;
        case 'x': {
          auto v = hex(2);
          if (!v) return std::nullopt;
          append_utf8(out, *v);  // YAML's \x is a code point (U+0000..U+00FF), not a byte
          break;
        }
        case 'u': {
          auto v = hex(4);
          if (!v) return std::nullopt;
          append_utf8(out, *v);
          break;
        }
        case 'U': {
          auto v = hex(8);
          if (!v) return std::nullopt;
          append_utf8(out, *v);
          break;
        }
        default: return std::nullopt;
      }
      preserved = out.size();
    }
    // A raw line break inside the quotes: fold it.
    while (out.size() > preserved && (out.back() == ' ' || out.back() == '\t')) out.pop_back();
    int empty_lines = 0;
    while (true) {
      if (++i >= lines.size()) return std::nullopt;
      if (!blank(lines[i])) break;
      ++empty_lines;
    }
    out += empty_lines > 0 ? std::string(empty_lines, '\n') : std::string(" ");
    rest = lines[i].substr(lines[i].find_first_not_of(" \t"));
    preserved = out.size();
  }
}

inline std::optional<std::string> single_quoted(const std::vector<std::string_view>& lines, size_t& i,
                                                std::string_view first) {
  std::vector<std::string> pieces;
  std::string current;
  std::string_view rest = first.substr(1);
  while (true) {
    for (size_t k = 0; k < rest.size(); ++k) {
      if (rest[k] != '\'') {
        current += rest[k];
      } else if (k + 1 < rest.size() && rest[k + 1] == '\'') {
        current += '\'';
        ++k;
      } else {
        pieces.push_back(current);
        return fold_flow_lines(pieces);
      }
    }
    pieces.push_back(current);
    current.clear();
    if (++i >= lines.size()) return std::nullopt;
    rest = lines[i];
  }
}

// A literal block scalar ("|", "|-", "|+", optionally with an indentation digit).
inline std::string literal_block(const std::vector<std::string_view>& lines, size_t& i, std::string_view header) {
  char chomp = 'c';
  size_t indent = 0;
  for (char c : header.substr(1)) {
    if (c == '-' || c == '+') chomp = c;
    if (c >= '1' && c <= '9') indent = static_cast<size_t>(c - '0');
  }
  std::string out;
  while (i + 1 < lines.size()) {
    std::string_view next = lines[i + 1];
    if (!blank(next)) {
      if (indent == 0) indent = indent_of(next);
      if (indent == 0 || indent_of(next) < indent) break;
    }
    out += next.size() >= indent ? next.substr(indent) : std::string_view();
    out += '\n';
    ++i;
  }
  if (chomp == '-') {
    while (!out.empty() && out.back() == '\n') out.pop_back();
  } else if (chomp == 'c') {
    while (out.size() >= 2 && out[out.size() - 1] == '\n' && out[out.size() - 2] == '\n') out.pop_back();
  }
  return out;
}

}  // namespace yaml_detail

// Top-level key -> string for the scalar values of a snapshot; keys whose value is a
// sequence or mapping are left out. nullopt when a wanted scalar cannot be read.
inline std::optional<std::map<std::string, std::string>> read_top_level_scalars(std::string_view text) {
  using namespace yaml_detail;
  std::vector<std::string_view> lines = lines_of(text);
  std::map<std::string, std::string> out;
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string_view line = lines[i];
    if (line.empty() || line[0] == ' ' || line[0] == '-' || line[0] == '#' || line == "...") continue;
    size_t colon = line.find(": ");
    bool bare_key = colon == std::string_view::npos && line.ends_with(':');
    if (bare_key) continue;  // a nested sequence or mapping follows
    if (colon == std::string_view::npos) return std::nullopt;
    std::string key(line.substr(0, colon));
    std::string_view value = trim(line.substr(colon + 2));
    if (value.starts_with('"')) {
      auto v = double_quoted(lines, i, value);
      if (!v) return std::nullopt;
      out[key] = *v;
    } else if (value.starts_with('\'')) {
      auto v = single_quoted(lines, i, value);
      if (!v) return std::nullopt;
      out[key] = *v;
    } else if (value.starts_with('|')) {
      out[key] = literal_block(lines, i, value);
    } else if (value.starts_with('>')) {
      return std::nullopt;  // folded blocks: not used by the snapshots
    } else if (value == "[]" || value == "{}") {
      out[key] = "";
    } else if (value.starts_with('!') || value.starts_with('&') || value.starts_with('*')) {
      continue;  // tagged or anchored values: not in the keys this reader serves
    } else {
      std::vector<std::string> pieces{std::string(value)};
      while (i + 1 < lines.size() && (lines[i + 1].empty() || lines[i + 1][0] == ' ')) pieces.emplace_back(lines[++i]);
      while (pieces.size() > 1 && blank(pieces.back())) pieces.pop_back();
      out[key] = fold_flow_lines(pieces);
    }
  }
  return out;
}

}  // namespace redress::test
