// Reports for viewers and up: counts, weekly created vs closed, response and resolution
// times, as charts and tables, with the CSV the API makes.
#include "http/web_pages.h"
#include "http/web_support.h"

namespace redress::http {

void add_report_pages(const PageRoutes& add) {
  add("GET", "/reports", Access::kReports, [](WebCall& call) { return render(call, "reports", {{"nav", "reports"}}); });
}

}  // namespace redress::http
