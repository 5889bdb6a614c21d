#include "service/directory_service.h"

#include "domain/validation.h"
#include "store/contact_store.h"
#include "store/event_store.h"
#include "store/reason_store.h"

namespace redress::service {
namespace {

Error invalid(std::map<std::string, std::string> fields) {
  Error e(ErrorCode::kInvalid, "the request has invalid fields");
  if (fields.size() == 1) e.message = fields.begin()->first + ": " + fields.begin()->second;
  e.fields = std::move(fields);
  return e;
}

bool is_code(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) return false;
  }
  return true;
}

}  // namespace

Result<ContactProfile> DirectoryService::create_contact(const Actor& actor, const NewContact& input) {
  if (!actor.has_right(domain::rights::kContactsWrite))
    return fail(Error::forbidden("not allowed to create contacts", "right_missing"));
  std::map<std::string, std::string> errors;
  domain::Contact c;
  c.name = domain::trim(input.name);
  if (c.name.empty() || c.name.size() > 200) errors["name"] = "required, at most 200 characters";
  if (input.email) {
    c.email = domain::lower_ascii(domain::trim(*input.email));
    if (!domain::is_plausible_email(*c.email)) errors["email"] = "not a valid email address";
  }
  if (input.phone) {
    c.phone = domain::trim(*input.phone);
    if (c.phone->size() > 40) errors["phone"] = "at most 40 characters";
  }
  if (!domain::is_language_tag(input.language)) errors["language"] = "must be a language tag such as en or fr";
  c.language = input.language;
  if (!errors.empty()) return fail(invalid(std::move(errors)));
  c.created_at = ctx_.clock.now();
  auto r = ctx_.db.transact_value<ContactProfile>(store::TxMode::kWrite, [&](store::Connection& conn) -> Result<ContactProfile> {
    store::ContactStore contacts(conn);
    ContactProfile p;
    if (input.customer) {
      if (input.customer->id) {
        p.customer = REDRESS_TRY(contacts.find_customer(*input.customer->id));
        if (!p.customer) return fail(Error::invalid_field("customer", "no customer with this id"));
      } else {
        auto name = domain::trim(input.customer->key);
        if (name.empty()) return fail(Error::invalid_field("customer", "a name or an id"));
        p.customer = REDRESS_TRY(contacts.find_customer_by_name(name));
        if (!p.customer) p.customer = REDRESS_TRY(contacts.insert_customer(name, c.created_at));
      }
      c.customer_id = p.customer->id;
    }
    p.contact = REDRESS_TRY(contacts.insert(c));
    REDRESS_CHECK(store::EventStore(conn).append(event_by(actor, c.created_at, "contact", p.contact.id,
        "contact.created", {{"name", c.name}, {"email", c.email.value_or("")}})));
    return p;
  });
  if (!r && r.error().reason == "unique_violation") {
    Error e = Error::conflict("a contact with this email exists", "duplicate");
    e.fields["email"] = "already used by another contact";
    return fail(std::move(e));
  }
  return r;
}

Result<ContactProfile> DirectoryService::get_contact(const Actor& actor, int64_t id) {
  if (!actor.has_right(domain::rights::kTicketsViewAll))
    return fail(Error::forbidden("not allowed to see contacts", "right_missing"));
  return ctx_.db.transact_value<ContactProfile>(store::TxMode::kRead, [&](store::Connection& conn) -> Result<ContactProfile> {
    store::ContactStore contacts(conn);
    auto c = REDRESS_TRY(contacts.find(id));
    if (!c) return fail(Error::not_found("contact"));
    ContactProfile p{std::move(*c), std::nullopt};
    if (p.contact.customer_id) p.customer = REDRESS_TRY(contacts.find_customer(*p.contact.customer_id));
    return p;
  });
}

Result<std::vector<domain::Contact>> DirectoryService::search_contacts(const Actor& actor, const std::string& text,
                                                                      int limit) {
  if (!actor.has_right(domain::rights::kTicketsViewAll))
    return fail(Error::forbidden("not allowed to search contacts", "right_missing"));
  return ctx_.db.transact_value<std::vector<domain::Contact>>(store::TxMode::kRead, [&](store::Connection& conn) {
    return store::ContactStore(conn).search(domain::trim(text), limit);
  });
}

Result<std::vector<domain::Reason>> DirectoryService::list_reasons(const Actor& actor, const std::string& workflow,
                                                                  bool include_inactive) {
  if (!actor.user && actor.label.empty()) return fail(ErrorCode::kUnauthenticated, "log in first");
  if (include_inactive && !actor.has_right(domain::rights::kAdmin)) include_inactive = false;
  return ctx_.db.transact_value<std::vector<domain::Reason>>(store::TxMode::kRead, [&](store::Connection& conn) {
    return store::ReasonStore(conn).list(workflow, include_inactive);
  });
}

Result<domain::Reason> DirectoryService::create_reason(const Actor& actor, const NewReason& input) {
  if (!actor.has_right(domain::rights::kAdmin)) return fail(Error::forbidden("only admins edit reasons", "right_missing"));
  std::map<std::string, std::string> errors;
  if (!ctx_.workflows.find(input.workflow)) errors["workflow"] = "unknown workflow '" + input.workflow + "'";
  if (!is_code(input.code)) errors["code"] = "lower-case letters, digits, - and _, at most 64";
  if (!input.labels.contains("en")) errors["labels"] = "needs at least an English label (en)";
  for (const auto& [lang, label] : input.labels) {
    if (!domain::is_language_tag(lang)) errors["labels." + lang] = "not a language tag";
    if (domain::trim(label).empty() || label.size() > 200) errors["labels." + lang] = "1 to 200 characters";
  }
  if (!errors.empty()) return fail(invalid(std::move(errors)));
  domain::Reason reason{0, input.workflow, input.code, input.labels, input.active};
  auto now = ctx_.clock.now();
  auto r = ctx_.db.transact_value<domain::Reason>(store::TxMode::kWrite, [&](store::Connection& conn) -> Result<domain::Reason> {
    auto made = REDRESS_TRY(store::ReasonStore(conn).insert(reason, now));
    REDRESS_CHECK(store::EventStore(conn).append(event_by(actor, now, "reason", made.id, "reason.created",
        {{"workflow", made.workflow}, {"code", made.code}})));
    return made;
  });
  if (!r && r.error().reason == "unique_violation") {
    Error e = Error::conflict("this workflow already has a reason with this code", "duplicate");
    e.fields["code"] = "already used in workflow " + input.workflow;
    return fail(std::move(e));
  }
  return r;
}

}  // namespace redress::service
