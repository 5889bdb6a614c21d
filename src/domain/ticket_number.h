#pragma once
// Human-friendly ticket numbers from a format such as "C-{year}-{seq:06}".
// Placeholders: {year} (2026), {yy} (26), {month} (01..12), {seq} or {seq:0N}.
// The sequence restarts in each scope: a format with {year} numbers each year from 1.
#include <chrono>
#include <cstdint>
#include <string>

#include "core/clock.h"
#include "core/error.h"

namespace redress::domain {

class TicketNumberFormat {
 public:
  // Refuses formats with unknown placeholders, unbalanced braces or no {seq}.
  static Result<TicketNumberFormat> parse(const std::string& format);

  // The counter scope for a ticket created at t, e.g. "2026" for "{year}", "all" without dates.
  std::string scope(TimePoint t) const;
  std::string render(TimePoint t, int64_t seq) const;
  const std::string& text() const { return format_; }

 private:
  std::string format_;
  bool has_year_ = false;
  bool has_month_ = false;
};

}  // namespace redress::domain
