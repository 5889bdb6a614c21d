#pragma once
// Signed links that let a customer act on their ticket from a mail without logging in
// (seed 002: "Issue Resolved"). The link names the ticket, the contact it was mailed to,
// the transition it may run and when it stops working; an HMAC over all four under the
// server's secret makes any edit detectable. Nothing is stored: a link is valid until it
// expires, and the workflow refuses a second use because the ticket has moved on.
#include <cstdint>
#include <optional>
#include <string>

#include "core/clock.h"

namespace redress::domain {

struct ActionLink {
  int64_t ticket_id = 0;
  int64_t contact_id = 0;
  std::string transition;
  TimePoint expires_at;
};

// URL-safe: digits, the transition id (lower-case letters, digits, _ and -), dots, hex.
std::string sign_action_link(const std::string& secret, const ActionLink& link);

enum class LinkProblem { kNone, kMalformed, kForged, kExpired };

struct LinkCheck {
  LinkProblem problem = LinkProblem::kNone;
  ActionLink link;  // filled when the signature is right (also when expired)
};

// The signature is checked before the expiry, so an edited date reads as forged.
LinkCheck verify_action_link(const std::string& secret, const std::string& token, TimePoint now);

}  // namespace redress::domain
