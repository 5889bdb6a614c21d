#pragma once
// Response templates (F13): texts an agent picks by the ticket's reason and language,
// edits and sends as a public reply. Subject and body are mustache over a fixed set of
// variables (contact, ticket, reason, agent, the portal link, the workflow's custom
// fields). A template is never sent with a blank where a value was meant: a variable
// without a value for the ticket is an error naming it.
//
// Everything here is pure; service/template_service loads the values.
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/clock.h"

namespace redress::domain {

struct ResponseTemplate {
  int64_t id = 0;
  std::string name;
  std::string language;  // two lower-case letters
  std::string subject;   // mustache: the reply mail's subject
  std::string body;      // mustache: the reply's text
  std::vector<int64_t> reason_ids;  // none: fits every reason
  bool active = true;
  TimePoint created_at;
  TimePoint updated_at;
  std::optional<int64_t> created_by;
};

// The variables every template may use; "fields.<id>" adds the workflows' custom fields.
inline constexpr const char* kTemplateVariables[] = {"contact.name",  "contact.email", "ticket.number",
                                                     "ticket.subject", "reason.label", "portal_url",
                                                     "agent.name",    "agent.signature"};
inline constexpr std::string_view kFieldVariablePrefix = "fields.";

// Two lower-case ASCII letters ("en", "fr"): the language a template is written in.
bool is_template_language(std::string_view s);

// "" when a template may use the variable `name`: one of kTemplateVariables, or
// "fields.<id>" for an id in field_ids. Otherwise why not, naming it.
std::string variable_problem(const std::string& name, const std::set<std::string>& field_ids);

// The names (in order, once each) that have no value in values: a value is a non-blank
// string at the name's dotted path ("agent.signature" -> values["agent"]["signature"]).
std::vector<std::string> missing_values(const std::vector<std::string>& names, const nlohmann::json& values);

// values with each of names set, at its dotted path, to its own placeholder ("{{name}}"),
// so that a text rendered for an agent to edit shows where a value is still wanted.
nlohmann::json with_placeholders(nlohmann::json values, const std::vector<std::string>& names);

}  // namespace redress::domain
