#pragma once
// The workflows Redress knows, read from workflows/*.toml (shipped files are compiled in;
// an operator may point at a directory of their own). Validated at load: a bad file is
// refused with one line naming the file and what is wrong. Immutable after load, so it is
// shared between threads freely.
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"

namespace redress::workflow {

using Labels = std::map<std::string, std::string>;  // language -> text

// What happens when a ticket enters a status, in the transaction of the transition.
// Mails are not entry actions: the routing table (event status_entered) says who is told.
struct EntryAction {
  std::string kind;         // "clear_role"
  std::string target;       // clear_role: the role
  std::string template_id;  // unused by clear_role (refused when given)
};

struct StatusDef {
  std::string id;
  std::string category;  // new, open, pending, closed
  Labels labels;
  std::vector<EntryAction> on_enter;
};

// A custom field a workflow declares (issue 6 adds more uses).
struct FieldDef {
  std::string id;
  std::string type;  // string, text, datetime, number, boolean, choice
  Labels labels;
  std::vector<std::string> choices;  // for type choice
};

// Who may run a transition. Any combination.
struct Permission {
  bool any_agent = false;           // "agent": any user with tickets.write
  std::vector<std::string> roles;   // "role:team_member": the user holding that ticket role
  bool customer = false;            // "customer": a contact of the ticket, logged in
  bool system = false;              // "system": timers and intake
};

struct TransitionDef {
  std::string id;
  Labels labels;
  std::vector<std::string> from;  // statuses it leaves ("*" in the file: every non-closed status)
  std::string to;
  Permission who;
  bool note_required = false;
  // What must be present once the transition's own changes are applied:
  // "reason", "contact", "assignees.<role>", "fields.<id>", "public_reply".
  std::vector<std::string> requires_;
  // What the request may set in the same step: "assignees.<role>", "fields.<id>".
  std::vector<std::string> sets;
  // Roles emptied by the transition (decline clears the team member).
  std::vector<std::string> clears_roles;
};

// After a time in a status, or at the time held in a datetime field, run a transition as
// the system.
struct TimerDef {
  std::string id;
  std::string status;
  std::optional<std::chrono::seconds> after;  // "4d", "36h", "90m"
  std::string at_field;                        // e.g. "reopen_at"
  std::string transition;
};

struct WorkflowDef {
  std::string id;
  Labels labels;
  std::vector<std::string> roles;  // assignee roles on a ticket, e.g. team_member
  std::vector<StatusDef> statuses;
  std::string start_status;
  std::vector<FieldDef> fields;
  std::vector<TransitionDef> transitions;
  std::vector<TimerDef> timers;
  std::string on_take;  // transition run when a ticket is taken, if it leaves the status; may be empty

  const StatusDef* status(const std::string& id) const;
  // True when the status exists and is of category "closed".
  bool is_closed(const std::string& status_id) const;
  const TransitionDef* transition(const std::string& id) const;
  const FieldDef* field(const std::string& id) const;
  bool has_role(const std::string& role) const;
};

// The label in language, else English, else the id.
std::string label_in(const Labels& labels, const std::string& language, const std::string& fallback);

class WorkflowCatalog {
 public:
  // The workflows compiled into the binary.
  static Result<WorkflowCatalog> load_shipped();
  // The shipped workflows, then every *.toml in directory (if not empty): a file whose id
  // is a shipped one replaces it; two files with one id are refused.
  static Result<WorkflowCatalog> load(const std::string& directory);
  // Parses one file's text; source names it in errors.
  static Result<WorkflowDef> parse(const std::string& text, const std::string& source);

  const WorkflowDef* find(const std::string& id) const;
  const std::vector<WorkflowDef>& all() const { return workflows_; }

 private:
  std::vector<WorkflowDef> workflows_;
};

}  // namespace redress::workflow
