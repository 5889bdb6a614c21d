#include "domain/validation.h"

#include <gtest/gtest.h>

namespace redress::domain {
namespace {

TEST(Utf8Test, AsciiAndEmptyAreValid) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("plain ascii, with punctuation!"));
}

TEST(Utf8Test, MultiByteCharactersAreValid) {
  EXPECT_TRUE(is_valid_utf8("R\xC3\xA9" "clamation"));        // é, two bytes
  EXPECT_TRUE(is_valid_utf8("\xE2\x82\xAC 10"));               // €, three bytes
  EXPECT_TRUE(is_valid_utf8("\xF0\x9F\x98\x80"));              // 😀, four bytes
  EXPECT_TRUE(is_valid_utf8("\xF4\x8F\xBF\xBF"));              // U+10FFFF, the last code point
  EXPECT_TRUE(is_valid_utf8("\xEF\xBB\xBF" "bom"));            // U+FEFF
  EXPECT_TRUE(is_valid_utf8("\xED\x9F\xBF"));                  // U+D7FF, just below the surrogates
}

TEST(Utf8Test, OverlongEncodingsAreInvalid) {
  EXPECT_FALSE(is_valid_utf8("\xC0\xAF"));          // '/' in two bytes
  EXPECT_FALSE(is_valid_utf8("\xC1\xBF"));
  EXPECT_FALSE(is_valid_utf8("\xE0\x80\xAF"));      // '/' in three bytes
  EXPECT_FALSE(is_valid_utf8("\xF0\x80\x80\xAF"));  // '/' in four bytes
  EXPECT_FALSE(is_valid_utf8("\xF0\x8F\xBF\xBF"));  // U+FFFF in four bytes
}

TEST(Utf8Test, SurrogatesAreInvalid) {
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));  // U+D800
  EXPECT_FALSE(is_valid_utf8("\xED\xBF\xBF"));  // U+DFFF
}

TEST(Utf8Test, TruncatedSequencesAreInvalid) {
  EXPECT_FALSE(is_valid_utf8("\xC3"));
  EXPECT_FALSE(is_valid_utf8("abc\xE2\x82"));
  EXPECT_FALSE(is_valid_utf8("\xF0\x9F\x98"));
  EXPECT_FALSE(is_valid_utf8("\xE2\x82" "A"));  // a continuation byte replaced by ASCII
}

TEST(Utf8Test, CodePointsPastTheUnicodeRangeAreInvalid) {
  EXPECT_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // U+110000
  EXPECT_FALSE(is_valid_utf8("\xF7\xBF\xBF\xBF"));
  EXPECT_FALSE(is_valid_utf8("\xF8\x88\x80\x80\x80"));  // five-byte form
}

TEST(Utf8Test, StrayContinuationAndInvalidBytesAreInvalid) {
  EXPECT_FALSE(is_valid_utf8("\x80"));
  EXPECT_FALSE(is_valid_utf8("a\xBF" "b"));
  EXPECT_FALSE(is_valid_utf8("\xFE"));
  EXPECT_FALSE(is_valid_utf8("\xFF"));
}

TEST(EmailTest, OrdinaryAddressesArePlausible) {
  EXPECT_TRUE(is_plausible_email("a@b.example"));
  EXPECT_TRUE(is_plausible_email("first.last+tag@mail.example.co.uk"));
}

TEST(EmailTest, AddressesWithoutOneAtOrADottedDomainAreNot) {
  EXPECT_FALSE(is_plausible_email(""));
  EXPECT_FALSE(is_plausible_email("no-at.example"));
  EXPECT_FALSE(is_plausible_email("@b.example"));
  EXPECT_FALSE(is_plausible_email("a@b@c.example"));
  EXPECT_FALSE(is_plausible_email("a@localhost"));
  EXPECT_FALSE(is_plausible_email("a@.example"));
  EXPECT_FALSE(is_plausible_email("a@example."));
  EXPECT_FALSE(is_plausible_email("a@"));
}

TEST(EmailTest, SpacesAndListSeparatorsAreNotPlausible) {
  EXPECT_FALSE(is_plausible_email("a b@c.example"));
  EXPECT_FALSE(is_plausible_email("a@b.example,c@d.example"));
  EXPECT_FALSE(is_plausible_email("a@b.example;"));
  EXPECT_FALSE(is_plausible_email("<a@b.example>"));
  EXPECT_FALSE(is_plausible_email("a@b.example\n"));
}

TEST(EmailTest, OverlongAddressIsNotPlausible) {
  EXPECT_FALSE(is_plausible_email(std::string(250, 'a') + "@b.example"));
}

TEST(LanguageTagTest, AcceptsTwoLowerCaseLettersWithOptionalRegion) {
  EXPECT_TRUE(is_language_tag("en"));
  EXPECT_TRUE(is_language_tag("fr"));
  EXPECT_TRUE(is_language_tag("pt-BR"));
}

TEST(LanguageTagTest, RefusesOtherShapes) {
  EXPECT_FALSE(is_language_tag(""));
  EXPECT_FALSE(is_language_tag("e"));
  EXPECT_FALSE(is_language_tag("EN"));
  EXPECT_FALSE(is_language_tag("eng"));
  EXPECT_FALSE(is_language_tag("pt-br"));
  EXPECT_FALSE(is_language_tag("pt_BR"));
  EXPECT_FALSE(is_language_tag("en-"));
}

TEST(TrimTest, RemovesSurroundingWhitespaceOnly) {
  EXPECT_EQ(trim("  a b \t\r\n"), "a b");
  EXPECT_EQ(trim("none"), "none");
  EXPECT_EQ(trim(""), "");
  EXPECT_EQ(trim(" \t\n "), "");
}

TEST(LowerAsciiTest, LowersAsciiAndLeavesOtherBytes) {
  EXPECT_EQ(lower_ascii("A@B.Example"), "a@b.example");
  EXPECT_EQ(lower_ascii("\xC3\x89T\xC3\x89"), "\xC3\x89t\xC3\x89");
}

}  // namespace
TEST(TextProblemTest, NamesWhatMakesBytesUnfitForText) {
  EXPECT_EQ(text_problem("R\xC3\xA9" "clamation"), "");
  EXPECT_EQ(text_problem(""), "");
  EXPECT_EQ(text_problem("caf\xE9"), "not valid UTF-8");
  EXPECT_EQ(text_problem(std::string_view("a\0b", 3)), "contains a NUL character");
}

}  // namespace redress::domain
