#include "notify/templates.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace redress::notify {
namespace {

TEST(MailTemplates, ShippedAcknowledgementRendersInEachLanguage) {
  MailTemplates templates("");
  const nlohmann::json values = {
      {"subject", "Heater <broken>"}, {"number", "C-2026-000007"}, {"contact_name", "Ann"}, {"organisation", "ACME"}};
  auto en = templates.render("acknowledgement", "en", values);
  ASSERT_TRUE(en) << en.error().message;
  EXPECT_EQ(en->language, "en");
  EXPECT_NE(en->subject.find("Heater <broken>"), std::string::npos);
  EXPECT_NE(en->text.find("C-2026-000007"), std::string::npos);
  EXPECT_NE(en->html.find("Heater &lt;broken&gt;"), std::string::npos) << en->html;
  auto fr = templates.render("acknowledgement", "fr", values);
  ASSERT_TRUE(fr);
  EXPECT_EQ(fr->language, "fr");
  EXPECT_NE(fr->text.find("Bonjour Ann"), std::string::npos);
}

TEST(MailTemplates, UnknownLanguageFallsBackToEnglish) {
  MailTemplates templates("");
  auto de = templates.render("acknowledgement", "de", {{"number", "X"}});
  ASSERT_TRUE(de);
  EXPECT_EQ(de->language, "en");
  EXPECT_EQ(templates.render("no_such_template", "en", {}).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(templates.render("../etc/passwd", "en", {}).error().code, ErrorCode::kInvalid);
}

TEST(MailTemplates, AdminDirectoryOverridesShippedFile) {
  const auto dir = std::filesystem::temp_directory_path() / ("redress-tpl-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "acknowledgement.en.txt") << "Subject: Got it {{number}}\n\nThanks {{contact_name}}!\n";
  std::ofstream(dir / "broken.en.txt") << "no subject line\n";
  MailTemplates templates(dir.string());
  auto en = templates.render("acknowledgement", "en", {{"number", "N-1"}, {"contact_name", "Bob"}});
  ASSERT_TRUE(en);
  EXPECT_EQ(en->subject, "Got it N-1");
  EXPECT_EQ(en->text, "Thanks Bob!\n");
  // French is not overridden: the shipped file is used.
  auto fr = templates.render("acknowledgement", "fr", {{"number", "N-1"}});
  ASSERT_TRUE(fr);
  EXPECT_NE(fr->subject.find("Nous avons bien"), std::string::npos);
  EXPECT_EQ(templates.render("broken", "en", {}).error().code, ErrorCode::kInvalid);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace redress::notify
