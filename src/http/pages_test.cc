#include "http/pages.h"

#include <gtest/gtest.h>

namespace redress::http {
namespace {

TEST(PagesTest, PageLanguageIsTheFirstAcceptedLanguageWeHaveMessagesFor) {
  EXPECT_EQ(page_language(std::nullopt), "en");
  EXPECT_EQ(page_language("fr-CH, fr;q=0.9, en;q=0.8"), "fr");
  EXPECT_EQ(page_language("de-DE,de;q=0.9,fr;q=0.8"), "fr") << "no German messages: the next one we speak";
  EXPECT_EQ(page_language("de, it"), "en");
  EXPECT_EQ(page_language("FR"), "fr");
  EXPECT_EQ(page_language("*"), "en");
  EXPECT_EQ(page_language(",,;q=1,../en"), "en");
}

TEST(PagesTest, MessagesFallBackToEnglishKeyByKey) {
  const auto& fr = page_messages("fr");
  const auto& en = page_messages("en");
  EXPECT_EQ(fr["action_link"]["done_title"], "Merci");
  EXPECT_EQ(page_messages("xx")["action_link"]["done_title"], en["action_link"]["done_title"]);
  // Every English key exists in French: a missing translation would show English.
  for (const auto& [key, value] : en["action_link"].items()) EXPECT_TRUE(fr["action_link"].contains(key)) << key;
}

TEST(PagesTest, ValuesAreEscapedAndThePageAllowsNoScript) {
  auto r = html_page(200, "action_link",
                     {{"lang", "en"}, {"title", "<script>alert(1)</script>"}, {"text", "a & b"}, {"ready", false}});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->body.find("<script>"), std::string::npos);
  EXPECT_NE(r->body.find("&lt;script&gt;"), std::string::npos);
  EXPECT_NE(r->body.find("a &amp; b"), std::string::npos);
  bool csp = false;
  for (const auto& [name, value] : r->headers) csp = csp || (name == "Content-Security-Policy" && value.find("default-src 'none'") != std::string::npos);
  EXPECT_TRUE(csp);
  EXPECT_FALSE(html_page(200, "no_such_page", {}));
}

}  // namespace
}  // namespace redress::http
