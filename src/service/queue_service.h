#pragma once
// Who works on what (seed 001): an agent takes a ticket ("M'affecter ce ticket") and is
// then the only one who may open it or act on it, until they remove their assignment or
// someone with tickets.release releases it. Each agent's "requests to process" queue puts
// their own tickets first (those where a customer is waiting on top), then the tickets
// nobody took, oldest first; "process next" claims the first one atomically.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "service/context.h"
#include "service/ticket_service.h"
#include "store/connection.h"

namespace redress::service {

struct QueuePage {
  TicketPage page;
  std::vector<std::string> sections;  // per item: "mine" or "unassigned"
};

class QueueService {
 public:
  explicit QueueService(Context& ctx);

  // Right tickets.take. Taking a ticket one already holds changes nothing; one another
  // agent holds is a Conflict "ticket_taken" naming them. Runs the workflow's on_take
  // transition (support-request: new_request -> open) when it leaves the status.
  Result<TicketDetail> take(const Actor& actor, const std::string& key);
  // The holder removes their assignment; anyone else needs tickets.release. Releasing an
  // untaken ticket changes nothing.
  Result<TicketDetail> release(const Actor& actor, const std::string& key);
  // Right tickets.take.
  Result<QueuePage> queue(const Actor& actor, int limit);
  // The first ticket of the actor's queue, taken for them in the same transaction: two
  // agents asking at once never get the same one. nullopt when the queue is empty.
  Result<std::optional<TicketDetail>> next(const Actor& actor);

 private:
  Context& ctx_;
  // Per workflow, the statuses nobody should process now (category pending); the catalog
  // is fixed after start, so this is worked out once.
  const std::map<std::string, std::vector<std::string>> not_now_;
};

// In the caller's write transaction, when a customer message lands on t (mail or
// portal): marks the customer as waiting (the ticket leads its handler's queue) and, when
// the taker is inactive (deactivated, or unseen for ctx.taker_inactive_hours), returns the
// ticket to the team queue. Returns the ticket as saved.
Result<domain::Ticket> customer_message_arrived(const Context& ctx, store::Connection& c, domain::Ticket t);
// A public answer from support: the customer is no longer waiting.
Result<domain::Ticket> support_answered(const Context& ctx, store::Connection& c, domain::Ticket t);
// Releases every ticket user_id has taken (their account was deactivated), recorded with why.
Result<void> release_all_taken_by(const Context& ctx, store::Connection& c, const Actor& actor, int64_t user_id,
                                  const std::string& why);

}  // namespace redress::service
