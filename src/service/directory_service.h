#pragma once
// Contacts and reasons: the reference data agents pick from while working a ticket.
#include <optional>
#include <string>
#include <vector>

#include "domain/ticket.h"
#include "service/context.h"

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
  // By name or email, at most limit; an empty text lists the first contacts by name.
  Result<std::vector<domain::Contact>> search_contacts(const Actor& actor, const std::string& text, int limit);

  Result<std::vector<domain::Reason>> list_reasons(const Actor& actor, const std::string& workflow,
                                                   bool include_inactive);
  // Needs admin. Conflict when the workflow already has this code.
  Result<domain::Reason> create_reason(const Actor& actor, const NewReason& input);

 private:
  Context& ctx_;
};

}  // namespace redress::service
