#include "core/csv.h"

#include <gtest/gtest.h>

namespace redress {
namespace {

std::vector<CsvRecord> all(const std::string& text) {
  CsvReader reader(text);
  std::vector<CsvRecord> out;
  while (true) {
    auto r = reader.next();
    EXPECT_TRUE(r) << r.error().message;
    if (!r || !*r) break;
    out.push_back(std::move(**r));
  }
  return out;
}

using Fields = std::vector<std::string>;

TEST(CsvReader, SplitsPlainRecordsOnCommasAndLineEnds) {
  auto records = all("a,b,c\n1,,3\r\nx,y,z");
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].fields, (Fields{"a", "b", "c"}));
  EXPECT_EQ(records[1].fields, (Fields{"1", "", "3"}));
  EXPECT_EQ(records[2].fields, (Fields{"x", "y", "z"}));
  EXPECT_EQ(records[2].line, 3);
}

TEST(CsvReader, QuotedFieldsKeepCommasQuotesAndLineBreaks) {
  auto records = all("id,text\n1,\"Late, and \"\"broken\"\"\nSecond line\"\n2,\"\"\n3,end\n");
  ASSERT_EQ(records.size(), 4u);
  EXPECT_EQ(records[1].fields, (Fields{"1", "Late, and \"broken\"\nSecond line"}));
  EXPECT_EQ(records[1].line, 2);
  EXPECT_EQ(records[2].fields, (Fields{"2", ""}));
  // The line count goes on after a field spanning two lines.
  EXPECT_EQ(records[2].line, 4);
  EXPECT_EQ(records[3].line, 5);
}

TEST(CsvReader, SkipsBlankLinesAndAByteOrderMark) {
  auto records = all("\xEF\xBB\xBFh1,h2\n\n\r\nv1,v2\n\n");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].fields, (Fields{"h1", "h2"}));
  EXPECT_EQ(records[1].fields, (Fields{"v1", "v2"}));
  EXPECT_EQ(records[1].line, 4);
}

TEST(CsvReader, TrailingCommaMakesAnEmptyLastField) {
  auto records = all("a,\n");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].fields, (Fields{"a", ""}));
}

TEST(CsvReader, UnclosedQuoteIsRefusedNamingTheLineItOpened) {
  CsvReader reader("a,b\n1,\"never\nclosed\n");
  ASSERT_TRUE(reader.next());
  auto bad = reader.next();
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message.rfind("line 2:", 0), 0u) << bad.error().message;
  auto after = reader.next();
  ASSERT_TRUE(after);
  EXPECT_FALSE(*after);
}

TEST(CsvReader, TextAfterAClosingQuoteIsRefused) {
  CsvReader reader("\"a\"b,c\n");
  auto bad = reader.next();
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("line 1"), std::string::npos);
}

TEST(CsvReader, ReportsHowFarItGot) {
  CsvReader reader("a\nb\n");
  EXPECT_EQ(reader.size(), 4u);
  ASSERT_TRUE(reader.next());
  EXPECT_EQ(reader.position(), 2u);
}

TEST(CsvWriter, QuotesOnlyFieldsThatNeedItAndEndsRecordsWithCrlf) {
  CsvWriter w;
  w.add({"table", "key", "label", "value"});
  w.add({"by_reason", "", "Retard, livraison", "3"});
  w.add({"by_assignee", "7", "Ann \"Nan\" O'Neil", "2"});
  w.add({"note", "a\nb", "c\rd", ""});
  EXPECT_EQ(w.text(),
            "table,key,label,value\r\n"
            "by_reason,,\"Retard, livraison\",3\r\n"
            "by_assignee,7,\"Ann \"\"Nan\"\" O'Neil\",2\r\n"
            "note,\"a\nb\",\"c\rd\",\r\n");
}

TEST(CsvWriter, WhatItWritesReadsBackTheSame) {
  const std::vector<Fields> rows = {{"plain", "with, comma", "\"quoted\"", "line\r\nbreak"}, {""}, {"", ""}, {"é ü"}};
  CsvWriter w;
  for (const auto& r : rows) w.add(r);
  auto back = all(w.text());
  ASSERT_EQ(back.size(), rows.size());
  for (size_t i = 0; i < rows.size(); ++i) EXPECT_EQ(back[i].fields, rows[i]) << i;
}

// The probe's finding: a user named =HYPERLINK(...) and a reason coded =1+2 went out
// as formulas in the reports CSV.
TEST(CsvWriter, SpreadsheetFormulaInjectionIsNeutralised) {
  CsvWriter w;
  w.add({"=HYPERLINK(\"https://evil.example\",\"x\")", "=1+2", "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"});
  auto back = all(w.text());
  ASSERT_EQ(back.size(), 1u);
  const Fields want = {"'=HYPERLINK(\"https://evil.example\",\"x\")", "'=1+2", "'+1", "'-2+3", "'@SUM(A1)", "'\tx",
                       "'\rx"};
  EXPECT_EQ(back[0].fields, want);
}

TEST(CsvWriter, NumbersAndOrdinaryTextAreLeftAlone) {
  CsvWriter w;
  w.add({"-12.50", "-3", "42", "a=b", "mail@example.org", "", "-", "-.", "- dash"});
  auto back = all(w.text());
  ASSERT_EQ(back.size(), 1u);
  const Fields want = {"-12.50", "-3", "42", "a=b", "mail@example.org", "", "'-", "'-.", "'- dash"};
  EXPECT_EQ(back[0].fields, want);
}

}  // namespace
}  // namespace redress
