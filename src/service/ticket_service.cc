#include "service/ticket_service.h"

#include <charconv>
#include <set>

#include "domain/validation.h"
#include "store/contact_store.h"
#include "store/event_store.h"
#include "store/reason_store.h"
#include "store/user_store.h"
#include "service/ticket_access.h"

namespace redress::service {
namespace {

using detail::can_see;
using detail::find_visible;
using detail::load_detail;
using detail::ticket_event;

using store::Connection;
using Fields = std::map<std::string, std::string>;

// Characters. A mail's subject is kept whole up to this (some run to hundreds of words).
constexpr size_t kMaxTicketSubject = 2000;
constexpr size_t kMaxTicketDescription = 100'000;
constexpr size_t kMaxFieldText = 10'000;

struct Resolver {
  Connection& c;
  const Actor& actor;
  TimePoint now;
  Fields& errors;
  std::vector<domain::Contact> created_contacts;

  std::vector<domain::Contact> contacts(const std::vector<ContactInput>& inputs, const std::string& prefix,
                                        std::optional<int64_t>& main_id) {
    std::vector<domain::Contact> out;
    std::set<int64_t> seen;
    store::ContactStore store(c);
    int mains = 0;
    for (size_t i = 0; i < inputs.size(); ++i) {
      const auto& in = inputs[i];
      const std::string at = prefix + "[" + std::to_string(i) + "]";
      std::optional<domain::Contact> contact;
      if (in.id) {
        auto found = store.find(*in.id);
        if (!found) {
          errors[at] = found.error().message;
          continue;
        }
        if (!*found) {
          errors[at + ".id"] = "no contact with this id";
          continue;
        }
        contact = std::move(**found);
      } else if (in.email) {
        auto email = domain::lower_ascii(domain::trim(*in.email));
        if (!domain::is_plausible_email(email)) {
          errors[at + ".email"] = "not a valid email address";
          continue;
        }
        auto found = store.find_by_email(email);
        if (!found) {
          errors[at] = found.error().message;
          continue;
        }
        if (*found) {
          contact = std::move(**found);
        } else {
          contact = make(in, email, at);
          if (!contact) continue;
        }
      } else if (in.name && !domain::trim(*in.name).empty()) {
        contact = make(in, std::nullopt, at);
        if (!contact) continue;
      } else {
        errors[at] = "needs an id, an email or a name";
        continue;
      }
      if (in.main) {
        ++mains;
        main_id = contact->id;
      }
      if (seen.insert(contact->id).second) out.push_back(std::move(*contact));
    }
    if (mains > 1) errors[prefix] = "only one contact can be the main contact";
    if (!main_id && !out.empty()) main_id = out.front().id;
    return out;
  }

  // Creates a contact on the spot, as the agent typed it.
  std::optional<domain::Contact> make(const ContactInput& in, std::optional<std::string> email, const std::string& at) {
    domain::Contact contact;
    contact.email = email;
    contact.name = in.name ? domain::trim(*in.name) : "";
    if (contact.name.empty() && email) contact.name = email->substr(0, email->find('@'));
    if (contact.name.size() > 200) {
      errors[at + ".name"] = "at most 200 characters";
      return std::nullopt;
    }
    if (in.phone) contact.phone = domain::trim(*in.phone);
    contact.language = in.language.value_or("en");
    if (!domain::is_language_tag(contact.language)) {
      errors[at + ".language"] = "must be a language tag such as en or fr";
      return std::nullopt;
    }
    contact.created_at = now;
    auto inserted = store::ContactStore(c).insert(contact);
    if (!inserted) {
      errors[at] = inserted.error().message;
      return std::nullopt;
    }
    created_contacts.push_back(*inserted);
    return std::move(*inserted);
  }

  std::optional<domain::Reason> reason(const std::string& workflow, const Ref& ref) {
    store::ReasonStore store(c);
    auto found = ref.id ? store.find(*ref.id) : store.find_by_code(workflow, ref.key);
    if (!found || !*found || (*found)->workflow != workflow) {
      errors["reason"] = "no such reason for workflow " + workflow;
      return std::nullopt;
    }
    if (!(*found)->active) {
      errors["reason"] = "this reason is no longer in use";
      return std::nullopt;
    }
    return **found;
  }

