#pragma once
// Response templates (F13): an admin (right templates.manage) writes texts per language and
// reason; staff list those that fit a ticket, rendered for it, and reply with one
// (message_service calls render_reply inside its own transaction). A variable without a
// value for the ticket is never sent as a blank: rendering lists it, replying refuses it.
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "domain/response_template.h"
#include "domain/ticket.h"
#include "service/context.h"
#include "store/connection.h"

namespace redress::service {

// Create: name, language, subject and body are required. Update: absent members stay.
struct TemplateInput {
  std::optional<std::string> name;
  std::optional<std::string> language;
  std::optional<std::string> subject;
  std::optional<std::string> body;
  std::optional<std::vector<Ref>> reasons;  // ids or codes; empty: fits every reason
  std::optional<bool> active;
};

struct TemplateQuery {
  std::optional<Ref> reason;  // only those that fit it (for it, or for no reason)
  std::string language;       // "" any
  bool include_inactive = false;
  // A ticket (id or number): the active templates that fit its reason and language (the
  // `language` above, when given, instead of the ticket's), each rendered for it.
  std::optional<std::string> ticket;
};

struct RenderedTemplate {
  std::string subject;
  std::string body;
  std::vector<std::string> missing;  // variables without a value: left as {{name}} above
};

struct TemplateView {
  domain::ResponseTemplate tmpl;
  std::vector<domain::Reason> reasons;
  std::optional<RenderedTemplate> rendered;  // when listed for a ticket
};

// A template rendered with sample values (an admin checking how it reads), and those values.
struct TemplatePreview {
  TemplateView view;
  RenderedTemplate rendered;
  nlohmann::json values;  // {"contact": {"name": ...}, ...}: what each variable stood for
};

// What a public reply written from a template carries.
struct TemplateReply {
  int64_t template_id = 0;
  std::string template_name;
  std::string subject;  // rendered, one line
  std::string body;     // rendered; still to be checked as message text
};

class TemplateService {
 public:
  explicit TemplateService(Context& ctx) : ctx_(ctx) {}

  // Need templates.manage (admins have it). Invalid naming every bad field (name, language,
  // subject, body, reasons[i]) with nothing written; NotFound for an unknown id. Each
  // records template.created / template.updated in the history.
  Result<TemplateView> create(const Actor& actor, const TemplateInput& input);
  Result<TemplateView> update(const Actor& actor, int64_t id, const TemplateInput& patch);
  // Need tickets.view_all (staff). NotFound for an unknown template or an invisible ticket;
  // Invalid for an unknown reason or filters that do not go together.
  Result<TemplateView> get(const Actor& actor, int64_t id);
  Result<std::vector<TemplateView>> list(const Actor& actor, const TemplateQuery& query);
  // Need tickets.view_all. The template rendered in its own language with sample values
  // (a contact "Claire Dubois", a ticket number in this server's format, the template's
  // first reason, a value per custom field); NotFound for an unknown id. Writes nothing.
  Result<TemplatePreview> preview(const Actor& actor, int64_t id);

 private:
  Context& ctx_;
};

// In the caller's write transaction: the reply template_id gives on ticket t written by
// actor, with edited_body (the agent's text, placeholders and all) instead of the
// template's body when given. Invalid naming `template` (unknown, inactive), `body` or
// `subject` (a syntax error, an unknown variable, variables without a value: listed,
// also in details "missing").
Result<TemplateReply> render_reply(const Context& ctx, store::Connection& c, const Actor& actor,
                                   const domain::Ticket& t, int64_t template_id,
                                   const std::optional<std::string>& edited_body);

// Why text cannot be a template's subject or body, or "": a mustache syntax error, a tag
// other than a variable or a comment (sections would let a value be left out), an unknown
// variable (see domain::variable_problem).
std::string template_text_problem(const std::string& text, const std::set<std::string>& field_ids);
// The variables text uses, in order, once each (for text without a problem).
std::vector<std::string> template_variables(const std::string& text);
struct RenderedText {
  std::string text;
  std::vector<std::string> missing;
};
// text rendered with values: what lacks a value stays as its {{placeholder}} and is listed.
// one_line: as mail subjects are. Invalid naming `what` for broken mustache.
Result<RenderedText> render_template_text(const std::string& text, const nlohmann::json& values,
                                              const std::string& what, bool one_line);

}  // namespace redress::service
