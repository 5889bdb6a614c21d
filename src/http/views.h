#pragma once
// JSON shapes of the public API (see ../shared/API.md). Labels come in the caller's
// language.
#include <nlohmann/json.hpp>

#include "domain/ticket.h"
#include "domain/user.h"
#include "service/directory_service.h"
#include "service/ticket_service.h"

namespace redress::http {

nlohmann::json user_json(const domain::User& user);
nlohmann::json user_ref_json(const domain::UserRef& user);
nlohmann::json contact_json(const domain::Contact& contact);
nlohmann::json reason_json(const domain::Reason& reason, const std::string& language);
nlohmann::json customer_json(const std::optional<domain::Customer>& customer);
// GET /contacts/{id}: the contact, their customer, recent tickets and channels used.
nlohmann::json contact_profile_json(const service::ContactProfile& profile, const workflow::WorkflowCatalog& workflows,
                                    const std::string& language);
// Who looks at a ticket. A customer (customer_email set) sees the portal view: their own
// contact record, other contacts by name only, no assignees, taker, custom fields or
// customer organisation, which are staff matters.
struct TicketViewer {
  std::string language = "en";
  std::optional<std::string> customer_email;
};

nlohmann::json ticket_json(const service::TicketDetail& detail, const TicketViewer& viewer);
nlohmann::json ticket_page_json(const service::TicketPage& page, const workflow::WorkflowCatalog& workflows,
                                const TicketViewer& viewer);
nlohmann::json event_json(const domain::Event& event);
nlohmann::json workflow_json(const workflow::WorkflowDef& wf, const std::string& language);

}  // namespace redress::http
