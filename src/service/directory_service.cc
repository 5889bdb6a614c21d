#include "service/directory_service.h"

#include "domain/validation.h"
#include "store/contact_store.h"
#include "store/event_store.h"
#include "store/reason_store.h"

namespace redress::service {
namespace {

Error invalid_entry(std::map<std::string, std::string> fields) {
  Error e(ErrorCode::kInvalid, "the request has invalid fields");
  if (fields.size() == 1) e.message = fields.begin()->first + ": " + fields.begin()->second;
  e.fields = std::move(fields);
  return e;
}

// How many of a contact's tickets the profile lists; the UI links to the full search.
constexpr int kProfileTickets = 20;

bool is_code(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) return false;
  }
  return true;
}

// The checks shared by creating and editing a contact; c holds the values to store.
void check_contact(const domain::Contact& c, std::map<std::string, std::string>& errors) {
  if (c.name.empty() || c.name.size() > 200) errors["name"] = "required, at most 200 characters";
  if (c.email && !domain::is_plausible_email(*c.email)) errors["email"] = "not a valid email address";
  if (c.phone && c.phone->size() > 40) errors["phone"] = "at most 40 characters";
  if (!domain::is_language_tag(c.language)) errors["language"] = "must be a language tag such as en or fr";
}

std::optional<std::string> clean_email(const std::optional<std::string>& email) {
  if (!email) return std::nullopt;
  return domain::lower_ascii(domain::trim(*email));
}

std::optional<std::string> clean_phone(const std::optional<std::string>& phone) {
  if (!phone) return std::nullopt;
  return domain::trim(*phone);
}

// A customer by id, or by name (created when new).
Result<domain::Customer> resolve_customer(store::ContactStore& contacts, const Ref& ref, TimePoint now) {
  if (ref.id) {
    auto found = REDRESS_TRY(contacts.find_customer(*ref.id));
    if (!found) return fail(Error::invalid_field("customer", "no customer with this id"));
    return *found;
  }
  auto name = domain::trim(ref.key);
  if (name.empty()) return fail(Error::invalid_field("customer", "a name or an id"));
  auto found = REDRESS_TRY(contacts.find_customer_by_name(name));
  if (found) return *found;
  return contacts.insert_customer(name, now);
}

void check_labels(const std::map<std::string, std::string>& labels, std::map<std::string, std::string>& errors) {
  if (!labels.contains("en")) errors["labels"] = "needs at least an English label (en)";
  for (const auto& [lang, label] : labels) {
    if (!domain::is_language_tag(lang)) errors["labels." + lang] = "not a language tag";
    if (domain::trim(label).empty() || label.size() > 200) errors["labels." + lang] = "1 to 200 characters";
  }
}

Error duplicate_email() {
  Error e = Error::conflict("a contact with this email exists", "duplicate");
  e.fields["email"] = "already used by another contact";
  return e;
}

}  // namespace

Result<ContactProfile> DirectoryService::create_contact(const Actor& actor, const NewContact& input) {
  if (!actor.has_right(domain::rights::kContactsWrite))
    return fail(Error::forbidden("not allowed to create contacts", "right_missing"));
  domain::Contact c;
  c.name = domain::trim(input.name);
  c.email = clean_email(input.email);
  c.phone = clean_phone(input.phone);
  c.language = input.language;
  std::map<std::string, std::string> errors;
  check_contact(c, errors);
  if (!errors.empty()) return fail(invalid_entry(std::move(errors)));
  c.created_at = ctx_.clock.now();
  auto r = ctx_.db.transact_value<ContactProfile>(store::TxMode::kWrite, [&](store::Connection& conn) -> Result<ContactProfile> {
    store::ContactStore contacts(conn);
    ContactProfile p;
    if (input.customer) {
      p.customer = REDRESS_TRY(resolve_customer(contacts, *input.customer, c.created_at));
      c.customer_id = p.customer->id;
    }
    p.contact = REDRESS_TRY(contacts.insert(c));
    REDRESS_CHECK(store::EventStore(conn).append(event_by(actor, c.created_at, "contact", p.contact.id,
        "contact.created", {{"name", c.name}, {"email", c.email.value_or("")}})));
    return p;
  });
  if (!r && r.error().reason == "unique_violation") return fail(duplicate_email());
  return r;
}

