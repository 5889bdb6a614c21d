#include "service/notifier.h"

#include "store/mail_store.h"

#include <algorithm>

#include "core/log.h"
#include "domain/routing.h"
#include "domain/validation.h"
#include "mail/loop_guard.h"
#include "service/customer_link_service.h"
#include "service/mail_config.h"
#include "service/outbox.h"
#include "store/contact_store.h"
#include "store/routing_store.h"
#include "store/user_store.h"

namespace redress::service {
namespace {

using store::Connection;

// Enough of a message for the mail to say what it is about; the whole text is {{message}}.
constexpr size_t kExcerpt = 500;

// Cut at a UTF-8 character boundary, marked as cut.
std::string excerpt_of(const std::string& s) {
  if (s.size() <= kExcerpt) return s;
  size_t n = kExcerpt;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return s.substr(0, n) + "…";
}

domain::Recipient user_recipient(const domain::User& u) {
  return domain::Recipient{domain::lower_ascii(u.email), u.name, u.language, !u.is_staff()};
}

domain::Recipient contact_recipient(const domain::Contact& ct) {
  return domain::Recipient{domain::lower_ascii(ct.email.value_or("")), ct.name, ct.language, true};
}

// Users by id, loaded once per call; inactive users and missing ids are nobody.
class People {
 public:
  explicit People(Connection& c) : users_(c), contacts_(c) {}

  Result<std::optional<domain::Recipient>> user(std::optional<int64_t> id) {
    if (!id) return std::optional<domain::Recipient>();
    auto it = user_cache_.find(*id);
    if (it == user_cache_.end()) {
      auto u = REDRESS_TRY(users_.find(*id));
      std::optional<domain::Recipient> r;
      if (u && u->active) r = user_recipient(*u);
      it = user_cache_.emplace(*id, std::move(r)).first;
    }
    return it->second;
  }

  Result<std::optional<domain::Recipient>> contact(std::optional<int64_t> id) {
    if (!id) return std::optional<domain::Recipient>();
    auto ct = REDRESS_TRY(contacts_.find(*id));
    if (!ct || !ct->email) return std::optional<domain::Recipient>();
    return std::optional<domain::Recipient>(contact_recipient(*ct));
  }

  store::ContactStore& contacts() { return contacts_; }

