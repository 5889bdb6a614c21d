#include "service/report_service.h"

#include <gtest/gtest.h>

namespace redress::service {
namespace {

using namespace std::chrono;

Day day(int y, unsigned m, unsigned d) { return sys_days{year{y} / month{m} / d}; }

TEST(ReportWeeks, WeeksStartOnMondayAndTakeTheYearOfTheirThursday) {
  EXPECT_EQ(week_start(day(2026, 11, 18)), day(2026, 11, 16));  // a Wednesday
  EXPECT_EQ(week_start(day(2026, 11, 16)), day(2026, 11, 16));  // a Monday
  EXPECT_EQ(week_start(day(2026, 11, 22)), day(2026, 11, 16));  // a Sunday
  EXPECT_EQ(iso_week(day(2026, 11, 18)), "2026-W47");
  // 2026 begins on a Thursday: 53 weeks, and 1 January is in week 1.
  EXPECT_EQ(iso_week(day(2026, 1, 1)), "2026-W01");
  EXPECT_EQ(iso_week(day(2026, 12, 31)), "2026-W53");
  EXPECT_EQ(iso_week(day(2027, 1, 3)), "2026-W53");
  EXPECT_EQ(iso_week(day(2027, 1, 4)), "2027-W01");
  // Late December can belong to the next year's first week, early January to the last.
  EXPECT_EQ(iso_week(day(2024, 12, 30)), "2025-W01");
  EXPECT_EQ(iso_week(day(2021, 1, 3)), "2020-W53");
}

TEST(ReportWeeks, DaysAreWrittenAsIsoDates) {
  EXPECT_EQ(format_day(day(2026, 3, 7)), "2026-03-07");
  EXPECT_EQ(format_day(day(999, 12, 31)), "0999-12-31");
}

TEST(ReportMedian, IsTheMiddleValueOrTheMeanOfTheMiddleTwo) {
  EXPECT_EQ(median({}), std::nullopt);
  EXPECT_EQ(median({42}), 42.0);
  EXPECT_EQ(median({9, 1, 5}), 5.0);
  EXPECT_EQ(median({7, 1, 3, 5}), 4.0);
  EXPECT_EQ(median({2, 1}), 1.5);
  EXPECT_EQ(median({3, 3, 3, 1}), 3.0);
}

}  // namespace
}  // namespace redress::service