Result<ContactProfile> DirectoryService::update_contact(const Actor& actor, int64_t id, const ContactChanges& changes) {
  if (!actor.has_right(domain::rights::kContactsWrite))
    return fail(Error::forbidden("not allowed to edit contacts", "right_missing"));
  const auto now = ctx_.clock.now();
  auto r = ctx_.db.transact_value<ContactProfile>(store::TxMode::kWrite, [&](store::Connection& conn) -> Result<ContactProfile> {
    store::ContactStore contacts(conn);
    auto found = REDRESS_TRY(contacts.find(id));
    if (!found) return fail(Error::not_found("contact"));
    const domain::Contact before = *found;
    domain::Contact c = *found;
    if (changes.name) c.name = domain::trim(*changes.name);
    if (changes.email) c.email = clean_email(*changes.email);
    if (changes.phone) c.phone = clean_phone(*changes.phone);
    if (changes.language) c.language = *changes.language;
    std::map<std::string, std::string> errors;
    check_contact(c, errors);
    if (!errors.empty()) return fail(invalid_entry(std::move(errors)));
    ContactProfile p;
    if (changes.customer) {
      c.customer_id.reset();
      if (*changes.customer) {
        p.customer = REDRESS_TRY(resolve_customer(contacts, **changes.customer, now));
        c.customer_id = p.customer->id;
      }
    } else if (c.customer_id) {
      p.customer = REDRESS_TRY(contacts.find_customer(*c.customer_id));
    }
    REDRESS_CHECK(contacts.update(c));
    // Old and new value of what changed, as every history entry shows.
    nlohmann::json data = nlohmann::json::object();
    auto note = [&](const char* field, const nlohmann::json& from, const nlohmann::json& to) {
      if (from != to) data[field] = {{"from", from}, {"to", to}};
    };
    auto opt = [](const auto& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); };
    note("name", before.name, c.name);
    note("email", opt(before.email), opt(c.email));
    note("phone", opt(before.phone), opt(c.phone));
    note("language", before.language, c.language);
    note("customer_id", opt(before.customer_id), opt(c.customer_id));
    if (!data.empty())
      REDRESS_CHECK(store::EventStore(conn).append(event_by(actor, now, "contact", c.id, "contact.updated", data)));
    p.contact = std::move(c);
    return p;
  });
  if (!r && r.error().reason == "unique_violation") return fail(duplicate_email());
  return r;
}

Result<ContactProfile> DirectoryService::get_contact(const Actor& actor, int64_t id) {
  if (!actor.has_right(domain::rights::kTicketsViewAll))
    return fail(Error::forbidden("not allowed to see contacts", "right_missing"));
  return ctx_.db.transact_value<ContactProfile>(store::TxMode::kRead, [&](store::Connection& conn) -> Result<ContactProfile> {
    store::ContactStore contacts(conn);
    auto c = REDRESS_TRY(contacts.find(id));
    if (!c) return fail(Error::not_found("contact"));
    ContactProfile p{std::move(*c), std::nullopt, {}, {}};
    if (p.contact.customer_id) p.customer = REDRESS_TRY(contacts.find_customer(*p.contact.customer_id));
    p.recent_tickets = REDRESS_TRY(contacts.recent_tickets(id, kProfileTickets));
    p.channels = REDRESS_TRY(contacts.channel_counts(id));
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
  check_labels(input.labels, errors);
  if (!errors.empty()) return fail(invalid_entry(std::move(errors)));
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

Result<std::pair<domain::Reason, std::vector<domain::Event>>> DirectoryService::get_reason(const Actor& actor,
                                                                                         int64_t id) {
  using Out = std::pair<domain::Reason, std::vector<domain::Event>>;
  return ctx_.db.transact_value<Out>(store::TxMode::kRead, [&](store::Connection& conn) -> Result<Out> {
    auto found = REDRESS_TRY(store::ReasonStore(conn).find(id));
    if (!found) return fail(Error::not_found("reason"));
    Out out{std::move(*found), {}};
    if (actor.has_right(domain::rights::kAdmin)) out.second = REDRESS_TRY(store::EventStore(conn).for_entity("reason", id));
    return out;
  });
}

Result<domain::Reason> DirectoryService::update_reason(const Actor& actor, int64_t id, const ReasonChanges& changes) {
  if (!actor.has_right(domain::rights::kAdmin)) return fail(Error::forbidden("only admins edit reasons", "right_missing"));
  std::map<std::string, std::string> errors;
  if (changes.labels) check_labels(*changes.labels, errors);
  if (!errors.empty()) return fail(invalid_entry(std::move(errors)));
  const auto now = ctx_.clock.now();
  return ctx_.db.transact_value<domain::Reason>(store::TxMode::kWrite, [&](store::Connection& conn) -> Result<domain::Reason> {
    store::ReasonStore reasons(conn);
    auto found = REDRESS_TRY(reasons.find(id));
    if (!found) return fail(Error::not_found("reason"));
    domain::Reason r = *found;
    if (changes.labels) r.labels = *changes.labels;
    if (changes.active) r.active = *changes.active;
    nlohmann::json data = nlohmann::json::object();
    if (r.labels != found->labels) data["labels"] = {{"from", found->labels}, {"to", r.labels}};
    if (r.active != found->active) data["active"] = {{"from", found->active}, {"to", r.active}};
    if (data.empty()) return r;
    REDRESS_CHECK(reasons.update(r));
    REDRESS_CHECK(store::EventStore(conn).append(event_by(actor, now, "reason", r.id, "reason.updated", data)));
    return r;
  });
}

}  // namespace redress::service
