#include "service/notifier.h"

namespace redress::service {

// Placeholder while the routing table is being built on its own branch: callers can
// already raise events; nothing is sent yet.
Result<NotifyOutcome> notify(const Context&, store::Connection&, const Actor&, const domain::Ticket&,
                             const std::vector<NotifyEvent>&) {
  return NotifyOutcome{};
}

}  // namespace redress::service
