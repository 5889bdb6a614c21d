#pragma once
// Plain types for tickets and what hangs off them. No SQL, no HTTP: rules live in
// service/ and workflow/, storage in store/.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/clock.h"

namespace redress::domain {

struct Customer {
  int64_t id = 0;
  std::string name;
};

struct Contact {
  int64_t id = 0;
  std::string name;
  std::optional<std::string> email;  // lower-cased
  std::optional<std::string> phone;
  std::string language = "en";
  std::optional<int64_t> customer_id;
  TimePoint created_at;
};

struct Reason {
  int64_t id = 0;
  std::string workflow;
  std::string code;
  std::map<std::string, std::string> labels;  // language -> label
  bool active = true;

  std::string label(const std::string& language) const;
};

struct UserRef {
  int64_t id = 0;
  std::string name;
  std::string email;
};

struct Ticket {
  int64_t id = 0;
  std::string number;
  std::string workflow;
  std::string status;
  std::string subject;
  std::string description;
  std::string channel;
  std::optional<int64_t> reason_id;
  std::string language;
  std::optional<int64_t> customer_id;
  std::optional<int64_t> main_contact_id;
  std::optional<int64_t> taken_by;
  std::optional<TimePoint> taken_at;
  // The first customer message still unanswered: such tickets lead the handler's queue.
  std::optional<TimePoint> customer_waiting_since;
  bool messaging_blocked = false;
  nlohmann::json fields = nlohmann::json::object();
  std::optional<int64_t> created_by;
  TimePoint created_at;
  TimePoint updated_at;
  std::optional<TimePoint> closed_at;
  int64_t version = 1;

  // Loaded with the ticket: contacts in display order, assignees by role.
  std::vector<int64_t> contact_ids;
  std::map<std::string, int64_t> assignees;
};

// A file that came with a message (a mail's attachment or inline image).
struct MessageAttachment {
  int64_t id = 0;
  std::string filename;      // as the sender named it; "" when it had no name
  std::string content_type;  // type/subtype, lower-case
  std::string content_id;    // for cid: references from the mail's HTML; "" when none
  std::string sha256;        // of the bytes; "" when dropped
  int64_t size = 0;
  bool is_inline = false;
  bool dropped = false;  // over the parser's size limits: listed, not kept
};

struct Message {
  int64_t id = 0;
  int64_t ticket_id = 0;
  std::string kind;        // mail_in, mail_out, portal, reply, note
  std::string visibility;  // public, internal
  std::optional<int64_t> author_user_id;
  std::optional<int64_t> author_contact_id;
  std::string body;
  TimePoint created_at;
  std::optional<std::string> html;  // sanitised HTML of a mail, when it had some
  // A reply written from a response template: which one (its name read with the message)
  // and the subject its mail was sent with.
  std::optional<int64_t> template_id;
  std::optional<std::string> template_name;
  std::optional<std::string> subject;
};

// One row of the history. Appended in the transaction of the change it describes.
struct Event {
  int64_t id = 0;
  std::optional<int64_t> ticket_id;
  std::string entity;  // ticket, contact, user, reason, customer
  std::optional<int64_t> entity_id;
  TimePoint at;
  std::optional<int64_t> actor_user_id;
  std::string actor_label;  // "system", "cli" when no user acted
  std::string kind;
  std::optional<std::string> from;
  std::optional<std::string> to;
  nlohmann::json data = nlohmann::json::object();
};

inline constexpr const char* kChannels[] = {"mail", "portal", "staff", "review", "phone"};
bool is_known_channel(const std::string& channel);

}  // namespace redress::domain
