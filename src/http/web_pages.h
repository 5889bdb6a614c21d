#pragma once
// The page groups of the web UI, each in its own file, registered by Web.
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "http/message.h"

namespace redress::http {

class WebCall;

// Who may open a page. The API checks rights again on every read and change; this only
// decides between the page and a redirect to the login or a 403 page.
enum class Access { kAnyone, kSignedIn, kStaff, kCustomer, kAdmin, kReports };

using PageHandler = std::function<Result<Response>(WebCall&)>;
using PageRoutes = std::function<void(std::string method, std::string pattern, Access, PageHandler)>;

void add_session_pages(const PageRoutes& add);  // web_session.cc: login, logout, sign-in link, home
void add_desk_pages(const PageRoutes& add);     // web_desk.cc
void add_ticket_pages(const PageRoutes& add);   // web_ticket.cc
void add_portal_pages(const PageRoutes& add);   // web_portal.cc
void add_admin_pages(const PageRoutes& add);    // web_admin.cc
void add_report_pages(const PageRoutes& add);   // web_reports.cc

// "/assets/<name>?v=<hash>" for each asset, keyed by name without extension.
nlohmann::json asset_urls();

}  // namespace redress::http
