#include "core/clock.h"

#include <gtest/gtest.h>

namespace redress {
namespace {

using namespace std::chrono;
using namespace std::chrono_literals;

TimePoint at(int y, unsigned mo, unsigned d, int h = 0, int mi = 0, int s = 0, int64_t us = 0) {
  return time_point_cast<microseconds>(sys_days(year(y) / month(mo) / day(d)) + hours(h) + minutes(mi) + seconds(s)) +
         microseconds(us);
}

TimePoint parsed(std::string_view text) {
  TimePoint t{};
  EXPECT_TRUE(parse_rfc3339(text, t)) << text;
  return t;
}

bool accepts(std::string_view text) {
  TimePoint t{};
  return parse_rfc3339(text, t);
}

TEST(FakeClockTest, StandsStillUntilAdvanced) {
  FakeClock clock(at(2026, 11, 22, 14, 27, 34));
  EXPECT_EQ(clock.now(), at(2026, 11, 22, 14, 27, 34));
  EXPECT_EQ(clock.now(), clock.now());
}

TEST(FakeClockTest, AdvanceMovesForwardByExactlyTheGivenDuration) {
  FakeClock clock(at(2026, 1, 1));
  clock.advance(4 * 24h);
  EXPECT_EQ(clock.now(), at(2026, 1, 5));
  clock.advance(1500us);
  EXPECT_EQ(clock.now(), at(2026, 1, 5, 0, 0, 0, 1500));
}

TEST(FakeClockTest, SetJumpsToTheGivenInstant) {
  FakeClock clock(at(2026, 1, 1));
  clock.set(at(2030, 6, 15, 8));
  EXPECT_EQ(clock.now(), at(2030, 6, 15, 8));
}

TEST(ClockTest, MicrosRoundTrip) {
  auto t = at(2026, 11, 22, 14, 27, 34, 123456);
  EXPECT_EQ(from_micros(to_micros(t)), t);
  EXPECT_EQ(to_micros(from_micros(0)), 0);
}

TEST(Rfc3339Test, FormatsInUtcWithMilliseconds) {
  EXPECT_EQ(format_rfc3339(at(2026, 11, 22, 14, 27, 34, 123000)), "2026-11-22T14:27:34.123Z");
}

TEST(Rfc3339Test, FormatTruncatesMicrosecondsToMilliseconds) {
  EXPECT_EQ(format_rfc3339(at(2026, 11, 22, 14, 27, 34, 123999)), "2026-11-22T14:27:34.123Z");
}

TEST(Rfc3339Test, FormatShowsZeroMillisecondsOnAWholeSecond) {
  EXPECT_EQ(format_rfc3339(at(2026, 1, 2, 3, 4, 5)), "2026-01-02T03:04:05.000Z");
}

TEST(Rfc3339Test, ParsesWhatFormatWrites) {
  auto t = at(2026, 11, 22, 14, 27, 34, 123000);
  EXPECT_EQ(parsed(format_rfc3339(t)), t);
}

TEST(Rfc3339Test, ParsesABareDateAsMidnightUtc) {
  EXPECT_EQ(parsed("2026-03-01"), at(2026, 3, 1));
}

TEST(Rfc3339Test, ParsesZuluTime) {
  EXPECT_EQ(parsed("2026-03-01T10:20:30Z"), at(2026, 3, 1, 10, 20, 30));
  EXPECT_EQ(parsed("2026-03-01t10:20:30z"), at(2026, 3, 1, 10, 20, 30));
}

TEST(Rfc3339Test, ParsesASpaceBetweenDateAndTime) {
  EXPECT_EQ(parsed("2026-03-01 10:20:30Z"), at(2026, 3, 1, 10, 20, 30));
}

TEST(Rfc3339Test, PositiveOffsetIsSubtractedToReachUtc) {
  EXPECT_EQ(parsed("2026-03-01T10:20:30+02:00"), at(2026, 3, 1, 8, 20, 30));
}

TEST(Rfc3339Test, NegativeOffsetIsAddedToReachUtc) {
  EXPECT_EQ(parsed("2026-03-01T22:00:00-05:30"), at(2026, 3, 2, 3, 30, 0));
}

TEST(Rfc3339Test, FractionsOfASecondAreKeptToTheMicrosecond) {
  EXPECT_EQ(parsed("2026-03-01T10:20:30.5Z"), at(2026, 3, 1, 10, 20, 30, 500000));
  EXPECT_EQ(parsed("2026-03-01T10:20:30.123456Z"), at(2026, 3, 1, 10, 20, 30, 123456));
  EXPECT_EQ(parsed("2026-03-01T10:20:30.250+01:00"), at(2026, 3, 1, 9, 20, 30, 250000));
}

TEST(Rfc3339Test, DigitsBeyondMicrosecondsAreIgnored) {
  EXPECT_EQ(parsed("2026-03-01T10:20:30.1234567Z"), at(2026, 3, 1, 10, 20, 30, 123456));
}

TEST(Rfc3339Test, LeapDayIsAcceptedOnlyInLeapYears) {
  EXPECT_EQ(parsed("2028-02-29"), at(2028, 2, 29));
  EXPECT_FALSE(accepts("2026-02-29"));
}

TEST(Rfc3339Test, RejectsGarbage) {
  EXPECT_FALSE(accepts(""));
  EXPECT_FALSE(accepts("yesterday"));
  EXPECT_FALSE(accepts("2026"));
  EXPECT_FALSE(accepts("26-03-01"));
  EXPECT_FALSE(accepts("2026/03/01"));
  EXPECT_FALSE(accepts("2026-3-1"));
  EXPECT_FALSE(accepts("2026-03-01T"));
  EXPECT_FALSE(accepts("2026-03-01T10:20Z"));
}

TEST(Rfc3339Test, RejectsMonthThirteen) {
  EXPECT_FALSE(accepts("2026-13-01"));
  EXPECT_FALSE(accepts("2026-13-01T00:00:00Z"));
}

TEST(Rfc3339Test, RejectsImpossibleDaysAndTimes) {
  EXPECT_FALSE(accepts("2026-00-10"));
  EXPECT_FALSE(accepts("2026-04-31"));
  EXPECT_FALSE(accepts("2026-03-01T24:00:00Z"));
  EXPECT_FALSE(accepts("2026-03-01T10:60:00Z"));
}

TEST(Rfc3339Test, RejectsATimeWithoutZoneOrOffset) {
  EXPECT_FALSE(accepts("2026-03-01T10:20:30"));
  EXPECT_FALSE(accepts("2026-03-01T10:20:30.123"));
}

TEST(Rfc3339Test, RejectsTrailingJunk) {
  EXPECT_FALSE(accepts("2026-03-01x"));
  EXPECT_FALSE(accepts("2026-03-01T10:20:30Zjunk"));
  EXPECT_FALSE(accepts("2026-03-01T10:20:30+02:00:00"));
  EXPECT_FALSE(accepts("2026-03-01T10:20:30+02:00Z"));
}

TEST(Rfc3339Test, RejectsSignsAndSpacesWhereDigitsBelong) {
  EXPECT_FALSE(accepts("+026-03-01"));
  EXPECT_FALSE(accepts("2026-03- 1"));
  EXPECT_FALSE(accepts("2026-03-01T-1:20:30Z"));
  EXPECT_FALSE(accepts("2026-03-01T10:+2:30Z"));
  EXPECT_FALSE(accepts("2026-03-01T10:20:30+-1:00"));
}

TEST(Rfc3339Test, RejectsAnOutOfRangeOffset) {
  EXPECT_FALSE(accepts("2026-03-01T10:20:30+24:00"));
  EXPECT_FALSE(accepts("2026-03-01T10:20:30+02:60"));
}

}  // namespace
}  // namespace redress
