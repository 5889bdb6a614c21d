#include "service/mail_intake_service.h"

#include <fmt/format.h>

#include "core/crypto.h"
#include "core/log.h"
#include "domain/validation.h"
#include "mail/language.h"
#include "mail/loop_guard.h"
#include "mail/threading.h"
#include "service/acknowledgement_service.h"
#include "service/mail_config.h"
#include "service/notifier.h"
#include "service/outbox.h"
#include "service/queue_service.h"
#include "service/ticket_access.h"
#include "service/ticket_service.h"
#include "service/transition_service.h"
#include "store/contact_store.h"
#include "store/event_store.h"
#include "store/ticket_store.h"
#include "store/user_store.h"
#include "workflow/engine.h"

namespace redress::service {
namespace {

using store::Connection;

constexpr size_t kMaxDescription = 100000;  // as TicketService allows

Error rejected(std::string code, std::string message) {
  Error e(ErrorCode::kInvalid, std::move(message));
  e.reason = "mail_rejected";
  e.fields["mail"] = std::move(code);
  return e;
}

// What is kept of a mail too large to take (its header, and the start of its text).
constexpr size_t kKeptHeadBytes = 256 << 10;

std::string too_large_message(uint64_t size, int64_t limit) {
  return fmt::format("the mail has {} bytes; at most {} (mail.max_message_bytes) are taken; its first {} KiB are kept",
                     size, limit, kKeptHeadBytes >> 10);
}

// Cut at a UTF-8 character boundary.
std::string clip(const std::string& s, size_t limit) {
  if (s.size() <= limit) return s;
  size_t n = limit;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return s.substr(0, n);
}

std::string dedupe_key_of(const mail::ParsedMail& m) {
  if (!m.message_id.empty()) return "mid:" + m.message_id;
  // No Message-ID (some scanners and old clients): the same sender, date, subject and
  // text twice is the same mail.
  const std::string from = m.from ? m.from->email : "";
  const std::string date = m.date ? std::to_string(to_micros(*m.date)) : "";
  return "hash:" + crypto::sha256_hex(from + "\n" + date + "\n" + m.subject + "\n" + m.text);
}

std::string content_language_of(const mail::ParsedMail& m) {
  std::string primary = domain::lower_ascii(m.content_language.substr(0, m.content_language.find_first_of("-_,; ")));
  return domain::is_language_tag(primary) ? primary : "";
}

struct ChosenLanguage {
  std::string code;
  nlohmann::json why;  // recorded on the mail's routing detail
};

// A new customer's language, which every mail to them is written in (seed 000): what the
// mail says it is in (Content-Language), else what its text is written in among the
// languages the desk writes (those of the acknowledgement template), else the mailbox's,
// else English.
ChosenLanguage language_for_new_contact(const MailConfig& cfg, const MailboxSettings* box, const mail::ParsedMail& m) {
  if (auto declared = content_language_of(m); !declared.empty())
    return {declared, {{"language", declared}, {"from", "content_language"}}};
  const auto desk = cfg.templates.languages_of("acknowledgement");
  if (auto found = mail::detect_language(m.subject + "\n" + m.text, desk))
    return {found->code, {{"language", found->code}, {"from", "text"}, {"percent", found->percent}}};
  if (box && !box->language.empty()) return {box->language, {{"language", box->language}, {"from", "mailbox"}}};
  return {"en", {{"language", "en"}, {"from", "default"}}};
}

struct Routed {
  std::optional<domain::Ticket> ticket;
  std::string routing;
  nlohmann::json detail = nlohmann::json::object();
};

// What the mail says, whatever path it took: two copies of one mail (an MTA's retry, the
// same mail by the gateway and from IMAP) differ in their Received lines, not in this.
std::string content_fingerprint(const mail::ParsedMail& m) {
  std::string s = m.from ? m.from->email : "";
  s += '\n' + (m.date ? std::to_string(to_micros(*m.date)) : std::string()) + '\n' + m.subject + '\n' + m.text;
  for (const auto& a : m.attachments) s += '\n' + a.filename + ' ' + std::to_string(a.size) + ' ' + a.sha256;
  return crypto::sha256_hex(s);
}

// Whether the mail stored as `seen` is this one again, or another mail that came with the
// same Message-ID: anyone can write any Message-ID, and an attacker who used a customer's
// first would otherwise have the customer's real mail dropped as a duplicate.
Result<bool> same_mail(store::MailStore& mails, const store::MailRecord& seen, const std::string& raw,
                       const mail::ParsedMail& m) {
  if (!seen.raw_sha256) return true;  // nothing to compare with: trust the id
  if (*seen.raw_sha256 == crypto::sha256_hex(raw)) return true;
  auto stored = REDRESS_TRY(mails.blob(*seen.raw_sha256));
  if (!stored) return true;
  auto earlier = mail::parse_mail(*stored);
  if (!earlier) return false;
  return content_fingerprint(*earlier) == content_fingerprint(m);
}

// Finds the ticket a mail answers: our signed Message-IDs first (they cannot be forged),
// then any Message-ID we have seen on a ticket, then the subject tag. Those two count only
// when the sender is a contact of that ticket: anyone can type a number, and anyone who
// saw a mail of the thread (a forward, a CC) knows its Message-ID. A stranger's mail
// opens a ticket of its own, with the ticket it pointed at noted.
Result<Routed> route(const Context& ctx, Connection& c, const mail::ParsedMail& m) {
  store::TicketStore tickets(c);
  store::MailStore mails(c);
  Routed out;
  std::vector<std::pair<std::string, std::string>> ids;  // id, header
  for (const auto& id : m.in_reply_to) ids.emplace_back(id, "in-reply-to");
  for (auto it = m.references.rbegin(); it != m.references.rend(); ++it) ids.emplace_back(*it, "references");
  for (const auto& [id, header] : ids) {
    if (auto signed_id = mail::signed_ticket_of(id, ctx.mail->secret)) {
      if (auto t = REDRESS_TRY(tickets.find(*signed_id))) {
        out.ticket = std::move(*t);
        out.routing = "signed_message_id";
        out.detail = {{"header", header}, {"message_id", id}};
        return out;
      }
    }
  }
  const std::string sender = m.from ? m.from->email : "";
  std::optional<nlohmann::json> unlinked;  // the first known id whose ticket the sender is a stranger to
  for (const auto& [id, header] : ids) {
    for (int64_t tid : REDRESS_TRY(mails.tickets_of_message_id(id, 5))) {
      auto t = REDRESS_TRY(tickets.find(tid));
      if (!t) continue;
      if (!sender.empty() && REDRESS_TRY(tickets.has_contact_email(t->id, sender))) {
        out.ticket = std::move(*t);
        out.routing = "known_message_id";
        out.detail = {{"header", header}, {"message_id", id}};
        return out;
      }
      if (!unlinked) {
        unlinked = nlohmann::json{{"ignored_message_id", id},
                                  {"refers_to_ticket", t->number},
                                  {"why", "sender is not a contact of that ticket"}};
      }
    }
  }
  if (unlinked) out.detail = *unlinked;
  if (auto tag = mail::subject_tag(m.subject)) {
    auto t = REDRESS_TRY(tickets.find_by_number(*tag));
    if (t && !sender.empty() && REDRESS_TRY(tickets.has_contact_email(t->id, sender))) {
      out.ticket = std::move(*t);
      out.routing = "subject_tag";
      out.detail = {{"number", *tag}};
      return out;
    }
    out.detail["ignored_subject_tag"] = *tag;
    out.detail["why"] = t ? "sender is not a contact of that ticket" : "no ticket with that number";
  }
  out.routing = "new_ticket";
  return out;
}

}  // namespace

Result<IntakeResult> MailIntakeService::ingest(const std::string& raw, const IntakeOptions& options) {
  if (!ctx_.mail) return fail(Error::internal("mail is not configured"));
  if (!options.mailbox.empty() && !ctx_.mail->mailbox(options.mailbox))
    return fail(Error::invalid_field("mailbox", "no mailbox named '" + options.mailbox + "'"));
  auto taken = ctx_.db.transact_value<IntakeResult>(
      store::TxMode::kWrite, [&](Connection& c) { return ingest_in(c, raw, options); });
  if (taken || taken.error().reason != "mail_rejected") return taken;
  Error why = taken.error();
  auto kept = REDRESS_TRY(ctx_.db.transact_value<store::FailedMail>(
      store::TxMode::kWrite, [&](Connection& c) { return keep_failed(c, raw, options, why); }));
  why.fields["failed_mail"] = std::to_string(kept.id);
  return fail(std::move(why));
}

Error MailIntakeService::refuse_too_large(const std::string& head, uint64_t size, const IntakeOptions& options) {
  if (!ctx_.mail) return Error::internal("mail is not configured");
  Error why = rejected("too_large", too_large_message(size, ctx_.mail->settings.max_message_bytes));
  auto kept = ctx_.db.transact_value<store::FailedMail>(
      store::TxMode::kWrite, [&](Connection& c) { return keep_failed(c, head, options, why); });
  if (!kept) return kept.error();
  why.fields["failed_mail"] = std::to_string(kept->id);
  return why;
}

Result<store::FailedMail> MailIntakeService::keep_failed(Connection& c, const std::string& raw,
                                                         const IntakeOptions& options, const Error& why) {
  const TimePoint now = ctx_.clock.now();
  store::MailStore mails(c);
  store::FailedMail f;
  f.mailbox = options.mailbox;
  f.source = options.source;
  auto code = why.fields.find("mail");
  f.reason = code != why.fields.end() ? code->second : "rejected";
  f.detail = why.message;
  // Of a mail too large to take, its beginning is trace enough (who sent it, when, about
  // what): storing all of it would be taking it after all.
  const bool too_large = f.reason == "too_large";
  f.raw_sha256 = REDRESS_TRY(mails.put_blob(too_large ? raw.substr(0, std::min(raw.size(), kKeptHeadBytes)) : raw, now));
  f.status = "failed";
  f.created_at = f.updated_at = now;
  auto kept = REDRESS_TRY(mails.add_failed(f));
  log::warn("mail_rejected", {{"failed_mail", std::to_string(kept.id)},
                              {"mailbox", options.mailbox},
                              {"reason", kept.reason},
                              {"detail", kept.detail}});
  return kept;
}

Result<IntakeResult> MailIntakeService::ingest_in(Connection& c, const std::string& raw, const IntakeOptions& options) {
  if (!ctx_.mail) return fail(Error::internal("mail is not configured"));
  const MailConfig& cfg = *ctx_.mail;
  const TimePoint now = ctx_.clock.now();
  if (static_cast<int64_t>(raw.size()) > cfg.settings.max_message_bytes)
    return fail(rejected("too_large", too_large_message(raw.size(), cfg.settings.max_message_bytes)));
  auto parsed = mail::parse_mail(raw);
  if (!parsed) return fail(rejected("unparseable", "not a mail: " + parsed.error().message));
  // Not const: each attachment's bytes are let go once stored (a large mail's files would
  // otherwise be held twice while the mail itself is stored).
  mail::ParsedMail& m = *parsed;

  store::MailStore mails(c);
  IntakeResult result;
  std::string key = dedupe_key_of(m);
  std::optional<int64_t> reused_id_of;  // the mail that came first with this Message-ID
  auto seen = REDRESS_TRY(mails.find_by_dedupe_key(key));
  if (seen && key.starts_with("mid:") && !REDRESS_TRY(same_mail(mails, *seen, raw, m))) {
    // Another mail with a Message-ID already used: a new mail, kept under a key of its own
    // (so that it too is taken once).
    reused_id_of = seen->id;
    key += "#" + content_fingerprint(m);
    seen = REDRESS_TRY(mails.find_by_dedupe_key(key));
  }
  if (seen) {
    result.outcome = "duplicate";
    result.mail_id = seen->id;
    result.ticket_id = seen->ticket_id;
    result.routing = seen->routing;
    if (seen->ticket_id) {
      if (auto t = REDRESS_TRY(store::TicketStore(c).find(*seen->ticket_id))) result.ticket_number = t->number;
    }
    return result;
  }
  // One of our own mails coming back (a copy to our own mailbox): already on its ticket.
  if (!m.message_id.empty() && mail::signed_ticket_of(m.message_id, cfg.secret)) {
    if (auto ours = REDRESS_TRY(mails.find_by_dedupe_key("out:" + m.message_id))) {
      result.outcome = "duplicate";
      result.mail_id = ours->id;
      result.ticket_id = ours->ticket_id;
      result.routing = "own_mail";
      return result;
    }
  }

  const std::string sender = m.from ? m.from->email : "";
  store::MailRecord record;
  record.direction = "in";
  record.message_id = m.message_id.empty() ? key : m.message_id;
  record.dedupe_key = key;
  record.mailbox = options.mailbox;
  record.source = options.source;
  record.from_address = sender;
  for (const auto* list : {&m.to, &m.cc}) {
    for (const auto& a : *list) record.recipients.push_back(a.email);
  }
  record.subject = m.subject;
  record.status = "stored";
  record.created_at = now;
  record.raw_sha256 = REDRESS_TRY(mails.put_blob(raw, now));

  store::TicketStore tickets(c);
  store::EventStore events(c);
  const Actor system = Actor::system();

  if (m.bounce) {
    std::optional<int64_t> tid;
    if (m.bounce->original_message_id) {
      tid = mail::signed_ticket_of(*m.bounce->original_message_id, cfg.secret);
      if (!tid) tid = REDRESS_TRY(mails.ticket_of_message_id(*m.bounce->original_message_id));
    }
    std::optional<domain::Ticket> t;
    if (tid) t = REDRESS_TRY(tickets.find(*tid));
    if (!t) return fail(rejected("bounce_unmatched", "a delivery failure report for a mail that is not ours"));
    for (const auto& address : m.bounce->failed_recipients) {
      if (m.bounce->permanent) REDRESS_CHECK(mails.mark_bouncing(address, m.bounce->status, now));
    }
    domain::Message msg;
    msg.ticket_id = t->id;
    msg.kind = "bounce";
    msg.visibility = "internal";
    msg.body = m.text;
    msg.created_at = now;
    msg = REDRESS_TRY(tickets.add_message(msg));
    record.ticket_id = t->id;
    record.message_row_id = msg.id;
    record.routing = "bounce";
    record.routing_detail = {{"original_message_id", m.bounce->original_message_id.value_or("")},
                             {"failed_recipients", m.bounce->failed_recipients},
                             {"status", m.bounce->status},
                             {"permanent", m.bounce->permanent}};
    record = REDRESS_TRY(mails.insert(record));
    domain::Event e = detail::ticket_event(system, now, t->id, "mail.bounced");
    e.data = record.routing_detail;
    e.data["mail_id"] = record.id;
    REDRESS_CHECK(events.append(e));
    result.outcome = "bounce";
    result.mail_id = record.id;
    result.ticket_id = t->id;
    result.ticket_number = t->number;
    result.routing = record.routing;
    result.routing_detail = record.routing_detail;
    return result;
  }

  if (sender.empty() || !domain::is_plausible_email(sender))
    return fail(rejected("no_sender", "the mail has no usable From address"));

  auto routed = REDRESS_TRY(route(ctx_, c, m));
  const std::string automated = mail::automated_mail_reason(m);
  std::optional<int64_t> author;
  if (auto ct = REDRESS_TRY(store::ContactStore(c).find_by_email(sender))) author = ct->id;

  domain::Ticket t;
  bool created = false;
  nlohmann::json new_contact_language;  // why a new contact got its language
  std::optional<size_t> subject_cut_from;  // characters of a subject too long to keep whole
  if (!routed.ticket) {
    const MailboxSettings* box = cfg.mailbox(options.mailbox);
    NewTicket nt;
    nt.workflow = cfg.workflow_for(box);
    // Whole, as the ticket takes it (2,000 characters): a longer one is noted as cut.
    nt.subject = m.subject.empty() ? "(no subject)" : domain::first_code_points(m.subject, 2000);
    if (nt.subject.size() < m.subject.size()) subject_cut_from = domain::code_points(m.subject);
    nt.description = clip(m.text, kMaxDescription);
    nt.channel = "mail";
    ContactInput main;
    main.email = sender;
    main.name = m.from->name.empty() ? sender.substr(0, sender.find('@')) : m.from->name;
    if (!author) {
      auto chosen = language_for_new_contact(cfg, box, m);
      main.language = chosen.code;
      new_contact_language = std::move(chosen.why);
    }
    main.main = true;
    nt.contacts.push_back(main);
    auto detail = TicketService(ctx_).create_in(c, system, nt);
    if (!detail) {
      // A mailbox pointing at a workflow that does not exist is a configuration error the
      // admin fixes; the mail must wait for that, not be refused.
      return fail(Error::unavailable("cannot open a ticket for the mail: " + detail.error().message));
    }
    t = detail->ticket;
    created = true;
    if (t.main_contact_id) author = t.main_contact_id;
  } else {
    t = std::move(*routed.ticket);
  }

  domain::Message msg;
  msg.ticket_id = t.id;
  msg.kind = "mail_in";
  msg.visibility = "public";
  msg.author_contact_id = author;
  msg.body = m.text;
  if (!m.html.empty()) msg.html = m.html;
  msg.created_at = now;
  msg = REDRESS_TRY(tickets.add_message(msg));
  for (auto& a : m.attachments) {
    store::AttachmentRecord rec;
    rec.message_id = msg.id;
    if (!a.dropped) rec.blob_sha256 = REDRESS_TRY(mails.put_blob(a.data, now));
    std::string().swap(a.data);
    rec.filename = a.filename;
    rec.content_type = a.content_type;
    rec.content_id = a.content_id;
    rec.is_inline = a.is_inline;
    rec.size = a.size;
    rec.dropped = a.dropped;
    REDRESS_CHECK(mails.add_attachment(rec));
  }

  record.ticket_id = t.id;
  record.message_row_id = msg.id;
  record.routing = routed.routing;
  record.routing_detail = routed.detail;
  if (!automated.empty()) record.routing_detail["automated"] = automated;
  if (reused_id_of) record.routing_detail["message_id_reused_from_mail"] = *reused_id_of;
  if (!new_contact_language.is_null()) record.routing_detail["contact_language"] = new_contact_language;
  if (subject_cut_from) record.routing_detail["subject_cut"] = {{"characters", *subject_cut_from}, {"kept", 2000}};

  if (!created) {
    const workflow::WorkflowDef* wf = ctx_.workflows.find(t.workflow);
    if (wf && wf->is_closed(t.status) && automated.empty()) {
      if (const auto* tr = workflow::reopening_transition(*wf, t.status)) {
        TransitionInput input;
        input.transition = tr->id;
        auto reopened = TransitionService(ctx_).run_in(c, system, t, input);
        if (reopened) {
          t = std::move(*reopened);
          record.routing_detail["reopened_by"] = tr->id;
        } else {
          record.routing_detail["reopen_failed"] = reopened.error().message;
        }
      }
    }
    // Robots' mail (auto-replies) is no news for anyone: only a person's mail counts.
    if (automated.empty()) {
      // The customer wrote again: the ticket leads its handler's queue (and leaves an
      // inactive taker's hands).
      t = REDRESS_TRY(customer_message_arrived(ctx_, c, std::move(t)));
      if (t.messaging_blocked) {
        // Blocked messaging (seed 003) stops the customer's side of the conversation:
        // the mail is kept on the ticket, nothing is lost, but nobody is alerted by it.
        record.routing_detail["messaging_blocked"] = true;
      } else {
        // The routing table says who hears of it (the taker, else the role holders).
        NotifyEvent e;
        e.kind = kNotifyCustomerMessage;
        e.channel = "mail";
        e.message_id = msg.id;
        e.message_text = m.text;
        e.author_contact_id = author;
        // Only a database failure comes back as an error (a template that fails to
        // render is skipped inside): the transaction is lost then anyway, so the mail is
        // refused for now and offered again.
        auto told = REDRESS_TRY(notify(ctx_, c, system, t, {e}));
        if (!told.recipients.empty()) record.routing_detail["notified"] = told.recipients;
      }
    }
  }
  record = REDRESS_TRY(mails.insert(record));

  domain::Event e = detail::ticket_event(system, now, t.id, "mail.received");
  e.data = {{"mail_id", record.id},
            {"message_id", record.message_id},
            {"from", sender},
            {"routing", record.routing},
            {"detail", record.routing_detail}};
  REDRESS_CHECK(events.append(e));

  if (created) {
    const MailboxSettings* box = cfg.mailbox(options.mailbox);
    if (!cfg.acknowledge_for(box)) {
      record.routing_detail["acknowledgement"] = "off for this mailbox";
    } else if (!automated.empty()) {
      record.routing_detail["acknowledgement"] = "not sent: the mail looks automated (" + automated + ")";
    } else {
      auto ack = REDRESS_TRY(AcknowledgementService::queue(ctx_, c, system, t, {}, true));
      record.routing_detail["acknowledgement"] = ack ? "queued" : "not sent: no recipient left after the loop rules";
    }
    REDRESS_CHECK(c.execute("UPDATE mail_messages SET routing_detail = ? WHERE id = ?",
                            {record.routing_detail.dump(), record.id}));
  }
  REDRESS_CHECK(tickets.reindex(t.id));

  result.outcome = created ? "created" : "appended";
  result.mail_id = record.id;
  result.ticket_id = t.id;
  result.ticket_number = t.number;
  result.routing = record.routing;
  result.routing_detail = record.routing_detail;
  return result;
}

Result<std::vector<store::FailedMail>> MailIntakeService::failed(const Actor& actor, const std::string& status,
                                                                  int limit) {
  if (!actor.has_right(domain::rights::kAdmin)) return fail(Error::forbidden("admins only", "right_missing"));
  if (!status.empty() && status != "failed" && status != "retried" && status != "dismissed")
    return fail(Error::invalid_field("status", "must be failed, retried or dismissed"));
  return ctx_.db.transact_value<std::vector<store::FailedMail>>(
      store::TxMode::kRead, [&](Connection& c) { return store::MailStore(c).list_failed(status, limit); });
}

Result<IntakeResult> MailIntakeService::retry_failed(const Actor& actor, int64_t id) {
  if (!actor.has_right(domain::rights::kAdmin)) return fail(Error::forbidden("admins only", "right_missing"));
  auto f = REDRESS_TRY(ctx_.db.transact_value<std::optional<store::FailedMail>>(
      store::TxMode::kRead, [&](Connection& c) { return store::MailStore(c).find_failed(id); }));
  if (!f) return fail(Error::not_found("failed mail"));
  if (f->status != "failed") return fail(Error::conflict("this mail was already " + f->status, "not_failed"));
  if (f->reason == "too_large")
    return fail(Error::conflict("only the beginning of this mail was kept: the sender must send it again (or its "
                                "server deliver it again once mail.max_message_bytes is raised)",
                                "kept_in_part"));
  auto raw = REDRESS_TRY(ctx_.db.transact_value<std::optional<std::string>>(
      store::TxMode::kRead, [&](Connection& c) { return store::MailStore(c).blob(f->raw_sha256); }));
  if (!raw) return fail(Error::internal("the failed mail's content is missing"));
  IntakeOptions options{f->mailbox, f->source};
  auto taken = ctx_.db.transact_value<IntakeResult>(store::TxMode::kWrite, [&](Connection& c) -> Result<IntakeResult> {
    auto r = REDRESS_TRY(ingest_in(c, *raw, options));
    store::FailedMail done = *f;
    done.status = "retried";
    done.attempts += 1;
    done.updated_at = ctx_.clock.now();
    done.ticket_id = r.ticket_id;
    REDRESS_CHECK(store::MailStore(c).update_failed(done));
    return r;
  });
  if (taken || taken.error().reason != "mail_rejected") return taken;
  // Still refused: count the attempt and say why now.
  REDRESS_CHECK(ctx_.db.transact(store::TxMode::kWrite, [&](Connection& c) {
    store::FailedMail again = *f;
    again.attempts += 1;
    again.detail = taken.error().message;
    auto code = taken.error().fields.find("mail");
    if (code != taken.error().fields.end()) again.reason = code->second;
    again.updated_at = ctx_.clock.now();
    return store::MailStore(c).update_failed(again);
  }));
  return taken;
}

}  // namespace redress::service
