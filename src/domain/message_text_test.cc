#include "domain/message_text.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace redress::domain {
namespace {

constexpr size_t kLimit = 5000;

TEST(MessageTextTest, PlainTextIsAcceptedTrimmed) {
  auto m = check_message_text("  Hello, my parcel never arrived.\n\n", kLimit);
  EXPECT_TRUE(m.ok()) << m.problem;
  EXPECT_EQ(m.text, "Hello, my parcel never arrived.");
}

TEST(MessageTextTest, TextThatOnlyUsesAngleBracketsAsSignsIsAccepted) {
  const std::vector<std::string> accepted = {
      "a < b",
      "<3",
      "I <3 your support team <3",
      "x<y",
      "if x<y and y>z then x<z",
      "2 <= 3 and 5 >= 4",
      "<<< look here >>>",
      "-> and <- arrows, <-> too",
      "Press <Enter> to continue, then <Ctrl>+<C>",
      "Write to Jean <jean.dupont@example.fr>",
      "Reply to <name> with <order number>",
      "Template: Dear <customer>,",
      "the value was <10 and then >20",
      "< p > with spaces is not a tag",
      "<p",                       // never closed
      "a <b c",                   // never closed
      "<b then 3 < 4 >",          // another '<' comes before the '>' that would close '<b'
      "</ div> is not a closing tag",
      "<!- not a comment",
      "1 << 4 == 16",
      "email me at bob@example.com <or> call",
      "vector<int> and map<string, int> in C++",
      "AT&T and &nbsp; are just text",
      "Look at https://example.com/page?a=1&b=<2>",
      "Citation: \"<q\" is a letter",
      "C<sub",
      "The <h7> heading does not exist",
      "Markdown ![alt](https://example.com/x.png) is a link, not an inline image",
      "metadata:image/png is a word, not a URI",
      "data: image/png with a space is not a URI",
      "Tabs\tand\nnewlines\nare fine",
      "R\xC3\xA9" "clamation \xE2\x82\xAC 10 \xF0\x9F\x98\x80",  // é, €, 😀
  };
  for (const auto& text : accepted) {
    auto m = check_message_text(text, kLimit);
    EXPECT_TRUE(m.ok()) << "'" << text << "' was refused: " << m.problem;
  }
}

TEST(MessageTextTest, HtmlMarkupIsRefused) {
  const std::vector<std::string> refused = {
      "<p>Hello</p>",
      "<P>Shouting</P>",
      "Hello <b>world</b>",
      "line one<br>line two",
      "line one<br/>line two",
      "line one<br />line two",
      "<img src=\"https://evil.example/x.png\">",
      "<img\nsrc=x\nonerror=alert(1)>",
      "<IMG SRC=x>",
      "<script>alert(1)</script>",
      "<ScRiPt src=//x></ScRiPt>",
      "text </div> text",
      "</p >",
      "<!-- hidden -->",
      "before <!-- unterminated",
      "<!DOCTYPE html><html></html>",
      "<![CDATA[ x ]]>",
      "<a href=\"https://example.com\">click</a>",
      "<svg/onload=alert(1)>",
      "<iframe src=x></iframe>",
      "<h1>Title</h1>",
      "<table><tr><td>1</td></tr></table>",
      "<style>body{}</style>",
      "<div\tclass=x>",
      "<span>",
      "</span>",
  };
  for (const auto& text : refused) {
    auto m = check_message_text(text, kLimit);
    EXPECT_EQ(m.problem, "text only: HTML is not accepted") << "'" << text << "'";
  }
}

TEST(MessageTextTest, InlineImagesAreRefused) {
  const std::vector<std::string> refused = {
      "data:image/png;base64,iVBORw0KGgo=",
      "see data:image/jpeg;base64,/9j/4AAQ",
      "DATA:IMAGE/PNG;BASE64,AAAA",
      "(data:image/gif;base64,R0lGOD)",
      "data:image/svg+xml,%3Csvg%3E",
      "url:data:image/webp;base64,UklGR",
  };
  for (const auto& text : refused) {
    auto m = check_message_text(text, kLimit);
    EXPECT_EQ(m.problem, "images are not accepted") << "'" << text << "'";
  }
}

TEST(MessageTextTest, AnImageTagCountsAsHtml) {
  // Both rules match; markup is named, as that is what the user typed.
  auto m = check_message_text("<img src=\"data:image/png;base64,AAAA\">", kLimit);
  EXPECT_EQ(m.problem, "text only: HTML is not accepted");
}

TEST(MessageTextTest, EmptyOrBlankIsRequired) {
  for (const std::string text : {"", " ", "\n\n", " \t \r\n "}) {
    auto m = check_message_text(text, kLimit);
    EXPECT_EQ(m.problem, "is required") << "'" << text << "'";
  }
}

TEST(MessageTextTest, ControlCharactersOtherThanNewlineAndTabAreRefused) {
  const std::vector<std::string> refused = {
      std::string("a\0b", 3),  // NUL
      "bell\a",
      "back\bspace",
      "vertical\vtab",
      "form\ffeed",
      "escape \x1B[31mred",
      "delete\x7F",
      "C1 \xC2\x85 next line",  // U+0085
      "C1 \xC2\x9B csi",        // U+009B
  };
  for (const auto& text : refused) {
    auto m = check_message_text(text, kLimit);
    EXPECT_EQ(m.problem, "control characters are not accepted (only line breaks and tabs)") << "'" << text << "'";
  }
}

TEST(MessageTextTest, LineEndsAreNormalisedToNewline) {
  auto m = check_message_text("one\r\ntwo\rthree\nfour", kLimit);
  ASSERT_TRUE(m.ok()) << m.problem;
  EXPECT_EQ(m.text, "one\ntwo\nthree\nfour");
}

TEST(MessageTextTest, LengthCountsCodePointsAfterTrimming) {
  std::string accented;
  for (int i = 0; i < 10; ++i) accented += "\xC3\xA9";  // 10 characters, 20 bytes
  EXPECT_TRUE(check_message_text(accented, 10).ok());
  EXPECT_TRUE(check_message_text("   " + accented + "\n", 10).ok());  // spaces around do not count
  auto over = check_message_text(accented + "x", 10);
  EXPECT_EQ(over.problem, "too long: at most 10 characters (this has 11)");
  std::string emoji;
  for (int i = 0; i < 5; ++i) emoji += "\xF0\x9F\x98\x80";  // 5 characters, 20 bytes
  EXPECT_TRUE(check_message_text(emoji, 5).ok());
  EXPECT_FALSE(check_message_text(emoji, 4).ok());
  EXPECT_EQ(count_code_points(emoji), 5u);
  EXPECT_EQ(count_code_points(""), 0u);
}

TEST(MessageTextTest, InvalidUtf8IsRefused) {
  auto m = check_message_text("caf\xC3\x28", kLimit);
  EXPECT_EQ(m.problem, "is not valid UTF-8");
}

TEST(MessageTextTest, PiecesAnswerOnTheirOwn) {
  EXPECT_TRUE(contains_html_markup("<p>"));
  EXPECT_FALSE(contains_html_markup("a < b"));
  EXPECT_TRUE(contains_inline_image("x data:image/png;base64,"));
  EXPECT_FALSE(contains_inline_image("x data:text/plain,hello"));
  EXPECT_TRUE(contains_control_character("\x01"));
  EXPECT_FALSE(contains_control_character("tab\tnewline\n\xC2\xA0nbsp"));
}

}  // namespace
}  // namespace redress::domain
