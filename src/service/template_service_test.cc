#include "service/template_service.h"

#include <gtest/gtest.h>

namespace redress::service {
namespace {

const std::set<std::string> kFields = {"order_number"};

TEST(TemplateText, VariablesAndCommentsAreAllowed) {
  EXPECT_EQ(template_text_problem("Dear {{contact.name}},{{! greeting }} order {{fields.order_number}}\n{{{agent.signature}}}",
                                  kFields),
            "");
  EXPECT_EQ(template_text_problem("No variables at all.", kFields), "");
}

TEST(TemplateText, SyntaxErrorsSectionsAndUnknownVariablesAreNamed) {
  EXPECT_NE(template_text_problem("Dear {{contact.name", kFields).find("mustache syntax"), std::string::npos);
  EXPECT_NE(template_text_problem("{{#agent.signature}}{{agent.signature}}{{/agent.signature}}", kFields).find("sections"),
            std::string::npos);
  EXPECT_NE(template_text_problem("{{> footer}}", kFields).find("partials"), std::string::npos);
  EXPECT_NE(template_text_problem("{{=<% %>=}}<%contact.name%>", kFields).find("delimiters"), std::string::npos);
  EXPECT_NE(template_text_problem("Hi {{contact.nmae}}", kFields).find("contact.nmae"), std::string::npos);
  EXPECT_NE(template_text_problem("{{fields.colour}}", kFields).find("fields.colour"), std::string::npos);
}

TEST(TemplateText, VariablesAreListedOnceInOrder) {
  EXPECT_EQ(template_variables("{{b}} {{a}} {{! c }} {{b}} {{{d}}}"), (std::vector<std::string>{"b", "a", "d"}));
}

TEST(TemplateText, RenderingKeepsPlaceholdersForMissingValues) {
  const nlohmann::json values = {{"contact", {{"name", "Ann <ann@x>"}}}, {"agent", {{"name", "Bob"}}}};
  auto body = render_template_text("Dear {{contact.name}},\n\n-- \n{{agent.name}}\n{{agent.signature}}", values, "body",
                                   false);
  ASSERT_TRUE(body) << body.error().message;
  EXPECT_EQ(body->text, "Dear Ann <ann@x>,\n\n-- \nBob\n{{agent.signature}}");
  EXPECT_EQ(body->missing, std::vector<std::string>{"agent.signature"});
  auto subject = render_template_text("  About {{ticket.number}}", values, "subject", true);
  ASSERT_TRUE(subject);
  EXPECT_EQ(subject->text, "About {{ticket.number}}");
  EXPECT_EQ(subject->missing, std::vector<std::string>{"ticket.number"});
}

}  // namespace
}  // namespace redress::service
