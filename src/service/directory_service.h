#pragma once
// Contacts and reasons: the reference data agents pick from while working a ticket.
#include <optional>
#include <string>
#include <vector>

#include "domain/ticket.h"
#include "service/context.h"
#include "store/contact_store.h"

namespace redress::service {

struct NewContact {
  std::string name;
  std::optional<std::string> email;
  std::optional<std::string> phone;
  std::string language = "en";
  std::optional<Ref> customer;
};

struct ContactProfile {
  domain::Contact contact;
  std::optional<domain::Customer> customer;
  // Filled by get_contact only: the profile shown beside a ticket (seed 004).
  std::vector<store::ContactTicket> recent_tickets;
  std::vector<store::ChannelCount> channels;
};

// PATCH /contacts/{id}: only what is given changes; a null email, phone or customer clears it.
struct ContactChanges {
  std::optional<std::string> name;
  std::optional<std::optional<std::string>> email;
  std::optional<std::optional<std::string>> phone;
  std::optional<std::string> language;
  std::optional<std::optional<Ref>> customer;
};

struct ReasonChanges {
  std::optional<std::map<std::string, std::string>> labels;  // replaces all labels
  std::optional<bool> active;
};

struct NewReason {
  std::string workflow;
  std::string code;
  std::map<std::string, std::string> labels;
  bool active = true;
};

class DirectoryService {
 public:
  explicit DirectoryService(Context& ctx) : ctx_(ctx) {}

  // Needs contacts.write. Conflict (field email) when the email belongs to a contact.
  Result<ContactProfile> create_contact(const Actor& actor, const NewContact& input);
  Result<ContactProfile> get_contact(const Actor& actor, int64_t id);
  // Needs contacts.write; same checks as create. Conflict (field email) as create.
  Result<ContactProfile> update_contact(const Actor& actor, int64_t id, const ContactChanges& changes);
  // By name or email, at most limit; an empty text lists the first contacts by name.
  Result<std::vector<domain::Contact>> search_contacts(const Actor& actor, const std::string& text, int limit);

  Result<std::vector<domain::Reason>> list_reasons(const Actor& actor, const std::string& workflow,
                                                   bool include_inactive);
  // Needs admin. Conflict when the workflow already has this code.
  Result<domain::Reason> create_reason(const Actor& actor, const NewReason& input);
  // Any user may read a reason; its history (created, relabelled, deactivated) is for
  // admins and stays empty for others.
  Result<std::pair<domain::Reason, std::vector<domain::Event>>> get_reason(const Actor& actor, int64_t id);
  // Needs admin. Workflow and code never change (tickets and templates refer to them);
  // deactivating hides the reason from pickers and keeps it on the tickets that have it.
  Result<domain::Reason> update_reason(const Actor& actor, int64_t id, const ReasonChanges& changes);

 private:
  Context& ctx_;
};

}  // namespace redress::service
