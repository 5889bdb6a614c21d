#include "service/acknowledgement_service.h"

#include "domain/validation.h"
#include "mail/loop_guard.h"
#include "service/mail_config.h"
#include "service/outbox.h"
#include "service/ticket_access.h"
#include "store/contact_store.h"
#include "store/event_store.h"

namespace redress::service {

Result<std::optional<AcknowledgementResult>> AcknowledgementService::queue(const Context& ctx, store::Connection& c,
                                                                           const Actor& actor,
                                                                           const domain::Ticket& t,
                                                                           const AcknowledgementRequest& request,
                                                                           bool automatic) {
  if (!ctx.mail) return fail(Error::internal("mail is not configured"));
  const auto contacts = REDRESS_TRY(store::ContactStore(c).find_many(t.contact_ids));
  std::string language = request.language.value_or(t.language);
  std::string main_name;
  for (const auto& ct : contacts) {
    if (t.main_contact_id && ct.id == *t.main_contact_id) {
      if (!request.language) language = ct.language;
      main_name = ct.name;
    }
  }
  // Addresses that bounced for good get no more automatic mail until someone fixes them.
  std::set<std::string> bouncing;
  if (automatic) {
    auto rows = REDRESS_TRY(c.query(
        "SELECT c.email FROM ticket_contacts tc JOIN contacts c ON c.id = tc.contact_id "
        "WHERE tc.ticket_id = ? AND c.bouncing_since IS NOT NULL AND c.email IS NOT NULL",
        {t.id}));
    for (const auto& row : rows) bouncing.insert(domain::lower_ascii(row.text(0)));
  }
  AcknowledgementResult result;
  std::vector<mail::Address> to, cc;
  std::set<std::string> seen;
  auto consider = [&](const std::string& email, const std::string& name, bool as_cc) -> Result<void> {
    const std::string lower = domain::lower_ascii(email);
    if (!seen.insert(lower).second) return {};
    std::string why;
    if (bouncing.contains(lower)) {
      why = "bouncing";
    } else if (automatic) {
      why = REDRESS_TRY(claim_auto_reply(ctx, c, lower));
    } else {
      why = mail::automated_address_reason(lower, ctx.mail->own_addresses);
    }
    if (!why.empty()) {
      result.skipped.emplace_back(lower, why);
      return {};
    }
    (as_cc ? cc : to).push_back(mail::Address{name, lower});
    result.recipients.push_back(lower);
    return {};
  };
  for (const auto& ct : contacts) {
    if (ct.email) REDRESS_CHECK(consider(*ct.email, ct.name, false));
  }
  for (const auto& extra : request.cc) REDRESS_CHECK(consider(extra, "", true));
  if (to.empty() && cc.empty()) return std::optional<AcknowledgementResult>();
  if (to.empty()) std::swap(to, cc);

  const nlohmann::json values = {{"number", t.number},
                                 {"subject", t.subject},
                                 {"contact_name", main_name.empty() ? to.front().name : main_name},
                                 {"organisation", ctx.mail->settings.from_name}};
  auto rendered = REDRESS_TRY(ctx.mail->templates.render("acknowledgement", language, values));
  OutboundMail m;
  m.ticket_id = t.id;
  m.ticket_number = t.number;
  m.to = to;
  m.cc = cc;
  m.subject = rendered.subject;
  m.text = rendered.text;
  m.html = rendered.html;
  m.language = rendered.language;
  m.auto_submitted = automatic ? "auto-replied" : "";
  m.purpose = "acknowledgement";
  m.author_user_id = actor.user_id();
  auto record = REDRESS_TRY(queue_mail(ctx, c, m));
  result.mail_id = record.id;
  result.language = rendered.language;

  domain::Event e = detail::ticket_event(actor, ctx.clock.now(), t.id, "acknowledgement.queued");
  nlohmann::json skipped = nlohmann::json::array();
  for (const auto& [address, why] : result.skipped) skipped.push_back({{"address", address}, {"reason", why}});
  e.data = {{"mail_id", record.id},
            {"message_id", record.message_id},
            {"language", rendered.language},
            {"recipients", result.recipients},
            {"skipped", skipped},
            {"automatic", automatic}};
  REDRESS_CHECK(store::EventStore(c).append(e));
  return std::optional<AcknowledgementResult>(std::move(result));
}

Result<AcknowledgementResult> AcknowledgementService::send(const Actor& actor, const std::string& key,
                                                           const AcknowledgementRequest& request) {
  std::map<std::string, std::string> errors;
  if (request.language && !domain::is_language_tag(*request.language))
    errors["language"] = "must be a language tag such as en or fr";
  AcknowledgementRequest clean;
  clean.language = request.language;
  for (size_t i = 0; i < request.cc.size(); ++i) {
    const std::string email = domain::lower_ascii(domain::trim(request.cc[i]));
    if (!domain::is_plausible_email(email)) {
      errors["cc[" + std::to_string(i) + "]"] = "not a valid email address";
    } else {
      clean.cc.push_back(email);
    }
  }
  if (!errors.empty()) {
    Error e(ErrorCode::kInvalid, "invalid acknowledgement");
    e.fields = std::move(errors);
    return fail(std::move(e));
  }
  return ctx_.db.transact_value<AcknowledgementResult>(
      store::TxMode::kWrite, [&](store::Connection& c) -> Result<AcknowledgementResult> {
        auto t = REDRESS_TRY(detail::find_visible(c, actor, key));
        if (!t) return fail(Error::not_found("ticket"));
        if (!actor.has_right(domain::rights::kTicketsWrite))
          return fail(Error::forbidden("not allowed to send mail on this ticket", "right_missing"));
        auto queued = REDRESS_TRY(queue(ctx_, c, actor, *t, clean, false));
        if (!queued) return fail(Error::conflict("no contact or CC address to send the acknowledgement to", "no_recipient"));
        return std::move(*queued);
      });
}

}  // namespace redress::service