 private:
  store::UserStore users_;
  store::ContactStore contacts_;
  std::map<int64_t, std::optional<domain::Recipient>> user_cache_;
};

Result<domain::RecipientSources> sources_of(People& people, const domain::Ticket& t) {
  domain::RecipientSources s;
  s.workflow = t.workflow;
  for (const auto& [role, uid] : t.assignees) {
    if (auto r = REDRESS_TRY(people.user(uid))) s.role_holders[role] = std::move(*r);
  }
  s.taker = REDRESS_TRY(people.user(t.taken_by));
  const auto contacts = REDRESS_TRY(people.contacts().find_many(t.contact_ids));
  for (const auto& ct : contacts) {
    if (!ct.email || ct.email->empty()) continue;
    auto r = contact_recipient(ct);
    if (t.main_contact_id && ct.id == *t.main_contact_id) s.main_contact = r;
    s.contacts.push_back(std::move(r));
  }
  return s;
}

Result<bool> is_bouncing(Connection& c, const std::string& address) {
  auto row = REDRESS_TRY(
      c.query_one("SELECT 1 FROM contacts WHERE email = ? AND bouncing_since IS NOT NULL", {address}));
  return row.has_value();
}

// What a template can say. Labels are in the recipient's language.
nlohmann::json values_for(const Context& ctx, const Actor& actor, const domain::Ticket& t,
                          const workflow::WorkflowDef* wf, const NotifyEvent& e, const domain::RoutingEvent& re,
                          const domain::Recipient& to, const std::string& language, const std::string& confirm_url) {
  const MailConfig& cfg = *ctx.mail;
  const std::string organisation = cfg.settings.from_name.empty() ? "Redress" : cfg.settings.from_name;
  const std::string name = to.name.empty() ? to.address : to.name;
  const workflow::StatusDef* status = wf ? wf->status(t.status) : nullptr;
  // Roles have no labels of their own: "team_member" reads as "team member".
  std::string role_label = e.role;
  for (char& ch : role_label) ch = ch == '_' ? ' ' : ch;
  std::string author_name;
  if (re.author) author_name = re.author->name.empty() ? re.author->address : re.author->name;
  return {
      {"number", t.number},
      {"subject", t.subject},
      {"status", status ? workflow::label_in(status->labels, language, status->id) : t.status},
      {"status_id", t.status},
      {"workflow", wf ? workflow::label_in(wf->labels, language, wf->id) : t.workflow},
      {"workflow_id", t.workflow},
      {"recipient_name", name},
      {"user_name", name},
      {"contact_name", name},
      // Timers, the mail intake and the command line act as the organisation.
      {"actor_name", actor.user ? actor.user->name : organisation},
      {"author_name", author_name},
      {"author_email", re.author ? re.author->address : ""},
      {"has_author", re.author.has_value()},
      {"role", e.role},
      {"role_label", role_label},
      {"note", e.note},
      {"has_note", !e.note.empty()},
      {"excerpt", excerpt_of(e.message_text)},
      {"message", e.message_text},
      {"has_message", !e.message_text.empty()},
      {"ticket_url", cfg.base_url + "/tickets/" + t.number},
      {"portal_url", cfg.portal_url(t.number)},
      // Seed 002: the customer's button in the mail itself, signed for this recipient.
      {"confirm_url", confirm_url},
      {"has_confirm_url", !confirm_url.empty()},
      {"organisation", organisation},
  };
}

}  // namespace

Result<NotifyOutcome> notify(const Context& ctx, Connection& c, const Actor& actor, const domain::Ticket& t,
                             const std::vector<NotifyEvent>& events) {
  NotifyOutcome out;
  if (!ctx.mail || events.empty()) return out;
  const auto rules = REDRESS_TRY(store::RoutingStore(c).enabled_for(t.workflow));

  std::vector<domain::RoutingEvent> routed;
  routed.reserve(events.size());
  bool any = false;
  for (const auto& e : events) {
    domain::RoutingEvent re{e.kind, e.status, e.role, e.channel, std::nullopt, std::nullopt};
    for (const auto& rule : rules) any = any || domain::rule_matches(rule, t.workflow, re);
    routed.push_back(std::move(re));
  }
  // Most changes match no row: then nobody needs to be looked up.
  if (!any) return out;

  People people(c);
  const auto sources = REDRESS_TRY(sources_of(people, t));
  for (size_t i = 0; i < events.size(); ++i) {
    routed[i].assignee = REDRESS_TRY(people.user(events[i].assigned_user_id));
    if (events[i].author_contact_id) {
      routed[i].author = REDRESS_TRY(people.contact(events[i].author_contact_id));
    } else {
      routed[i].author = REDRESS_TRY(people.user(events[i].author_user_id));
    }
  }
  const std::string actor_address = actor.user ? domain::lower_ascii(actor.user->email) : "";
  auto plan = domain::plan_recipients(rules, routed, sources, actor_address);
  out.skipped = std::move(plan.skipped);

  const workflow::WorkflowDef* wf = ctx.workflows.find(t.workflow);
  const bool offers_link = CustomerLinkService::offers_link(ctx, t);
  for (auto& planned : plan.mails) {
    domain::Recipient& to = planned.recipient;
    const domain::RoutingRule& rule = rules[planned.rule];
    if (to.customer && to.name.empty()) {
      // A literal address may be a known contact: greet them by name, in their language.
      if (auto ct = REDRESS_TRY(people.contacts().find_by_email(to.address))) {
        to.name = ct->name;
        to.language = ct->language;
      }
    }
    const std::string language = domain::is_language_tag(to.language)   ? to.language
                                 : domain::is_language_tag(t.language) ? t.language
                                                                       : "en";
    std::string confirm_url;
    if (to.customer && offers_link) {
      auto ct = REDRESS_TRY(people.contacts().find_by_email(to.address));
      if (ct && std::find(t.contact_ids.begin(), t.contact_ids.end(), ct->id) != t.contact_ids.end()) {
        if (auto path = CustomerLinkService::path_for(ctx, t, ct->id)) confirm_url = ctx.mail->base_url + *path;
      }
    }
    const auto values =
        values_for(ctx, actor, t, wf, events[planned.event], routed[planned.event], to, language, confirm_url);
    auto rendered = ctx.mail->templates.render(rule.template_id, language, values);
    if (rendered && !rule.subject.empty()) {
      auto subject = notify::MailTemplates::render_subject(rule.subject, values,
                                                           "routing rule " + std::to_string(rule.id) + " subject");
      if (subject) {
        rendered->subject = std::move(*subject);
      } else {
        rendered = fail(subject.error());
      }
    }
    // A reply written from a response template was sent with that template's subject.
    if (rendered && rule.event == kNotifySupportReply && events[planned.event].message_subject)
      rendered->subject = *events[planned.event].message_subject;
    if (!rendered) {
      // A template broken in the override directory must not block the change itself;
      // the log and the outcome say who was not told.
      log::error("notification_template_failed", {{"ticket", t.number},
                                                  {"template", rule.template_id},
                                                  {"error", rendered.error().message}});
      out.skipped.emplace_back(to.address, "template: " + rendered.error().message);
      continue;
    }
    // A support reply carries what a person wrote: it is not an automatic answer, so it
    // is neither marked auto-submitted nor counted against the daily auto-reply cap
    // (robots, our own addresses and bouncing contacts are still skipped).
    const bool person_wrote = rule.event == kNotifySupportReply;
    if (to.customer) {
      std::string why = REDRESS_TRY(is_bouncing(c, to.address)) ? "bouncing" : "";
      if (why.empty() && person_wrote) why = mail::automated_address_reason(to.address, ctx.mail->own_addresses);
      if (why.empty() && !person_wrote) why = REDRESS_TRY(claim_auto_reply(ctx, c, to.address));
      if (!why.empty()) {
        out.skipped.emplace_back(to.address, why);
        continue;
      }
    }
    OutboundMail m;
    m.ticket_id = t.id;
    m.ticket_number = t.number;
    m.to = {mail::Address{to.name, to.address}};
    m.subject = rendered->subject;
    m.text = rendered->text;
    m.html = rendered->html;
    m.language = rendered->language;
    m.auto_submitted = person_wrote ? "" : "auto-generated";
    m.author_user_id = person_wrote ? actor.user_id() : std::nullopt;
    m.purpose = person_wrote ? "reply" : to.customer ? "notification" : "alert";
    // A mail to the customer about a change (a confirmation request) is part of the
    // conversation and joins the thread; a mail about a message (a receipt, a reply) is
    // that message's delivery, already in the thread once; staff alerts never join it.
    const bool about_message = rule.event == kNotifyCustomerMessage || rule.event == kNotifySupportReply ||
                               rule.event == kNotifyNote;
    m.on_thread = to.customer && !about_message;
    // A reply to the customer carries the files the agent attached to it.
    if (person_wrote && to.customer && events[planned.event].message_id) {
      store::MailStore mails(c);
      for (const auto& a : REDRESS_TRY(mails.attachments_of(*events[planned.event].message_id))) {
        if (!a.blob_sha256) continue;
        auto bytes = REDRESS_TRY(mails.blob(*a.blob_sha256));
        if (bytes) m.files.push_back({a.filename, a.content_type, std::move(*bytes)});
      }
    }
    REDRESS_CHECK(queue_mail(ctx, c, m));
    ++out.mails_queued;
    out.recipients.push_back(to.address);
  }
  return out;
}

}  // namespace redress::service
