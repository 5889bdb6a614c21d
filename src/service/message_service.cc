#include "service/message_service.h"

#include <algorithm>
#include <map>
#include <set>

#include "domain/message_text.h"
#include "domain/validation.h"
#include "service/notifier.h"
#include "service/queue_service.h"
#include "service/template_service.h"
#include "service/review_reply.h"
#include "service/ticket_access.h"
#include "service/transition_service.h"
#include "store/contact_store.h"
#include "store/event_store.h"
#include "store/mail_store.h"
#include "store/review_store.h"
#include "store/ticket_store.h"
#include "store/user_store.h"
#include "workflow/engine.h"

namespace redress::service {
namespace {

using store::Connection;

bool is_customer(const Actor& actor) { return actor.user && actor.user->role == domain::Role::kCustomer; }

// The people behind a page of messages, loaded once per page.
struct Authors {
  std::map<int64_t, domain::User> users;
  std::map<int64_t, domain::Contact> contacts;
};

Result<Authors> load_authors(Connection& c, const std::vector<domain::Message>& messages) {
  Authors out;
  std::set<int64_t> contact_ids;
  store::UserStore users(c);
  for (const auto& m : messages) {
    if (m.author_user_id && !out.users.contains(*m.author_user_id)) {
      if (auto u = REDRESS_TRY(users.find(*m.author_user_id))) out.users.emplace(u->id, std::move(*u));
    }
    if (m.author_contact_id) contact_ids.insert(*m.author_contact_id);
  }
  if (!contact_ids.empty()) {
    auto contacts = REDRESS_TRY(store::ContactStore(c).find_many({contact_ids.begin(), contact_ids.end()}));
    for (auto& ct : contacts) out.contacts.emplace(ct.id, std::move(ct));
  }
  return out;
}

// What a customer sees as the author of a message from our side (seed 003: nothing, the
// team's name, the person's name, or a custom mention).
std::optional<MessageAuthor> staff_author_for_customers(const MessageSettings& s, const domain::User* user) {
  if (s.author_display == "none") return std::nullopt;
  if (s.author_display == "custom") return MessageAuthor{"staff", std::nullopt, s.author_text};
  // A mail nobody wrote (an acknowledgement) has no person to name: the team speaks.
  if (s.author_display == "full_name" && user) return MessageAuthor{"staff", std::nullopt, user->name};
  return MessageAuthor{"staff", std::nullopt, s.team_name};
}

domain::MessageAttachment attachment_view(const store::AttachmentRecord& a) {
  return domain::MessageAttachment{a.id,          a.filename,       a.content_type, a.content_id,
                                   a.blob_sha256.value_or(""), a.size, a.is_inline,      a.dropped};
}

MessageView view_of(domain::Message m, const Authors& authors, const domain::Ticket& t, bool staff_view,
                    const MessageSettings& settings) {
  MessageView v;
  const domain::Contact* contact = nullptr;
  const domain::User* user = nullptr;
  if (m.author_contact_id) {
    if (auto it = authors.contacts.find(*m.author_contact_id); it != authors.contacts.end()) contact = &it->second;
  }
  if (m.author_user_id) {
    if (auto it = authors.users.find(*m.author_user_id); it != authors.users.end()) user = &it->second;
  }
  if (staff_view) {
    // A portal message has both: the contact is who the customer is to us.
    if (contact) {
      v.author = MessageAuthor{"contact", contact->id, contact->name};
    } else if (user) {
      v.author = MessageAuthor{"user", user->id, user->name};
    }
  } else if (contact) {
    // Customers see the ticket's own contacts by name, as on the ticket itself; someone
    // else who wrote in is not theirs to know.
    if (std::find(t.contact_ids.begin(), t.contact_ids.end(), contact->id) != t.contact_ids.end())
      v.author = MessageAuthor{"contact", contact->id, contact->name};
  } else if (m.kind == "reply" || m.kind == "mail_out" || (user && user->is_staff())) {
    v.author = staff_author_for_customers(settings, user);
  }
  v.message = std::move(m);
  return v;
}

Error invalid_message(std::map<std::string, std::string> errors) {
  Error e(ErrorCode::kInvalid, "the request has invalid fields");
  if (errors.size() == 1) e.message = errors.begin()->first + ": " + errors.begin()->second;
  e.fields = std::move(errors);
  return e;
}

}  // namespace

Result<MessageThread> MessageService::list(const Actor& actor, const std::string& key, int64_t after_id, int limit) {
  if (limit < 1) return fail(Error::invalid_field("limit", "must be at least 1"));
  return ctx_.db.transact_value<MessageThread>(store::TxMode::kRead, [&](Connection& c) -> Result<MessageThread> {
    auto t = REDRESS_TRY(detail::find_visible(c, actor, key, detail::Access::kRead));
    if (!t) return fail(Error::not_found("ticket"));
    const bool staff_view = actor.has_right(domain::rights::kTicketsViewAll);
    // One more than asked tells whether another page follows.
    auto rows = REDRESS_TRY(store::TicketStore(c).messages(t->id, staff_view, after_id, limit + 1));
    MessageThread out;
    if (static_cast<int>(rows.size()) > limit) {
      rows.resize(static_cast<size_t>(limit));
      out.next_after = rows.back().id;
    }
    const Authors authors = REDRESS_TRY(load_authors(c, rows));
    std::vector<int64_t> row_ids;
    for (const auto& m : rows) row_ids.push_back(m.id);
    auto files = REDRESS_TRY(store::MailStore(c).attachments_of(row_ids));
    std::map<int64_t, domain::MessageDelivery> deliveries;
    if (staff_view && t->channel == "review") {
      std::vector<int64_t> ids;
      for (const auto& m : rows) ids.push_back(m.id);
      deliveries = REDRESS_TRY(store::ReviewStore(c).deliveries(ids));
    }
    for (auto& m : rows) {
      auto delivery = deliveries.find(m.id);
      const int64_t message_id = m.id;
      out.items.push_back(view_of(std::move(m), authors, *t, staff_view, ctx_.messages));
      if (delivery != deliveries.end()) out.items.back().delivery = std::move(delivery->second);
      if (auto f = files.find(message_id); f != files.end()) {
        for (const auto& a : f->second) out.items.back().attachments.push_back(attachment_view(a));
      }
    }
    return out;
  });
}

Result<MessageView> MessageService::post(const Actor& actor, const std::string& key, const NewMessage& input) {
  const bool as_customer = is_customer(actor);
  const auto now = ctx_.clock.now();
  return ctx_.db.transact_value<MessageView>(store::TxMode::kWrite, [&](Connection& c) -> Result<MessageView> {
    auto found = REDRESS_TRY(detail::find_visible(c, actor, key));
    if (!found) return fail(Error::not_found("ticket"));
    domain::Ticket t = std::move(*found);
    if (!actor.has_right(domain::rights::kMessagesUse))
      return fail(Error::forbidden("posting messages needs the messages.use right", "right_missing"));
    if (!as_customer && !actor.has_right(domain::rights::kTicketsWrite))
      return fail(Error::forbidden("posting on tickets needs the tickets.write right", "right_missing"));
    // Internal notes are staff business; asking for one is a right question, not a typo.
    if (as_customer && input.visibility == "internal")
      return fail(Error::forbidden("customers post public messages only; internal notes are for staff",
                                   "right_missing"));

    if (as_customer && input.template_id)
      return fail(Error::forbidden("response templates are for staff", "right_missing"));
    // Seed 003: the portal's messages are short texts.
    if (as_customer && !input.files.empty())
      return fail(Error::forbidden("messages from the portal are text only; files go with a new request",
                                   "right_missing"));
    REDRESS_CHECK(refuse_bad_files(ctx_.messages, input.files));

    std::map<std::string, std::string> errors;
    const std::string visibility = input.visibility.value_or("public");
    if (visibility != "public" && visibility != "internal") errors["visibility"] = "must be public or internal";
    if (input.template_id && visibility == "internal")
      errors["visibility"] = "a reply written from a response template is public";
    // The template's subject and body (or the agent's edit of it), rendered for this ticket;
    // a variable without a value refuses the whole post.
    std::optional<TemplateReply> from_template;
    Error template_error;
    if (input.template_id) {
      auto rendered = render_reply(ctx_, c, actor, t, *input.template_id, input.body);
      if (rendered) {
        from_template = std::move(*rendered);
      } else if (rendered.error().code != ErrorCode::kInvalid) {
        return fail(std::move(rendered).error());
      } else {
        template_error = std::move(rendered).error();
        errors.insert(template_error.fields.begin(), template_error.fields.end());
      }
    }
    // What would be posted, checked as any message is (the agent's own text when the
    // template could not render it).
    const std::optional<std::string> raw = from_template ? std::optional(from_template->body) : input.body;
    domain::MessageText text;
    if (raw || !input.template_id) {
      text = domain::check_message_text(raw.value_or(""), static_cast<size_t>(ctx_.messages.max_length));
      if (!text.ok() && !errors.contains("body")) errors["body"] = text.problem;
    }
    if (!errors.empty()) {
      Error e = invalid_message(std::move(errors));
      e.reason = template_error.reason;
      e.details = std::move(template_error.details);
      return fail(std::move(e));
    }
    // Seed 004: a review request is answered on its platform, never by mail.
    std::optional<ReplyConnector> connector;
    if (!as_customer && visibility == "public") connector = REDRESS_TRY(reply_connector(ctx_, c, t));
    if (connector && !input.files.empty())
      return fail(Error::invalid_field("attachments", "a reply on a review platform cannot carry files"));

    // Seed 003: blocking stops the customer's side of the conversation only.
    if (as_customer && t.messaging_blocked)
      return fail(Error::conflict("messages are blocked on this ticket; contact support another way",
                                  "messaging_blocked"));
    bool reopened = false;
    const workflow::WorkflowDef* wf = ctx_.workflows.find(t.workflow);
    if (as_customer && wf && wf->is_closed(t.status)) {
      // As a customer mail does: the workflow's system transition out of the closed status.
      const workflow::TransitionDef* tr = workflow::reopening_transition(*wf, t.status);
      if (!tr)
        return fail(Error::conflict("this ticket is closed and cannot be reopened; open a new request",
                                    "ticket_closed"));
      TransitionInput reopen;
      reopen.transition = tr->id;
      auto moved = TransitionService(ctx_).run_in(c, Actor::system(), t, reopen);
      if (!moved) {
        const Error& e = moved.error();
        // A busy database or a concurrent change is worth retrying; anything else means
        // the workflow will not reopen this ticket, which the customer cannot fix.
        if (e.code == ErrorCode::kUnavailable || e.code == ErrorCode::kInternal || e.reason == "stale")
          return fail(e);
        return fail(Error::conflict("this ticket is closed and could not be reopened: " + e.message, "ticket_closed"));
      }
      t = std::move(*moved);
      reopened = true;
    }

    std::optional<int64_t> contact_id;
    if (as_customer) {
      // find_visible let the customer in because a contact of the ticket has their email.
      auto contact = REDRESS_TRY(store::ContactStore(c).find_by_email(actor.user->email));
      if (!contact) return fail(Error::internal("no contact for customer " + actor.user->email));
      contact_id = contact->id;
    }

    store::TicketStore tickets(c);
    domain::Message m;
    m.ticket_id = t.id;
    m.kind = as_customer ? "portal" : visibility == "internal" ? "note" : "reply";
    m.visibility = visibility;
    m.author_user_id = actor.user_id();
    m.author_contact_id = contact_id;
    m.body = text.text;
    m.created_at = now;
    if (from_template) {
      m.template_id = from_template->template_id;
      m.template_name = from_template->template_name;
      m.subject = from_template->subject;
    }
    m = REDRESS_TRY(tickets.add_message(m));
    std::vector<domain::MessageAttachment> attached = REDRESS_TRY(attach_files(c, m.id, input.files, now));
    if (connector) {
      const domain::User* author = actor.user ? &*actor.user : nullptr;
      const auto shown = staff_author_for_customers(ctx_.messages, author);
      REDRESS_CHECK(queue_review_reply(ctx_, c, *connector, m,
                                       shown ? std::optional<std::string>(shown->name) : std::nullopt));
    }
    if (!reopened) {
      // The version check makes a post that raced with a status change (a close, a block)
      // fail as stale instead of slipping past the rules it read.
      t.updated_at = now;
      t = REDRESS_TRY(tickets.update(std::move(t)));
    }
    // Seed 001: a customer message puts the ticket on top of its handler's queue; a public
    // answer means the customer no longer waits.
    if (as_customer) {
      t = REDRESS_TRY(customer_message_arrived(ctx_, c, std::move(t)));
    } else if (visibility == "public") {
      t = REDRESS_TRY(support_answered(ctx_, c, std::move(t)));
    }
    REDRESS_CHECK(tickets.reindex(t.id));

    NotifyEvent event;
    event.kind = as_customer ? kNotifyCustomerMessage : visibility == "internal" ? kNotifyNote : kNotifySupportReply;
    event.channel = as_customer ? "portal" : "staff";
    event.message_id = m.id;
    event.message_text = m.body;
    event.message_subject = m.subject;
    event.author_contact_id = contact_id;
    event.author_user_id = actor.user_id();
    // The platform delivers the reply: the routing table's support_reply would mail it.
    const NotifyOutcome notified =
        connector ? NotifyOutcome{} : REDRESS_TRY(notify(ctx_, c, actor, t, {event}));

    domain::Event posted = detail::ticket_event(actor, now, t.id, "message.posted");
    posted.data = {{"message_id", m.id}, {"kind", m.kind}, {"visibility", m.visibility}};
    if (m.template_id) posted.data["template_id"] = *m.template_id;
    if (!notified.recipients.empty()) posted.data["notified"] = notified.recipients;
    if (connector) posted.data["delivery"] = {{"channel", "review"}, {"target", connector->review.source}};
    REDRESS_CHECK(store::EventStore(c).append(posted));

    const Authors authors = REDRESS_TRY(load_authors(c, {m}));
    const int64_t message_id = m.id;
    const bool staff_view = actor.has_right(domain::rights::kTicketsViewAll);
    MessageView view = view_of(std::move(m), authors, t, staff_view, ctx_.messages);
    if (connector && staff_view) view.delivery = REDRESS_TRY(store::ReviewStore(c).delivery(message_id));
    view.attachments = std::move(attached);
    return view;
  });
}

Result<AttachmentDownload> MessageService::attachment(const Actor& actor, int64_t attachment_id) {
  return ctx_.db.transact_value<AttachmentDownload>(store::TxMode::kRead, [&](Connection& c) -> Result<AttachmentDownload> {
    store::MailStore mails(c);
    auto place = REDRESS_TRY(mails.find_attachment(attachment_id));
    if (!place) return fail(Error::not_found("attachment"));
    // The same question as reading the thread: the ticket visible (take included), and an
    // internal note's files for staff only.
    auto t = REDRESS_TRY(detail::find_visible(c, actor, std::to_string(place->ticket_id), detail::Access::kRead));
    if (!t) return fail(Error::not_found("attachment"));
    if (place->visibility != "public" && !actor.has_right(domain::rights::kTicketsViewAll))
      return fail(Error::not_found("attachment"));
    AttachmentDownload out;
    out.attachment = attachment_view(place->attachment);
    if (place->attachment.dropped || !place->attachment.blob_sha256)
      return fail(Error::conflict("this part of the mail was not kept (over the size limits); only its name and size "
                                  "are known",
                                  "dropped"));
    auto bytes = REDRESS_TRY(mails.blob(*place->attachment.blob_sha256));
    if (!bytes) return fail(Error::internal("the attachment's content is missing"));
    out.bytes = std::move(*bytes);
    return out;
  });
}

FileProblems check_files(const MessageSettings& settings, const std::vector<NewFile>& files) {
  FileProblems out;
  std::set<std::string> refused;
  for (size_t at = 0, end = 0; at <= settings.refused_extensions.size(); at = end + 1) {
    end = settings.refused_extensions.find(',', at);
    if (end == std::string::npos) end = settings.refused_extensions.size();
    std::string ext = domain::lower_ascii(domain::trim(settings.refused_extensions.substr(at, end - at)));
    if (!ext.empty() && ext.front() == '.') ext.erase(0, 1);
    if (!ext.empty()) refused.insert(ext);
  }
  for (size_t i = 0; i < files.size(); ++i) {
    const NewFile& f = files[i];
    const std::string field = "attachments[" + std::to_string(i) + "]";
    const std::string name = f.filename.empty() ? "the file" : f.filename;
    if (static_cast<int64_t>(f.bytes.size()) > settings.max_upload_bytes) {
      out.too_large[field] = name + " has " + std::to_string(f.bytes.size()) + " bytes; at most " +
                             std::to_string(settings.max_upload_bytes) + " (attachments.max_upload_bytes)";
      continue;
    }
    if (f.filename.empty() || f.filename.size() > 255 || !domain::text_problem(f.filename).empty() ||
        f.filename.find_first_of(std::string_view("/\\\0", 3)) != std::string::npos) {
      out.refused[field] = "a file name of 1 to 255 bytes of text, without / or \\";
      continue;
    }
    const size_t dot = f.filename.rfind('.');
    const std::string ext = dot == std::string::npos ? "" : domain::lower_ascii(f.filename.substr(dot + 1));
    if (refused.contains(ext)) {
      out.refused[field] = name + ": ." + ext + " files (programs and scripts) are refused";
      continue;
    }
    if (!f.content_type.empty() && (f.content_type.find('/') == std::string::npos || f.content_type.size() > 100 ||
                                    f.content_type.find_first_of(" ;,\"\r\n") != std::string::npos))
      out.refused[field] = name + ": content_type must be type/subtype, e.g. application/pdf";
  }
  return out;
}

Result<void> refuse_bad_files(const MessageSettings& settings, const std::vector<NewFile>& files) {
  const FileProblems problems = check_files(settings, files);
  if (!problems.too_large.empty()) {
    Error e(ErrorCode::kTooLarge, problems.too_large.begin()->second);
    e.fields = problems.too_large;
    return fail(std::move(e));
  }
  if (!problems.refused.empty()) return fail(Error::invalid_fields(problems.refused, problems.refused.begin()->second));
  return {};
}

Result<std::vector<domain::MessageAttachment>> attach_files(Connection& c, int64_t message_id,
                                                            const std::vector<NewFile>& files, TimePoint now) {
  store::MailStore mails(c);
  std::vector<domain::MessageAttachment> out;
  for (const NewFile& f : files) {
    store::AttachmentRecord a;
    a.message_id = message_id;
    a.blob_sha256 = REDRESS_TRY(mails.put_blob(f.bytes, now));
    a.filename = f.filename;
    a.content_type = f.content_type.empty() ? "application/octet-stream" : domain::lower_ascii(f.content_type);
    a.size = static_cast<int64_t>(f.bytes.size());
    out.push_back(attachment_view(REDRESS_TRY(mails.add_attachment(a))));
  }
  return out;
}

}  // namespace redress::service
