#pragma once
// Time is an injected effect. Wall time (system_clock) is what we store and show;
// timeouts use steady_clock directly and need no fake.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

namespace redress {

using TimePoint = std::chrono::sys_time<std::chrono::microseconds>;

// Thread-safe: now() may be called from any thread.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint now() const = 0;
};

class SystemClock final : public Clock {
 public:
  TimePoint now() const override;
};

// Starts at a fixed instant and moves only when told to.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(TimePoint start) : now_us_(start.time_since_epoch().count()) {}
  TimePoint now() const override { return TimePoint(std::chrono::microseconds(now_us_.load())); }
  void advance(std::chrono::microseconds d) { now_us_ += d.count(); }
  void set(TimePoint t) { now_us_ = t.time_since_epoch().count(); }

 private:
  std::atomic<int64_t> now_us_;
};

// Wall time plus an offset that only grows: `serve --dev-clock` lets an admin move the
// server's time forward so that an end-to-end test can see a four-day timer fire.
class OffsetClock final : public Clock {
 public:
  explicit OffsetClock(const Clock& base, std::chrono::microseconds offset = {})
      : base_(base), offset_us_(offset.count()) {}
  TimePoint now() const override { return base_.now() + std::chrono::microseconds(offset_us_.load()); }
  void advance(std::chrono::microseconds d) { offset_us_ += d.count(); }
  std::chrono::microseconds offset() const { return std::chrono::microseconds(offset_us_.load()); }

 private:
  const Clock& base_;
  std::atomic<int64_t> offset_us_;
};

// Microseconds since the Unix epoch: how times are stored in both databases.
inline int64_t to_micros(TimePoint t) { return t.time_since_epoch().count(); }
inline TimePoint from_micros(int64_t us) { return TimePoint(std::chrono::microseconds(us)); }

// RFC 3339 in UTC with millisecond precision, e.g. "2026-11-22T14:27:34.123Z".
std::string format_rfc3339(TimePoint t);
// Accepts "YYYY-MM-DD" and RFC 3339 with Z or an offset; false when it is neither.
bool parse_rfc3339(std::string_view text, TimePoint& out);

}  // namespace redress
