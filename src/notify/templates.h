#pragma once
// Mail templates, one file per template and language: "<name>.<lang>.txt", whose first
// line is "Subject: ..." and the rest (after one blank line) the body, both mustache.
// Files in the admin's templates directory win over the shipped ones (templates/mail/),
// so an organisation edits wording without rebuilding; a missing language falls back to
// English.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/error.h"

namespace redress::notify {

struct RenderedMail {
  std::string language;  // the one actually used (after fallback)
  std::string subject;
  std::string text;
  std::string html;  // the text as simple HTML paragraphs, values escaped
};

class MailTemplates {
 public:
  // override_dir may be empty (shipped templates only).
  explicit MailTemplates(std::string override_dir) : override_dir_(std::move(override_dir)) {}

  // kNotFound when neither language nor English exists; kInvalid when the file is broken
  // (no Subject line, a mustache syntax error).
  Result<RenderedMail> render(const std::string& name, const std::string& language, const nlohmann::json& values) const;

  // The languages a template exists in (shipped or in the override directory), sorted:
  // what a desk can write to a customer in.
  std::vector<std::string> languages_of(const std::string& name) const;

  // One line of mustache rendered as subjects are (the routing table's subject override);
  // what names it in errors.
  static Result<std::string> render_subject(const std::string& text, const nlohmann::json& values,
                                            const std::string& what);
  // Mustache text rendered as bodies are (values as they are, lines kept); what names it
  // in errors.
  static Result<std::string> render_text(const std::string& text, const nlohmann::json& values,
                                         const std::string& what);
  // Why text is not valid mustache, or "".
  static std::string mustache_error(const std::string& text);

 private:
  Result<std::string> source(const std::string& name, const std::string& language) const;
  std::string override_dir_;
};

// One tag of a mustache text, as the renderer reads it with the default delimiters.
struct MustacheTag {
  enum class Kind { kVariable, kSectionBegin, kInvertedBegin, kSectionEnd, kPartial, kComment, kSetDelimiter };
  Kind kind = Kind::kVariable;
  std::string name;  // trimmed; for kVariable also {{{name}}} and {{&name}}
};
// The tags of valid mustache text (mustache_error(text) empty), in order. The scan stops
// after a kSetDelimiter tag: what follows uses other delimiters.
std::vector<MustacheTag> mustache_tags(const std::string& text);

// For the HTML alternative: text escaped, blank-line-separated paragraphs, line breaks kept.
std::string text_to_html(const std::string& text);

// A mustache page: every {{value}} HTML-escaped (only {{{value}}} is not). kInvalid naming
// `what` for a syntax error.
Result<std::string> render_html(const std::string& text, const nlohmann::json& values, const std::string& what);

}  // namespace redress::notify
