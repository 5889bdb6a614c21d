#pragma once
// Reading and writing CSV (RFC 4180). Reading one record at a time: fields separated by commas, records by
// CRLF or LF; a quoted field may hold commas, line breaks and doubled quotes (""). Blank
// lines are skipped and a UTF-8 byte order mark at the start is dropped. Each record
// says on which line of the text it starts, so that a bad row can be named.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"

namespace redress {

struct CsvRecord {
  int line = 0;  // 1-based line where the record starts
  std::vector<std::string> fields;
};

class CsvReader {
 public:
  explicit CsvReader(std::string text);

  // The next record, or nullopt at the end. Invalid (naming the line) for a quoted field
  // that is never closed or is followed by something other than a comma or line end;
  // the reader is then at the end.
  Result<std::optional<CsvRecord>> next();

  // How far the reader got, for progress reports.
  size_t position() const { return pos_; }
  size_t size() const { return text_.size(); }

 private:
  std::string text_;
  size_t pos_ = 0;
  int line_ = 1;
};

// Writing CSV (RFC 4180): records end with CRLF; a field is quoted when it holds a comma,
// a double quote, CR or LF, with its quotes doubled. A field a spreadsheet would take for a
// formula (is_formula_like) gets an apostrophe in front; every other field reads back
// exactly as it was written.
// Starts with = + - @ TAB or CR and is not a plain number such as -12.50.
bool is_formula_like(const std::string& field);

class CsvWriter {
 public:
  void add(const std::vector<std::string>& fields);
  const std::string& text() const { return text_; }

 private:
  std::string text_;
};

}  // namespace redress
