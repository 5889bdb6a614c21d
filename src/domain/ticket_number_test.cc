#include "domain/ticket_number.h"

#include <gtest/gtest.h>

namespace redress::domain {
namespace {

using namespace std::chrono;

TimePoint on(int y, unsigned mo, unsigned d) {
  return time_point_cast<microseconds>(sys_days(year(y) / month(mo) / day(d)) + hours(13));
}

TicketNumberFormat format(const std::string& text) {
  auto f = TicketNumberFormat::parse(text);
  EXPECT_TRUE(f.has_value()) << text << ": " << f.error().message;
  return f.value_or(TicketNumberFormat{});
}

bool refused(const std::string& text) {
  auto f = TicketNumberFormat::parse(text);
  if (f) return false;
  EXPECT_EQ(f.error().code, ErrorCode::kInvalid);
  EXPECT_NE(f.error().message.find("tickets.number_format"), std::string::npos) << f.error().message;
  return true;
}

TEST(TicketNumberTest, DefaultFormatRendersYearAndSixDigitSequence) {
  auto f = format("C-{year}-{seq:06}");
  EXPECT_EQ(f.render(on(2026, 5, 17), 42), "C-2026-000042");
  EXPECT_EQ(f.text(), "C-{year}-{seq:06}");
}

TEST(TicketNumberTest, SequenceWiderThanThePaddingIsNotCut) {
  EXPECT_EQ(format("C-{year}-{seq:06}").render(on(2026, 1, 1), 1234567), "C-2026-1234567");
}

TEST(TicketNumberTest, PlainSequenceHasNoPadding) {
  EXPECT_EQ(format("T{seq}").render(on(2026, 1, 1), 7), "T7");
}

TEST(TicketNumberTest, TwoDigitPaddingWidthIsAccepted) {
  EXPECT_EQ(format("{seq:012}").render(on(2026, 1, 1), 5), "000000000005");
}

TEST(TicketNumberTest, ShortYearAndMonthArePadded) {
  EXPECT_EQ(format("S{yy}{month}-{seq:04}").render(on(2007, 3, 9), 12), "S0703-0012");
}

TEST(TicketNumberTest, YearFormatNumbersEachYearInItsOwnScope) {
  auto f = format("C-{year}-{seq:06}");
  EXPECT_EQ(f.scope(on(2026, 12, 31)), "2026");
  EXPECT_EQ(f.scope(on(2027, 1, 1)), "2027");
}

TEST(TicketNumberTest, ShortYearAlsoScopesByYear) {
  EXPECT_EQ(format("{yy}-{seq}").scope(on(2026, 6, 1)), "2026");
}

TEST(TicketNumberTest, MonthFormatNumbersEachMonthInItsOwnScope) {
  auto f = format("{year}{month}-{seq}");
  EXPECT_EQ(f.scope(on(2026, 3, 31)), "2026-03");
  EXPECT_EQ(f.scope(on(2026, 4, 1)), "2026-04");
}

TEST(TicketNumberTest, FormatWithoutDatesHasOneScopeForAllTime) {
  auto f = format("T-{seq:05}");
  EXPECT_EQ(f.scope(on(2026, 1, 1)), "all");
  EXPECT_EQ(f.scope(on(2031, 7, 1)), "all");
}

TEST(TicketNumberTest, RefusesAFormatWithoutSequence) {
  EXPECT_TRUE(refused("C-{year}"));
  EXPECT_TRUE(refused(""));
}

TEST(TicketNumberTest, RefusesTwoSequences) { EXPECT_TRUE(refused("{seq}-{seq:04}")); }

TEST(TicketNumberTest, RefusesAnUnknownPlaceholder) {
  EXPECT_TRUE(refused("C-{day}-{seq}"));
  EXPECT_TRUE(refused("C-{}-{seq}"));
  EXPECT_TRUE(refused("C-{seq:6}"));
  EXPECT_TRUE(refused("C-{seq:00}"));
}

TEST(TicketNumberTest, RefusesUnbalancedBraces) {
  EXPECT_TRUE(refused("C-{seq"));
  EXPECT_TRUE(refused("C-}{seq}"));
  EXPECT_TRUE(refused("C-{seq}}"));
  EXPECT_TRUE(refused("C-{{seq}"));
}

TEST(TicketNumberTest, RefusesMonthWithoutYear) {
  auto f = TicketNumberFormat::parse("{month}-{seq}");
  ASSERT_FALSE(f.has_value());
  EXPECT_NE(f.error().message.find("{month}"), std::string::npos) << f.error().message;
}

}  // namespace
}  // namespace redress::domain