  std::optional<domain::Customer> customer(const Ref& ref) {
    store::ContactStore store(c);
    if (ref.id) {
      auto found = store.find_customer(*ref.id);
      if (!found || !*found) {
        errors["customer"] = "no customer with this id";
        return std::nullopt;
      }
      return **found;
    }
    auto name = domain::trim(ref.key);
    if (name.empty() || name.size() > 200) {
      errors["customer"] = "a customer name of 1 to 200 characters, or an id";
      return std::nullopt;
    }
    auto found = store.find_customer_by_name(name);
    if (found && *found) return **found;
    auto made = store.insert_customer(name, now);
    if (!made) {
      errors["customer"] = made.error().message;
      return std::nullopt;
    }
    return *made;
  }

  std::optional<domain::User> assignee(const workflow::WorkflowDef& wf, const std::string& role, const Ref& ref) {
    const std::string at = "assignees." + role;
    if (!wf.has_role(role)) {
      errors[at] = "workflow " + wf.id + " has no role '" + role + "'";
      return std::nullopt;
    }
    store::UserStore users(c);
    auto found = ref.id ? users.find(*ref.id) : users.find_by_email(domain::lower_ascii(ref.key));
    if (!found || !*found) {
      errors[at] = "no such user";
      return std::nullopt;
    }
    if (!(*found)->has_right(domain::rights::kTicketsWrite)) {
      errors[at] = "this user cannot work on tickets";
      return std::nullopt;
    }
    return **found;
  }
};

Result<void> check_fields(const nlohmann::json& fields, const std::string& prefix, Fields& errors) {
  if (!fields.is_object()) {
    errors[prefix] = "must be an object";
    return {};
  }
  for (auto& [k, v] : fields.items()) {
    if (k.empty() || k.size() > 64) errors[prefix + "." + k] = "a field name has 1 to 64 characters";
    if (v.is_object() || v.is_array()) errors[prefix + "." + k] = "must be a string, number, boolean or null";
    if (v.is_string() && v.get_ref<const std::string&>().size() > kMaxFieldText)
      errors[prefix + "." + k] = "at most 10000 characters";
  }
  return {};
}

Error invalid_ticket(Fields errors) {
  Error e(ErrorCode::kInvalid, "the request has invalid fields");
  if (errors.size() == 1) e.message = errors.begin()->first + ": " + errors.begin()->second;
  e.fields = std::move(errors);
  return e;
}

std::string contact_list(const std::vector<domain::Contact>& contacts) {
  std::string out;
  for (const auto& c : contacts) {
    if (!out.empty()) out += ", ";
    out += c.email.value_or(c.name);
  }
  return out;
}

}  // namespace

Result<TicketDetail> TicketService::create(const Actor& actor, const NewTicket& input) {
  return ctx_.db.transact_value<TicketDetail>(store::TxMode::kWrite, [&](Connection& c) -> Result<TicketDetail> {
    return create_in(c, actor, input);
  });
}

Result<TicketDetail> TicketService::create_in(Connection& c, const Actor& actor, const NewTicket& input) {
  const bool as_customer = actor.user && actor.user->role == domain::Role::kCustomer;
  if (!actor.has_right(domain::rights::kTicketsWrite) &&
      !(as_customer && actor.has_right(domain::rights::kTicketsCreateOwn)))
    return fail(Error::forbidden("not allowed to create tickets", "right_missing"));
  // Customers log their own request from the portal; who works on it, for which
  // organisation, by which channel and with which internal fields is staff business.
  if (as_customer && (!input.assignees.empty() || input.customer || !input.contacts.empty() ||
                      (input.channel && *input.channel != "portal") || !input.fields.empty()))
    return fail(Error::forbidden("customers cannot set contacts, customer, assignees, channel or fields",
                                 "right_missing"));

  if (!input.files.empty()) {
    if (!as_customer)
      return fail(Error::invalid_field("attachments", "staff attach files to a message once the ticket exists"));
    if (!ctx_.messages.portal_attachments)
      return fail(Error::forbidden("files with a new request are turned off here ([portal] attachments)",
                                   "attachments_off"));
    REDRESS_CHECK(refuse_bad_files(ctx_.messages, input.files));
  }

  Fields errors;
  const workflow::WorkflowDef* wf = ctx_.workflows.find(input.workflow);
  if (!wf) errors["workflow"] = input.workflow.empty() ? "required" : "unknown workflow '" + input.workflow + "'";
  auto subject = domain::trim(input.subject);
  if (subject.empty()) errors["subject"] = "required";
  if (domain::code_points(subject) > kMaxTicketSubject)
    errors["subject"] = "at most " + std::to_string(kMaxTicketSubject) + " characters";
  if (input.description.size() > kMaxTicketDescription) errors["description"] = "at most 100000 characters";
  std::string channel = input.channel.value_or(as_customer ? "portal" : "staff");
  if (!domain::is_known_channel(channel)) errors["channel"] = "must be mail, portal, staff, review or phone";
  if (input.language && !domain::is_language_tag(*input.language))
    errors["language"] = "must be a language tag such as en or fr";
  REDRESS_CHECK(check_fields(input.fields, "fields", errors));
  if (!errors.empty()) return fail(invalid_ticket(std::move(errors)));

  auto now = ctx_.clock.now();
  {
    Fields errs;
    Resolver resolve{c, actor, now, errs, {}};
    domain::Ticket t;
    t.workflow = wf->id;
    t.status = wf->start_status;
    t.subject = subject;
    t.description = input.description;
    t.channel = channel;
    t.created_by = actor.user_id();
    t.created_at = t.updated_at = now;
    for (auto& [k, v] : input.fields.items()) {
      if (!v.is_null()) t.fields[k] = v;
    }
    std::vector<ContactInput> contact_inputs = input.contacts;
    if (as_customer) {
      contact_inputs = {ContactInput{std::nullopt, actor.user->email, actor.user->name, std::nullopt,
                                     actor.user->language, true}};
    }
    auto contacts = resolve.contacts(contact_inputs, "contacts", t.main_contact_id);
    for (const auto& ct : contacts) t.contact_ids.push_back(ct.id);
    if (input.reason) {
      if (auto r = resolve.reason(wf->id, *input.reason)) t.reason_id = r->id;
    }
    if (input.customer) {
      if (auto cu = resolve.customer(*input.customer)) t.customer_id = cu->id;
    }
    for (const auto& [role, ref] : input.assignees) {
      if (auto u = resolve.assignee(*wf, role, ref)) t.assignees[role] = u->id;
    }
    if (!errs.empty()) return fail(invalid_ticket(std::move(errs)));
    std::string main_language = "en";
    for (const auto& ct : contacts) {
      if (t.main_contact_id && ct.id == *t.main_contact_id) main_language = ct.language;
    }
    t.language = input.language.value_or(main_language);

    t = REDRESS_TRY(store::TicketStore(c).insert(std::move(t), ctx_.number_format));
    store::EventStore events(c);
    for (const auto& ct : resolve.created_contacts) {
      domain::Event e = ticket_event(actor, now, t.id, "contact.created");
      e.entity = "contact";
      e.entity_id = ct.id;
      e.data = {{"name", ct.name}, {"email", ct.email.value_or("")}};
      REDRESS_CHECK(events.append(e));
    }
    domain::Event created = ticket_event(actor, now, t.id, "ticket.created");
    created.to = t.status;
    created.data = {{"number", t.number}, {"workflow", t.workflow}, {"channel", t.channel}};
    REDRESS_CHECK(events.append(created));
    for (const auto& [role, uid] : t.assignees) {
      domain::Event e = ticket_event(actor, now, t.id, "assignee.set");
      e.to = std::to_string(uid);
      e.data = {{"role", role}};
      REDRESS_CHECK(events.append(e));
    }
    if (!input.files.empty()) {
      // The evidence hangs on a first portal message of the request, with no text of its
      // own (the description is the request's).
      domain::Message m;
      m.ticket_id = t.id;
      m.kind = "portal";
      m.visibility = "public";
      m.author_user_id = actor.user_id();
      m.author_contact_id = t.main_contact_id;
      m.created_at = now;
      m = REDRESS_TRY(store::TicketStore(c).add_message(m));
      REDRESS_CHECK(attach_files(c, m.id, input.files, now));
    }
    REDRESS_CHECK(store::TicketStore(c).reindex(t.id));
    return load_detail(c, ctx_, actor, std::move(t));
  }
}

Result<TicketDetail> TicketService::get(const Actor& actor, const std::string& key) {
  return ctx_.db.transact_value<TicketDetail>(store::TxMode::kRead, [&](Connection& c) -> Result<TicketDetail> {
    auto t = REDRESS_TRY(find_visible(c, actor, key, detail::Access::kRead));
    if (!t) return fail(Error::not_found("ticket"));
    return load_detail(c, ctx_, actor, std::move(*t));
  });
}

Result<TicketPage> TicketService::list(const Actor& actor, ListQuery query) {
  auto& f = query.filter;
  if (!actor.has_right(domain::rights::kTicketsViewAll)) {
    if (!actor.user || actor.user->role != domain::Role::kCustomer)
      return fail(Error::forbidden("not allowed to list tickets", "right_missing"));
    f.visible_to_email = actor.user->email;
    f.public_text_only = true;
  }
  const int want = f.limit;
  f.limit = want + 1;
  return ctx_.db.transact_value<TicketPage>(store::TxMode::kRead, [&](Connection& c) -> Result<TicketPage> {
    TicketPage page;
    store::ReasonStore reasons(c);
    if (query.reason) {
      auto r = REDRESS_TRY(query.reason->id ? reasons.find(*query.reason->id)
                                            : reasons.find_by_code(f.workflow, query.reason->key));
      if (!r && !query.reason->id && f.workflow.empty()) {
        // A code without a workflow: accept it when it names exactly one reason.
        auto all = REDRESS_TRY(reasons.list("", true));
        for (const auto& candidate : all) {
          if (candidate.code == query.reason->key) {
            if (r) return fail(Error::invalid_field("reason", "ambiguous code; add workflow= or use the id"));
            r = candidate;
          }
        }
      }
      if (!r) return page;  // an unknown reason matches nothing
      f.reason_id = r->id;
    }
    page.items = REDRESS_TRY(store::TicketStore(c).list(f));
    if (static_cast<int>(page.items.size()) > want) {
      page.items.resize(want);
      page.next_before_id = page.items.back().ticket.id;
    }
    REDRESS_CHECK(detail::fill_page_refs(c, page));
    return page;
  });
}

Result<TicketDetail> TicketService::patch(const Actor& actor, const std::string& key, const TicketPatch& patch) {
  Fields errors;
  if (patch.language && !domain::is_language_tag(*patch.language))
    errors["language"] = "must be a language tag such as en or fr";
  if (patch.fields) REDRESS_CHECK(check_fields(*patch.fields, "fields", errors));
  if (!errors.empty()) return fail(invalid_ticket(std::move(errors)));
  auto now = ctx_.clock.now();
  return ctx_.db.transact_value<TicketDetail>(store::TxMode::kWrite, [&](Connection& c) -> Result<TicketDetail> {
    auto found = REDRESS_TRY(find_visible(c, actor, key));
    if (!found) return fail(Error::not_found("ticket"));
    if (!actor.has_right(domain::rights::kTicketsWrite))
      return fail(Error::forbidden("not allowed to change tickets", "right_missing"));
    domain::Ticket t = std::move(*found);
    Fields errs;
    Resolver resolve{c, actor, now, errs, {}};
    std::vector<domain::Event> changes;
    auto change = [&](std::string field, std::optional<std::string> from, std::optional<std::string> to) {
      if (from == to) return;
      domain::Event e = ticket_event(actor, now, t.id, "ticket.updated");
      e.from = std::move(from);
      e.to = std::move(to);
      e.data = {{"field", std::move(field)}};
      changes.push_back(std::move(e));
    };
    store::ReasonStore reasons(c);
    auto reason_code = [&](std::optional<int64_t> id) -> std::optional<std::string> {
      if (!id) return std::nullopt;
      auto r = reasons.find(*id);
      return r && *r ? std::optional<std::string>((*r)->code) : std::nullopt;
    };
    if (patch.clear_reason || patch.reason) {
      std::optional<int64_t> next;
      if (patch.reason) {
        if (auto r = resolve.reason(t.workflow, *patch.reason)) next = r->id;
      }
      if (errs.empty()) {
        change("reason", reason_code(t.reason_id), reason_code(next));
        t.reason_id = next;
      }
    }
    if (patch.language) {
      change("language", t.language, *patch.language);
      t.language = *patch.language;
    }
    if (patch.clear_customer || patch.customer) {
      std::optional<domain::Customer> next;
      if (patch.customer) next = resolve.customer(*patch.customer);
      if (errs.empty()) {
        std::optional<std::string> before;
        if (t.customer_id) {
          auto cu = REDRESS_TRY(store::ContactStore(c).find_customer(*t.customer_id));
          if (cu) before = cu->name;
        }
        change("customer", before, next ? std::optional<std::string>(next->name) : std::nullopt);
        t.customer_id = next ? std::optional<int64_t>(next->id) : std::nullopt;
      }
    }
    bool contacts_changed = false;
    if (patch.contacts) {
      std::optional<int64_t> main_id;
      auto before = REDRESS_TRY(store::ContactStore(c).find_many(t.contact_ids));
      auto next = resolve.contacts(*patch.contacts, "contacts", main_id);
      if (errs.empty()) {
        std::vector<int64_t> ids;
        for (const auto& ct : next) ids.push_back(ct.id);
        contacts_changed = ids != t.contact_ids || main_id != t.main_contact_id;
        change("contacts", contact_list(before), contact_list(next));
        t.contact_ids = ids;
        t.main_contact_id = main_id;
      }
    }
    if (patch.fields) {
      for (auto& [k, v] : patch.fields->items()) {
        std::optional<std::string> from, to;
        if (t.fields.contains(k)) from = t.fields[k].dump();
        if (v.is_null()) {
          t.fields.erase(k);
        } else {
          t.fields[k] = v;
          to = v.dump();
        }
        change("fields." + k, from, to);
      }
    }
    if (!errs.empty()) return fail(invalid_ticket(std::move(errs)));
    if (changes.empty()) return load_detail(c, ctx_, actor, std::move(t));
    t.updated_at = now;
    t = REDRESS_TRY(store::TicketStore(c).update(std::move(t)));
    store::EventStore events(c);
    for (const auto& ct : resolve.created_contacts) {
      domain::Event e = ticket_event(actor, now, t.id, "contact.created");
      e.entity = "contact";
      e.entity_id = ct.id;
      e.data = {{"name", ct.name}, {"email", ct.email.value_or("")}};
      REDRESS_CHECK(events.append(e));
    }
    for (const auto& e : changes) REDRESS_CHECK(events.append(e));
    if (contacts_changed) {
      REDRESS_CHECK(store::TicketStore(c).set_contacts(t.id, t.contact_ids));
      REDRESS_CHECK(store::TicketStore(c).reindex(t.id));
    }
    return load_detail(c, ctx_, actor, std::move(t));
  });
}

Result<TicketDetail> TicketService::set_messaging_blocked(const Actor& actor, const std::string& key, bool blocked) {
  auto now = ctx_.clock.now();
  return ctx_.db.transact_value<TicketDetail>(store::TxMode::kWrite, [&](Connection& c) -> Result<TicketDetail> {
    auto found = REDRESS_TRY(find_visible(c, actor, key));
    if (!found) return fail(Error::not_found("ticket"));
    if (!actor.has_right(domain::rights::kMessagesBlock))
      return fail(Error::forbidden("blocking messages needs the messages.block right", "right_missing"));
    domain::Ticket t = std::move(*found);
    if (t.messaging_blocked == blocked) return load_detail(c, ctx_, actor, std::move(t));
    t.messaging_blocked = blocked;
    t.updated_at = now;
    t = REDRESS_TRY(store::TicketStore(c).update(std::move(t)));
    domain::Event e = ticket_event(actor, now, t.id, blocked ? "messaging.blocked" : "messaging.unblocked");
    e.from = blocked ? "open" : "blocked";
    e.to = blocked ? "blocked" : "open";
    REDRESS_CHECK(store::EventStore(c).append(e));
    return load_detail(c, ctx_, actor, std::move(t));
  });
}

Result<TicketHistory> TicketService::history(const Actor& actor, const std::string& key) {
  return ctx_.db.transact_value<TicketHistory>(store::TxMode::kRead, [&](Connection& c) -> Result<TicketHistory> {
    auto t = REDRESS_TRY(find_visible(c, actor, key, detail::Access::kRead));
    if (!t) return fail(Error::not_found("ticket"));
    if (!actor.has_right(domain::rights::kTicketsViewAll))
      return fail(Error::forbidden("the history is for staff", "right_missing"));
    TicketHistory h;
    h.events = REDRESS_TRY(store::EventStore(c).for_ticket(t->id, 10'000, 0));
    store::UserStore users(c);
    for (const auto& e : h.events) {
      if (!e.actor_user_id || h.actors.contains(*e.actor_user_id)) continue;
      if (auto u = REDRESS_TRY(users.find(*e.actor_user_id))) h.actors[u->id] = domain::UserRef{u->id, u->name, u->email};
    }
    return h;
  });
}

}  // namespace redress::service
