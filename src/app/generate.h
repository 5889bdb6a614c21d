#pragma once
// `redress generate`: fills a database with N realistic tickets for benchmarks and trials
// (contacts reused across requests, several messages each in English and French, reasons,
// statuses reached by walking the workflows' own transitions, history events). Rows are
// written in bulk in transactions of a few thousand tickets, not through the services:
// a million tickets take minutes instead of hours. Timers (reopen dates, auto-close) are
// not armed and no mail is queued; the demo accounts are seeded first, so one can sign in.
#include <cstdint>
#include <ostream>

#include "app/runtime.h"

namespace redress::app {

struct GenerateOptions {
  int64_t tickets = 0;
  uint64_t seed = 1;
  int agents = 20;        // generated agents sharing the work, besides the demo's two
  bool progress_bar = false;  // redraw one line (a terminal); else a line every 10%
};

struct GenerateSummary {
  int64_t tickets = 0;
  int64_t contacts = 0;
  int64_t messages = 0;
  int64_t events = 0;
  double seconds = 0;
};

Result<GenerateSummary> generate(Runtime& runtime, const GenerateOptions& options, std::ostream& progress);

}  // namespace redress::app
