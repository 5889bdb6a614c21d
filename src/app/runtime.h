#pragma once
// Wiring: the one place that picks the real Clock and Database and builds the services
// from settings. Used by every subcommand and by integration tests.
#include <memory>
#include <string>

#include "core/clock.h"
#include "core/config.h"
#include "http/api.h"
#include "http/metrics.h"
#include "jobs/runner.h"
#include "service/context.h"
#include "service/mail_config.h"
#include "store/database.h"
#include "workflow/catalog.h"

namespace redress::app {

struct Runtime {
  Settings settings;
  std::unique_ptr<Clock> owned_clock;
  std::unique_ptr<OffsetClock> dev_clock;  // serve --dev-clock only; wraps the base clock
  const Clock* clock = nullptr;
  std::unique_ptr<store::Database> db;
  workflow::WorkflowCatalog workflows;
  std::unique_ptr<service::MailConfig> mail;
  std::unique_ptr<service::Context> context;
};

// Opens the database, applies pending migrations (reporting them when report is set),
// loads the workflows. clock may be null: the system clock is used.
Result<std::unique_ptr<Runtime>> open_runtime(const Settings& settings, const Clock* clock, bool report_migrations);

http::ApiOptions api_options(const Settings& settings);

// Registers the handlers of every job kind Redress knows on a runner.
void register_job_handlers(Runtime& runtime, jobs::JobRunner& runner);

}  // namespace redress::app
