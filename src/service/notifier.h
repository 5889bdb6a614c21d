#pragma once
// Who is told about a change, by mail: the notification routing table (seed 000, 003).
// A command raises one or more NotifyEvents for one ticket inside its write transaction;
// notify() finds the enabled routing rows that match each event, resolves their
// recipients (ticket roles, the taker, contacts, the message's author, fixed addresses),
// and queues one mail per person for the whole command: nobody is mailed twice for one
// change, and nobody is told of their own action (except the author's own receipt).
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "domain/ticket.h"
#include "service/context.h"
#include "store/connection.h"

namespace redress::service {

// The event kinds a routing row can name.
inline constexpr const char* kNotifyStatusEntered = "status_entered";
inline constexpr const char* kNotifyCustomerMessage = "customer_message";
inline constexpr const char* kNotifySupportReply = "support_reply";
inline constexpr const char* kNotifyNote = "note";
inline constexpr const char* kNotifyAssigned = "assigned";

struct NotifyEvent {
  std::string kind;
  std::string status;                       // status_entered: the status entered
  std::string role;                         // assigned: the ticket role set
  std::optional<int64_t> assigned_user_id;  // assigned: who now holds it
  std::string channel;                      // messages: mail, portal, staff, review
  std::optional<int64_t> message_id;        // messages: the message
  std::string message_text;                 // messages: its text (for the template)
  std::optional<std::string> message_subject;  // support replies from a response template: the mail's subject
  std::optional<int64_t> author_contact_id; // customer messages: who wrote it
  std::optional<int64_t> author_user_id;    // portal customers and staff: who wrote it
  std::string note;                         // status_entered: the transition's note, if any
};

struct NotifyOutcome {
  int mails_queued = 0;
  std::vector<std::string> recipients;  // lower-cased addresses, for the history event
  // Left out, with why: "actor" (their own action), the loop rules' reason for
  // customer-side addresses (robots, our own addresses, "bouncing", the daily cap), or a
  // template that failed to render ("template: ...").
  std::vector<std::pair<std::string, std::string>> skipped;
};

// In the caller's write transaction. t is the ticket after the change. Does nothing when
// mail is not configured (ctx.mail null). Recipients that loop protection refuses (robots,
// our own addresses, bouncing contacts) are skipped for customer-side mails.
Result<NotifyOutcome> notify(const Context& ctx, store::Connection& c, const Actor& actor, const domain::Ticket& t,
                             const std::vector<NotifyEvent>& events);

}  // namespace redress::service
