#include "domain/ticket_number.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

namespace redress::domain {
namespace {

struct Parts {
  int year;
  unsigned month;
};

Parts parts_of(TimePoint t) {
  auto days = std::chrono::floor<std::chrono::days>(t);
  std::chrono::year_month_day ymd{days};
  return {static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month())};
}

// Calls on_text / on_field for each piece; returns false on a malformed format.
template <typename OnText, typename OnField>
bool walk(const std::string& f, OnText on_text, OnField on_field) {
  size_t i = 0;
  while (i < f.size()) {
    if (f[i] == '{') {
      auto close = f.find('}', i);
      if (close == std::string::npos) return false;
      if (!on_field(std::string_view(f).substr(i + 1, close - i - 1))) return false;
      i = close + 1;
    } else if (f[i] == '}') {
      return false;
    } else {
      auto next = f.find_first_of("{}", i);
      if (next == std::string::npos) next = f.size();
      on_text(std::string_view(f).substr(i, next - i));
      i = next;
    }
  }
  return true;
}

bool seq_width(std::string_view field, int& width) {
  if (field == "seq") {
    width = 0;
    return true;
  }
  if (field.size() == 7 && field.starts_with("seq:0") && field[5] >= '1' && field[5] <= '9' && field[6] >= '0' &&
      field[6] <= '9') {
    width = (field[5] - '0') * 10 + (field[6] - '0');
    return width <= 18;
  }
  if (field.size() == 6 && field.starts_with("seq:0") && field[5] >= '1' && field[5] <= '9') {
    width = field[5] - '0';
    return true;
  }
  return false;
}

}  // namespace

Result<TicketNumberFormat> TicketNumberFormat::parse(const std::string& format) {
  TicketNumberFormat out;
  out.format_ = format;
  int seqs = 0;
  bool ok = walk(
      format, [](std::string_view) {},
      [&](std::string_view field) {
        int width = 0;
        if (field == "year" || field == "yy") {
          out.has_year_ = true;
        } else if (field == "month") {
          out.has_month_ = true;
        } else if (seq_width(field, width)) {
          ++seqs;
        } else {
          return false;
        }
        return true;
      });
  if (!ok || seqs != 1) {
    return fail(ErrorCode::kInvalid, "tickets.number_format: '" + format +
                                         "' must contain {seq} (or {seq:0N}) once; other placeholders: "
                                         "{year}, {yy}, {month}");
  }
  if (out.has_month_ && !out.has_year_) {
    return fail(ErrorCode::kInvalid, "tickets.number_format: {month} needs {year} or {yy} too");
  }
  return out;
}

std::string TicketNumberFormat::scope(TimePoint t) const {
  auto p = parts_of(t);
  if (has_month_) return fmt::format("{:04}-{:02}", p.year, p.month);
  if (has_year_) return fmt::format("{:04}", p.year);
  return "all";
}

std::string TicketNumberFormat::render(TimePoint t, int64_t seq) const {
  auto p = parts_of(t);
  std::string out;
  walk(
      format_, [&](std::string_view text) { out += text; },
      [&](std::string_view field) {
        int width = 0;
        if (field == "year") {
          out += fmt::format("{:04}", p.year);
        } else if (field == "yy") {
          out += fmt::format("{:02}", p.year % 100);
        } else if (field == "month") {
          out += fmt::format("{:02}", p.month);
        } else if (seq_width(field, width)) {
          out += fmt::format("{:0{}}", seq, width);
        }
        return true;
      });
  return out;
}

}  // namespace redress::domain
