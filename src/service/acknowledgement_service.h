#pragma once
// The acknowledgement (seed 000): a mail to every contact of a ticket (plus any CC the
// agent adds) saying it is registered and under which number, in the main contact's
// language unless another is chosen. Sent automatically for new mail tickets (per
// mailbox) and on request from the desk.
#include <optional>
#include <string>
#include <vector>

#include "domain/ticket.h"
#include "service/context.h"
#include "store/connection.h"

namespace redress::service {

struct AcknowledgementRequest {
  std::optional<std::string> language;
  std::vector<std::string> cc;
};

struct AcknowledgementResult {
  int64_t mail_id = 0;
  std::string language;
  std::vector<std::string> recipients;
  // Addresses left out, with why (an automated address, bouncing, over the daily cap).
  std::vector<std::pair<std::string, std::string>> skipped;
};

class AcknowledgementService {
 public:
  explicit AcknowledgementService(Context& ctx) : ctx_(ctx) {}

  // From the desk: needs tickets.write. Errors name the field: cc[i] not an address,
  // language not a tag, no contact with an address (Conflict "no_recipient").
  Result<AcknowledgementResult> send(const Actor& actor, const std::string& key, const AcknowledgementRequest& request);

  // Inside the caller's transaction. automatic: the loop rules apply to every recipient
  // (the intake acknowledging a new mail ticket); otherwise only robots and our own
  // addresses are left out. nullopt when nobody is left to mail.
  static Result<std::optional<AcknowledgementResult>> queue(const Context& ctx, store::Connection& c,
                                                            const Actor& actor, const domain::Ticket& ticket,
                                                            const AcknowledgementRequest& request, bool automatic);

 private:
  Context& ctx_;
};

}  // namespace redress::service
