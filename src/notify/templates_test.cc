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

// Every template the routing table ships with, in every shipped language: renders, uses
// its values, leaves no tag behind, and shows a note only when there is one.
TEST(MailTemplates, RoutingTemplatesRenderInEnglishAndFrench) {
  MailTemplates templates("");
  nlohmann::json values = {{"number", "C-2026-000042"},
                           {"subject", "Broken vase"},
                           {"status", "Confirmation"},
                           {"workflow", "Customer complaint"},
                           {"user_name", "Mia Member"},
                           {"contact_name", "Claire Martin"},
                           {"actor_name", "Alex Agent"},
                           {"author_name", "Claire Martin"},
                           {"has_author", true},
                           {"role_label", "team member"},
                           {"note", "Sent a new vase."},
                           {"has_note", true},
                           {"excerpt", "Any news about my vase?"},
                           {"message", "We sent you a new vase today."},
                           {"ticket_url", "https://desk.example/tickets/C-2026-000042"},
                           {"portal_url", "https://desk.example/portal/tickets/C-2026-000042"},
                           {"organisation", "ACME Support"}};
  for (const char* name : {"action_needed", "confirmation_request", "customer_message_alert",
                           "message_acknowledgement", "support_reply", "note_alert", "assigned"}) {
    for (const char* lang : {"en", "fr"}) {
      SCOPED_TRACE(std::string(name) + "." + lang);
      auto r = templates.render(name, lang, values);
      ASSERT_TRUE(r) << r.error().message;
      EXPECT_EQ(r->language, lang);  // shipped in both, no fallback
      EXPECT_FALSE(r->subject.empty());
      EXPECT_EQ(r->subject.find("{{"), std::string::npos) << r->subject;
      EXPECT_EQ(r->text.find("{{"), std::string::npos) << r->text;
      EXPECT_EQ(r->text.find("}}"), std::string::npos) << r->text;
      EXPECT_NE(r->text.find("C-2026-000042"), std::string::npos) << r->text;
      EXPECT_NE(r->text.find("https://desk.example/"), std::string::npos) << r->text;
    }
  }
  auto confirm = templates.render("confirmation_request", "fr", values);
  ASSERT_TRUE(confirm);
  EXPECT_NE(confirm->text.find("Bonjour Claire Martin"), std::string::npos) << confirm->text;
  EXPECT_NE(confirm->text.find("Sent a new vase."), std::string::npos) << confirm->text;
  EXPECT_NE(confirm->text.find("https://desk.example/portal/tickets/C-2026-000042"), std::string::npos);
  values["has_note"] = false;
  auto without_note = templates.render("confirmation_request", "en", values);
  ASSERT_TRUE(without_note);
  EXPECT_EQ(without_note->text.find("What we did"), std::string::npos) << without_note->text;
  EXPECT_EQ(without_note->text.find("\n\n\n"), std::string::npos) << without_note->text;

  values["has_author"] = false;
  auto anonymous = templates.render("customer_message_alert", "en", values);
  ASSERT_TRUE(anonymous);
  EXPECT_NE(anonymous->text.find("The customer wrote"), std::string::npos) << anonymous->text;
}

TEST(MailTemplates, SubjectOverridesRenderOnOneLineAndBadMustacheIsNamed) {
  auto s = MailTemplates::render_subject("{{number}} for\n{{name}}", {{"number", "N-1"}, {"name", "Bob"}}, "x");
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(*s, "N-1 for Bob");
  EXPECT_EQ(MailTemplates::mustache_error("{{number}}"), "");
  EXPECT_NE(MailTemplates::mustache_error("{{#open}} never closed"), "");
  auto bad = MailTemplates::render_subject("{{#open}}", {}, "rule 3 subject");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("rule 3 subject"), std::string::npos);
}

TEST(MustacheTags, ReadsEveryKindOfTagAsTheRendererDoes) {
  using Kind = MustacheTag::Kind;
  const auto tags = mustache_tags("Hi {{ contact.name }}, {{{raw}}} {{&amp}}{{! note }}{{#s}}x{{/s}}{{^i}}{{/i}}{{> p}}");
  ASSERT_EQ(tags.size(), 9u);
  EXPECT_EQ(tags[0].kind, Kind::kVariable);
  EXPECT_EQ(tags[0].name, "contact.name");
  EXPECT_EQ(tags[1].kind, Kind::kVariable);
  EXPECT_EQ(tags[1].name, "raw");
  EXPECT_EQ(tags[2].kind, Kind::kVariable);
  EXPECT_EQ(tags[2].name, "amp");
  EXPECT_EQ(tags[3].kind, Kind::kComment);
  EXPECT_EQ(tags[4].kind, Kind::kSectionBegin);
  EXPECT_EQ(tags[4].name, "s");
  EXPECT_EQ(tags[5].kind, Kind::kSectionEnd);
  EXPECT_EQ(tags[6].kind, Kind::kInvertedBegin);
  EXPECT_EQ(tags[8].kind, Kind::kPartial);
  EXPECT_EQ(tags[8].name, "p");
}

TEST(MustacheTags, StopsAtADelimiterChange) {
  const auto tags = mustache_tags("{{a}}{{=<% %>=}}<%b%>{{c}}");
  ASSERT_EQ(tags.size(), 2u);
  EXPECT_EQ(tags[1].kind, MustacheTag::Kind::kSetDelimiter);
  EXPECT_TRUE(mustache_tags("no tags at all").empty());
}

TEST(MailTemplates, RenderTextKeepsLinesAndValuesAsTheyAre) {
  auto text = MailTemplates::render_text("Dear {{a.b}},\n\n<{{c}}>", {{"a", {{"b", "Ann & Bob"}}}, {"c", "x"}}, "t");
  ASSERT_TRUE(text) << text.error().message;
  EXPECT_EQ(*text, "Dear Ann & Bob,\n\n<x>");
  auto broken = MailTemplates::render_text("{{#open}}", nlohmann::json::object(), "body");
  ASSERT_FALSE(broken);
  EXPECT_EQ(broken.error().code, ErrorCode::kInvalid);
  EXPECT_NE(broken.error().message.find("body"), std::string::npos);
}

}  // namespace
}  // namespace redress::notify
