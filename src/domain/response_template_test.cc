#include "domain/response_template.h"

#include <gtest/gtest.h>

namespace redress::domain {
namespace {

TEST(ResponseTemplate, LanguageIsTwoLowerCaseLetters) {
  EXPECT_TRUE(is_template_language("fr"));
  EXPECT_FALSE(is_template_language("FR"));
  EXPECT_FALSE(is_template_language("fr-CA"));
  EXPECT_FALSE(is_template_language("f"));
  EXPECT_FALSE(is_template_language(""));
}

TEST(ResponseTemplate, KnowsTheFixedVariablesAndTheDeclaredFields) {
  const std::set<std::string> fields = {"order_number"};
  for (const char* v : kTemplateVariables) EXPECT_EQ(variable_problem(v, fields), "") << v;
  EXPECT_EQ(variable_problem("fields.order_number", fields), "");
  EXPECT_NE(variable_problem("fields.other", fields).find("fields.other"), std::string::npos);
  EXPECT_NE(variable_problem("contact.phone", fields).find("unknown variable contact.phone"), std::string::npos);
  EXPECT_NE(variable_problem("contact", fields), "");
  EXPECT_NE(variable_problem("fields.", fields), "");
}

TEST(ResponseTemplate, MissingValuesAreAbsentNullOrBlank) {
  const nlohmann::json values = {{"contact", {{"name", "Ann"}, {"email", ""}}},
                                 {"agent", {{"name", "Bob"}, {"signature", "  \n"}}},
                                 {"fields", nlohmann::json::object()},
                                 {"portal_url", nullptr}};
  EXPECT_EQ(missing_values({"contact.name", "agent.name"}, values), std::vector<std::string>{});
  EXPECT_EQ(missing_values({"contact.email", "agent.signature", "fields.x", "portal_url", "reason.label",
                            "contact.email"},
                           values),
            (std::vector<std::string>{"contact.email", "agent.signature", "fields.x", "portal_url", "reason.label"}));
  // An object where text is wanted has no value either.
  EXPECT_EQ(missing_values({"contact"}, values), std::vector<std::string>{"contact"});
}

TEST(ResponseTemplate, PlaceholdersStandForWhatIsMissing) {
  const nlohmann::json values = {{"agent", {{"name", "Bob"}}}};
  const auto filled = with_placeholders(values, {"agent.signature", "fields.order_number"});
  EXPECT_EQ(filled["agent"]["name"], "Bob");
  EXPECT_EQ(filled["agent"]["signature"], "{{agent.signature}}");
  EXPECT_EQ(filled["fields"]["order_number"], "{{fields.order_number}}");
}

}  // namespace
}  // namespace redress::domain
