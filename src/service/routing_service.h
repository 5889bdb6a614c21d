#pragma once
// The notification routing table for admins: read it, or replace it whole. A new table
// is checked against the workflows and templates Redress has loaded, so that a row that
// could never mail anyone (a status the workflow lacks, a template that does not exist, a
// typo in a recipient) is refused when it is written rather than discovered when a mail
// fails to go out.
#include <map>
#include <string>
#include <vector>

#include "domain/routing.h"
#include "notify/templates.h"
#include "service/context.h"
#include "workflow/catalog.h"

namespace redress::service {

// At most this many rows, and this many recipients in one of a row's lists.
inline constexpr size_t kMaxRoutingRules = 500;
inline constexpr size_t kMaxRecipientsPerList = 50;

// Why each rule is wrong, keyed "rules[i].<field>"; empty when the table is good.
// templates: where a rule's template must exist (in English at least).
std::map<std::string, std::string> validate_routing(const workflow::WorkflowCatalog& workflows,
                                                    const notify::MailTemplates& templates,
                                                    const std::vector<domain::RoutingRule>& rules);

class RoutingService {
 public:
  explicit RoutingService(Context& ctx) : ctx_(ctx) {}

  // Needs admin. Every row, in order.
  Result<std::vector<domain::RoutingRule>> list(const Actor& actor);
  // Needs admin. 422 naming every bad rules[i].<field>, nothing written; otherwise the
  // table is replaced in one transaction (positions follow the order given) and the
  // change recorded in the history (entity "routing").
  Result<std::vector<domain::RoutingRule>> replace(const Actor& actor, const std::vector<domain::RoutingRule>& rules);

  // The templates rules are checked against: the configured ones (with the admin's
  // override directory), or the shipped ones when mail is not configured.
  const notify::MailTemplates& templates() const;

 private:
  Context& ctx_;
  notify::MailTemplates shipped_{""};
};

}  // namespace redress::service
