#pragma once
// `redress import reviews FILE.csv --source NAME`: reviews from a feedback platform's
// export, each row taken as POST /api/v1/inbound/reviews takes one (so importing twice
// makes nothing twice). Columns by header: external_id, author_name, author_email,
// rating, text, url, created_at (external_id and text required).
#include <iosfwd>
#include <string>

#include "app/runtime.h"

namespace redress::app {

struct ImportOptions {
  std::string file;
  std::string source;
  bool progress_redraw = false;  // stderr is a terminal: redraw one progress line
};

// Bad rows are reported on err as "line N: field: why" and skipped; a progress bar goes
// to err; the last line on out counts what happened. Exit code: 0 when the file was read,
// 2 for an unreadable or malformed file or an unknown source, 1 when the database failed.
int import_reviews(Runtime& rt, const ImportOptions& options, std::ostream& out, std::ostream& err);

}  // namespace redress::app
