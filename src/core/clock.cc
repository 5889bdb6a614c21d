#include "core/clock.h"

#include <cstdio>
#include <fmt/chrono.h>
#include <fmt/format.h>

namespace redress {

TimePoint SystemClock::now() const {
  return std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now());
}

std::string format_rfc3339(TimePoint t) {
  // fmt 9 prints a time_point to whole seconds only, so the milliseconds are added here.
  auto secs = std::chrono::floor<std::chrono::seconds>(t);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t - secs).count();
  return fmt::format("{:%FT%T}.{:03}Z", secs, ms);
}

namespace {

// Whether text at pos has the shape of pattern, where 'd' stands for one ASCII digit.
// sscanf's %d alone would also take signs and leading spaces.
bool shaped(std::string_view text, size_t pos, std::string_view pattern) {
  if (pos > text.size() || text.size() - pos < pattern.size()) return false;
  for (size_t k = 0; k < pattern.size(); ++k) {
    char c = text[pos + k];
    if (pattern[k] == 'd' ? (c < '0' || c > '9') : c != pattern[k]) return false;
  }
  return true;
}

}  // namespace

bool parse_rfc3339(std::string_view text, TimePoint& out) {
  using namespace std::chrono;
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  std::string buf(text);
  int consumed = 0;
  if (!shaped(buf, 0, "dddd-dd-dd")) return false;
  if (std::sscanf(buf.c_str(), "%4d-%2d-%2d%n", &y, &mo, &d, &consumed) != 3 || consumed != 10) return false;
  year_month_day ymd{year(y), month(static_cast<unsigned>(mo)), day(static_cast<unsigned>(d))};
  if (!ymd.ok()) return false;
  int64_t frac_us = 0;
  int offset_min = 0;
  if (buf.size() > 10) {
    if (buf[10] != 'T' && buf[10] != 't' && buf[10] != ' ') return false;
    int c2 = 0;
    if (!shaped(buf, 11, "dd:dd:dd")) return false;
    if (std::sscanf(buf.c_str() + 11, "%2d:%2d:%2d%n", &h, &mi, &s, &c2) != 3 || c2 != 8) return false;
    if (h > 23 || mi > 59 || s > 60) return false;
    size_t i = 19;
    if (i < buf.size() && buf[i] == '.') {
      ++i;
      int64_t scale = 100000;
      while (i < buf.size() && buf[i] >= '0' && buf[i] <= '9') {
        frac_us += (buf[i] - '0') * scale;
        scale /= 10;
        ++i;
      }
    }
    if (i >= buf.size()) return false;
    if (buf[i] == 'Z' || buf[i] == 'z') {
      if (i + 1 != buf.size()) return false;
    } else if (buf[i] == '+' || buf[i] == '-') {
      int oh = 0, om = 0, c3 = 0;
      if (!shaped(buf, i + 1, "dd:dd")) return false;
      if (std::sscanf(buf.c_str() + i + 1, "%2d:%2d%n", &oh, &om, &c3) != 2 || c3 != 5 || i + 6 != buf.size())
        return false;
      if (oh > 23 || om > 59) return false;
      offset_min = (oh * 60 + om) * (buf[i] == '-' ? -1 : 1);
    } else {
      return false;
    }
  }
  auto tp = sys_days(ymd) + hours(h) + minutes(mi) + seconds(s) - minutes(offset_min);
  out = time_point_cast<microseconds>(tp) + microseconds(frac_us);
  return true;
}

}  // namespace redress
