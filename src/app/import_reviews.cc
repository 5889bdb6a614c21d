#include "app/import_reviews.h"

#include <cstdlib>
#include <fstream>
#include <map>
#include <ostream>
#include <sstream>

#include "core/csv.h"
#include "domain/validation.h"
#include "service/review_service.h"

namespace redress::app {
namespace {

constexpr const char* kColumns[] = {"external_id", "author_name", "author_email", "rating",
                                    "text",        "url",         "created_at"};
constexpr int kBarWidth = 30;

// The CSV's name for a field the service names.
std::string column_of(const std::string& field) {
  if (field == "author.name") return "author_name";
  if (field == "author.email") return "author_email";
  return field;
}

std::string rows_read(int rows) { return std::to_string(rows) + (rows == 1 ? " row" : " rows") + " read"; }

class ImportProgress {
 public:
  ImportProgress(std::ostream& err, bool redraw, size_t total) : err_(err), redraw_(redraw), total_(total ? total : 1) {}

  void update(size_t done, int rows) {
    const int percent = static_cast<int>(done * 100 / total_);
    if (redraw_) {
      const int filled = percent * kBarWidth / 100;
      err_ << "\r[" << std::string(filled, '#') << std::string(kBarWidth - filled, '.') << "] " << percent << "% "
           << rows_read(rows) << std::flush;
      drawn_ = true;
    } else if (percent >= next_step_) {
      // A log file gets a line every tenth of the way, not one per row.
      err_ << "progress: " << percent << "% (" << rows_read(rows) << ")\n";
      while (next_step_ <= percent) next_step_ += 10;
    }
  }

  // Before any other line on err: the progress line is not left half-overwritten.
  void clear() {
    if (redraw_ && drawn_) err_ << "\r\033[K";
    drawn_ = false;
  }

  void finish() {
    if (redraw_ && drawn_) err_ << "\n";
    drawn_ = false;
  }

 private:
  std::ostream& err_;
  const bool redraw_;
  const size_t total_;
  bool drawn_ = false;
  int next_step_ = 10;
};

}  // namespace

int import_reviews(Runtime& rt, const ImportOptions& options, std::ostream& out, std::ostream& err) {
  if (!service::find_review_source(*rt.context, options.source)) {
    err << "redress: --source: no review source named '" << options.source << "' in [[review_sources]]\n";
    return 2;
  }
  std::ifstream in(options.file, std::ios::binary);
  if (!in) {
    err << "redress: " << options.file << ": cannot be read\n";
    return 2;
  }
  std::ostringstream text;
  text << in.rdbuf();
  CsvReader reader(text.str());

  auto header = reader.next();
  if (!header) {
    err << "redress: " << options.file << ": " << header.error().message << "\n";
    return 2;
  }
  if (!*header) {
    err << "redress: " << options.file << ": empty; the first line must name the columns\n";
    return 2;
  }
  std::map<std::string, size_t> column;  // name -> index
  for (size_t i = 0; i < (*header)->fields.size(); ++i) {
    const std::string name = domain::lower_ascii(domain::trim((*header)->fields[i]));
    bool known = false;
    for (const char* c : kColumns) known = known || name == c;
    if (!known) {
      err << "redress: " << options.file << ": line " << (*header)->line << ": unknown column '" << name
          << "' (columns: external_id, author_name, author_email, rating, text, url, created_at)\n";
      return 2;
    }
    if (!column.emplace(name, i).second) {
      err << "redress: " << options.file << ": line " << (*header)->line << ": column '" << name << "' twice\n";
      return 2;
    }
  }
  for (const char* required : {"external_id", "text"}) {
    if (!column.contains(required)) {
      err << "redress: " << options.file << ": the header has no '" << required << "' column\n";
      return 2;
    }
  }
  const size_t width = (*header)->fields.size();

  service::ReviewService reviews(*rt.context);
  ImportProgress progress(err, options.progress_redraw, reader.size());
  int imported = 0, present = 0, skipped = 0, rows = 0;
  auto bad_row = [&](int line, const std::string& field, const std::string& why) {
    progress.clear();
    err << "line " << line << ": " << field << ": " << why << "\n";
  };
  int exit_code = 0;
  while (true) {
    auto record = reader.next();
    if (!record) {
      progress.clear();
      err << "redress: " << options.file << ": " << record.error().message << "\n";
      exit_code = 2;
      break;
    }
    if (!*record) break;
    const CsvRecord& row = **record;
    ++rows;
    if (row.fields.size() != width) {
      bad_row(row.line, "row",
              "has " + std::to_string(row.fields.size()) + " fields; the header has " + std::to_string(width));
      ++skipped;
      progress.update(reader.position(), rows);
      continue;
    }
    auto cell = [&](const char* name) -> std::string {
      auto it = column.find(name);
      return it == column.end() ? std::string() : row.fields[it->second];
    };
    service::ReviewInput input;
    input.source = options.source;
    input.external_id = cell("external_id");
    input.author_name = cell("author_name");
    input.author_email = cell("author_email");
    input.text = cell("text");
    input.url = cell("url");
    std::map<std::string, std::string> problems;
    if (const std::string rating = domain::trim(cell("rating")); !rating.empty()) {
      char* end = nullptr;
      const double value = std::strtod(rating.c_str(), &end);
      if (end != rating.c_str() + rating.size()) {
        problems["rating"] = "a number from 0 to 5, or empty";
      } else {
        input.rating = value;
      }
    }
    if (const std::string created = domain::trim(cell("created_at")); !created.empty()) {
      TimePoint at;
      if (parse_rfc3339(created, at)) {
        input.created_at = at;
      } else {
        problems["created_at"] = "an RFC 3339 date-time such as 2026-11-18T09:30:00Z";
      }
    }
    for (auto& [field, why] : service::review_problems(input)) problems.emplace(column_of(field), why);
    if (!problems.empty()) {
      for (const auto& [field, why] : problems) bad_row(row.line, field, why);
      ++skipped;
      progress.update(reader.position(), rows);
      continue;
    }
    auto taken = reviews.submit(input);
    if (!taken) {
      const Error& e = taken.error();
      if (e.code != ErrorCode::kInvalid) {
        progress.clear();
        err << "redress: line " << row.line << ": " << e.message << "\n";
        exit_code = 1;
        break;
      }
      if (e.fields.empty()) bad_row(row.line, "row", e.message);
      for (const auto& [field, why] : e.fields) bad_row(row.line, column_of(field), why);
      ++skipped;
    } else if (taken->created) {
      ++imported;
    } else {
      ++present;
    }
    progress.update(reader.position(), rows);
  }
  progress.finish();
  out << imported << " imported, " << present << " already present, " << skipped << " skipped\n";
  return exit_code;
}

}  // namespace redress::app
