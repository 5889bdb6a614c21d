#pragma once
// Seed 002's "Issue Resolved" from the mail: a signed, expiring link lets the contact the
// mail went to run the customer's transition (confirm) without logging in. Opening the link
// only shows what it would do; confirming is a separate POST.
#include <optional>
#include <string>

#include "domain/action_link.h"
#include "domain/ticket.h"
#include "service/context.h"
#include "store/connection.h"

namespace redress::service {

// What the link's page shows.
struct LinkPage {
  enum class State {
    kReady,       // GET: the button can be pressed
    kDone,        // POST: the transition ran just now
    kNotWaiting,  // the ticket is no longer in a status the transition leaves (e.g. already confirmed)
    kExpired,
    kInvalid,  // malformed, forged, or naming a ticket/contact that does not match
  };
  State state = State::kInvalid;
  std::string language = "en";
  std::string ticket_number;
  std::string subject;
  std::string action_label;  // the transition's label, e.g. "Issue Resolved"
  std::string status_label;  // the ticket's status now
};

class CustomerLinkService {
 public:
  explicit CustomerLinkService(Context& ctx) : ctx_(ctx) {}

  // The link a mail to this contact may carry, or nullopt when the ticket's status offers
  // customers no transition (or mail is not configured). URL without the base.
  static std::optional<std::string> path_for(const Context& ctx, const domain::Ticket& t, int64_t contact_id);
  // Whether path_for can give a link for this ticket now (saves looking up contacts).
  static bool offers_link(const Context& ctx, const domain::Ticket& t);

  // Read-only: never changes anything.
  Result<LinkPage> inspect(const std::string& token);
  // Runs the transition as the contact, in one transaction.
  Result<LinkPage> act(const std::string& token);

 private:
  Result<LinkPage> page(store::Connection& c, const std::string& token, bool run);
  Context& ctx_;
};

}  // namespace redress::service
