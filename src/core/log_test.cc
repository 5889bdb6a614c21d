#include "core/log.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace redress::log {
namespace {

nlohmann::json as_object(const std::string& record) { return nlohmann::json::parse("{" + record + "}"); }

TEST(LogFormatTest, TextIsTheEventFollowedByKeyValuePairs) {
  EXPECT_EQ(format_record(false, "listening", {{"url", "http://127.0.0.1:8080"}, {"threads", "4"}}),
            "listening url=http://127.0.0.1:8080 threads=4");
}

TEST(LogFormatTest, TextWithoutFieldsIsJustTheEvent) { EXPECT_EQ(format_record(false, "stopped", {}), "stopped"); }

TEST(LogFormatTest, TextQuotesValuesWithSpacesQuotesOrEquals) {
  EXPECT_EQ(format_record(false, "e", {{"reason", "disk full"}}), R"(e reason="disk full")");
  EXPECT_EQ(format_record(false, "e", {{"q", R"(say "hi")"}}), R"(e q="say \"hi\"")");
  EXPECT_EQ(format_record(false, "e", {{"expr", "a=b"}}), R"(e expr="a=b")");
}

TEST(LogFormatTest, TextQuotesEmptyValues) { EXPECT_EQ(format_record(false, "e", {{"who", ""}}), R"(e who="")"); }

TEST(LogFormatTest, TextEscapesControlCharactersSoARecordStaysOnOneLine) {
  auto record = format_record(false, "e", {{"body", "line one\nline two"}});
  EXPECT_EQ(record, R"(e body="line one\nline two")");
  EXPECT_EQ(record.find('\n'), std::string::npos);
}

TEST(LogFormatTest, JsonIsTheInsideOfAnObjectWithEventAndFields) {
  auto record = format_record(true, "listening", {{"url", "http://x"}, {"threads", "4"}});
  EXPECT_NE(record.front(), '{');
  EXPECT_NE(record.back(), '}');
  auto j = as_object(record);
  EXPECT_EQ(j["event"], "listening");
  EXPECT_EQ(j["url"], "http://x");
  EXPECT_EQ(j["threads"], "4");
  EXPECT_EQ(j.size(), 3u);
}

TEST(LogFormatTest, JsonEscapesQuotesAndNewlines) {
  auto record = format_record(true, "e", {{"body", "a \"quoted\"\nvalue"}});
  EXPECT_EQ(record.find('\n'), std::string::npos);
  EXPECT_EQ(as_object(record)["body"], "a \"quoted\"\nvalue");
}

TEST(LogFormatTest, InvalidUtf8IsReplacedInsteadOfThrowing) {
  std::string record;
  EXPECT_NO_THROW(record = format_record(true, "e", {{"raw", "bad \xC3\x28 byte"}}));
  EXPECT_NO_THROW(as_object(record));
  EXPECT_NO_THROW(format_record(false, "e", {{"raw", "bad \xC3\x28 byte"}}));
}

}  // namespace
}  // namespace redress::log
