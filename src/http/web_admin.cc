// Administration pages: users and rights, reasons, response templates, routing,
// mailboxes, review connectors, failed mails, workflows.
#include "http/web_pages.h"
#include "http/web_support.h"

namespace redress::http {

void add_admin_pages(const PageRoutes& add) {
  add("GET", "/admin", Access::kAdmin, [](WebCall& call) { return render(call, "admin", {{"nav", "admin"}}); });
}

}  // namespace redress::http
