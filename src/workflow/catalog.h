#pragma once
// The workflows Redress knows, read from workflows/*.toml (shipped files are compiled in;
// an operator may point at a directory of their own). Validated at load: a bad file is
// refused with one line naming the file and what is wrong. Immutable after load, so it is
// shared between threads freely.
#include <map>
#include <string>
#include <vector>

#include "core/error.h"

namespace redress::workflow {

using Labels = std::map<std::string, std::string>;  // language -> text

struct StatusDef {
  std::string id;
  std::string category;  // new, open, pending, closed
  Labels labels;
};

struct WorkflowDef {
  std::string id;
  Labels labels;
  std::vector<std::string> roles;  // assignee roles on a ticket, e.g. team_member
  std::vector<StatusDef> statuses;
  std::string start_status;

  const StatusDef* status(const std::string& id) const;
  bool has_role(const std::string& role) const;
};

// The label in language, else English, else the id.
std::string label_in(const Labels& labels, const std::string& language, const std::string& fallback);

class WorkflowCatalog {
 public:
  // The workflows compiled into the binary.
  static Result<WorkflowCatalog> load_shipped();
  // Parses one file's text; source names it in errors.
  static Result<WorkflowDef> parse(const std::string& text, const std::string& source);

  const WorkflowDef* find(const std::string& id) const;
  const std::vector<WorkflowDef>& all() const { return workflows_; }

 private:
  std::vector<WorkflowDef> workflows_;
};

}  // namespace redress::workflow
