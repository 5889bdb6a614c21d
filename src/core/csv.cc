#include "core/csv.h"

namespace redress {

CsvReader::CsvReader(std::string text) : text_(std::move(text)) {
  if (text_.starts_with("\xEF\xBB\xBF")) pos_ = 3;
}

Result<std::optional<CsvRecord>> CsvReader::next() {
  const size_t n = text_.size();
  // Blank lines separate nothing.
  while (pos_ < n && (text_[pos_] == '\n' || text_[pos_] == '\r')) {
    if (text_[pos_] == '\n') ++line_;
    ++pos_;
  }
  if (pos_ >= n) return std::optional<CsvRecord>();
  CsvRecord record;
  record.line = line_;
  std::string field;
  while (true) {
    if (pos_ < n && text_[pos_] == '"') {
      const int opened_at = line_;
      ++pos_;
      bool closed = false;
      while (pos_ < n) {
        const char ch = text_[pos_++];
        if (ch == '"') {
          if (pos_ < n && text_[pos_] == '"') {
            field += '"';
            ++pos_;
            continue;
          }
          closed = true;
          break;
        }
        if (ch == '\n') ++line_;
        field += ch;
      }
      if (!closed) {
        pos_ = n;
        return fail(ErrorCode::kInvalid,
                    "line " + std::to_string(opened_at) + ": a quoted field is not closed before the end of the file");
      }
      if (pos_ < n && text_[pos_] != ',' && text_[pos_] != '\n' && text_[pos_] != '\r') {
        const int at = line_;
        pos_ = n;
        return fail(ErrorCode::kInvalid,
                    "line " + std::to_string(at) + ": a closing quote must be followed by a comma or the line's end");
      }
    } else {
      // Unquoted: a quote inside is taken as it is.
      while (pos_ < n && text_[pos_] != ',' && text_[pos_] != '\n' && text_[pos_] != '\r') field += text_[pos_++];
    }
    record.fields.push_back(std::move(field));
    field.clear();
    if (pos_ >= n) break;
    if (text_[pos_] == ',') {
      ++pos_;
      continue;
    }
    // The record's end: CRLF or LF (a lone CR too).
    if (text_[pos_] == '\r') ++pos_;
    if (pos_ < n && text_[pos_] == '\n') ++pos_;
    ++line_;
    break;
  }
  return std::optional<CsvRecord>(std::move(record));
}

namespace {

bool is_plain_number(const std::string& f) {
  size_t i = f[0] == '-' ? 1 : 0;
  bool digits = false, dot = false;
  for (; i < f.size(); ++i) {
    if (f[i] >= '0' && f[i] <= '9') {
      digits = true;
    } else if (f[i] == '.' && !dot) {
      dot = true;
    } else {
      return false;
    }
  }
  return digits;
}

}  // namespace

bool is_formula_like(const std::string& f) {
  if (f.empty()) return false;
  const char first = f[0];
  if (first != '=' && first != '+' && first != '-' && first != '@' && first != '\t' && first != '\r') return false;
  // A negative amount is data, and no spreadsheet reads "-12.50" as anything else.
  return !is_plain_number(f);
}

void CsvWriter::add(const std::vector<std::string>& fields) {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i) text_ += ',';
    // A cell a spreadsheet would run as a formula ("=HYPERLINK(...)" as a user's name)
    // is written as text: a leading apostrophe is what Excel, LibreOffice and Google
    // Sheets read as "this is text", and what OWASP recommends.
    const std::string f = is_formula_like(fields[i]) ? "'" + fields[i] : fields[i];
    // A record of one empty field would be a blank line, which readers skip.
    const bool lone_empty = f.empty() && fields.size() == 1;
    if (!lone_empty && f.find_first_of(",\"\r\n") == std::string::npos) {
      text_ += f;
      continue;
    }
    text_ += '"';
    for (char ch : f) {
      if (ch == '"') text_ += '"';
      text_ += ch;
    }
    text_ += '"';
  }
  text_ += "\r\n";
}

}  // namespace redress
