#include "workflow/catalog.h"

#include <algorithm>
#include <deque>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <toml.hpp>

#include "core/embedded.h"

namespace redress::workflow {
namespace {

const std::set<std::string> kCategories = {"new", "open", "pending", "closed"};
const std::set<std::string> kFieldTypes = {"string", "text", "datetime", "number", "boolean", "choice"};

bool is_identifier(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) return false;
  }
  return true;
}

bool contains(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

std::string at_line(const std::string& source, const toml::value& v) {
  return source + ":" + std::to_string(v.location().line());
}

std::unexpected<Error> refuse(const std::string& source, const toml::value& v, const std::string& why) {
  return fail(ErrorCode::kInvalid, at_line(source, v) + ": " + why);
}

Result<Labels> read_labels(const toml::value& v, const std::string& where) {
  if (!v.is_table()) return fail(ErrorCode::kInvalid, where + ": labels must be a table {en = \"...\"}");
  Labels out;
  for (const auto& [lang, text] : v.as_table()) {
    if (!text.is_string()) return fail(ErrorCode::kInvalid, where + ": label '" + lang + "' must be a string");
    out[lang] = text.as_string().str;
  }
  if (!out.contains("en")) return fail(ErrorCode::kInvalid, where + ": labels need at least en");
  return out;
}

// Errors name the line of the offending value rather than of the table holding it.
Result<std::string> read_string(const std::string& source, const toml::value& v, const std::string& what) {
  if (!v.is_string()) return refuse(source, v, what + " must be a string");
  return v.as_string().str;
}

Result<std::vector<std::string>> read_string_list(const std::string& source, const toml::value& v,
                                                  const std::string& what) {
  if (!v.is_array()) return refuse(source, v, what + " must be a list of strings");
  std::vector<std::string> out;
  for (const auto& item : v.as_array()) {
    if (!item.is_string()) return refuse(source, item, what + " must be a list of strings");
    out.push_back(item.as_string().str);
  }
  return out;
}

// "4d", "36h", "90m", "30s": a positive whole number and one unit.
std::optional<std::chrono::seconds> parse_duration(const std::string& text) {
  if (text.size() < 2 || text.size() > 10) return std::nullopt;
  int64_t n = 0;
  for (size_t i = 0; i + 1 < text.size(); ++i) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    n = n * 10 + (text[i] - '0');
  }
  if (n <= 0) return std::nullopt;
  switch (text.back()) {
    case 'd': return std::chrono::seconds(n * 86400);
    case 'h': return std::chrono::seconds(n * 3600);
    case 'm': return std::chrono::seconds(n * 60);
    case 's': return std::chrono::seconds(n);
    default: return std::nullopt;
  }
}

// Everything about one file that its parts need to check each other: kept together so the
// checks of transitions and timers read against what the file declared.
class FileParser {
 public:
  FileParser(const toml::value& root, const std::string& source) : root_(root), source_(source) {}

  Result<WorkflowDef> run() {
    const auto& table = root_.as_table();
    for (const auto& [key, value] : table) {
      if (key != "id" && key != "labels" && key != "roles" && key != "statuses" && key != "fields" &&
          key != "transitions" && key != "timers" && key != "on_take")
        return refuse(source_, value, "unknown key '" + key + "'");
    }
    if (!table.contains("id") || !root_.at("id").is_string() || !is_identifier(root_.at("id").as_string().str))
      return fail(ErrorCode::kInvalid, source_ + ": 'id' must be a lower-case identifier");
    wf_.id = root_.at("id").as_string().str;
    if (!table.contains("labels")) return fail(ErrorCode::kInvalid, source_ + ": missing [labels]");
    wf_.labels = REDRESS_TRY(read_labels(root_.at("labels"), at_line(source_, root_.at("labels"))));
    REDRESS_CHECK(read_roles());
    if (!table.contains("statuses") || !root_.at("statuses").is_array() || root_.at("statuses").as_array().empty())
      return fail(ErrorCode::kInvalid, source_ + ": needs [[statuses]]");
    REDRESS_CHECK(read_statuses());
    // Fields before transitions and timers, which name them; transitions before timers.
    if (table.contains("fields")) REDRESS_CHECK(read_fields(root_.at("fields")));
    if (table.contains("transitions")) REDRESS_CHECK(read_transitions(root_.at("transitions")));
    if (table.contains("timers")) REDRESS_CHECK(read_timers(root_.at("timers")));
    if (table.contains("on_take")) REDRESS_CHECK(read_on_take(root_.at("on_take")));
    REDRESS_CHECK(check_reachable());
    return std::move(wf_);
  }

 private:
  Result<bool> read_roles() {
    if (!root_.as_table().contains("roles")) return true;
    const auto& roles = root_.at("roles");
    if (!roles.is_array()) return refuse(source_, roles, "roles must be a list");
    for (const auto& r : roles.as_array()) {
      if (!r.is_string() || !is_identifier(r.as_string().str))
        return refuse(source_, r, "a role must be an identifier");
      if (wf_.has_role(r.as_string().str)) return refuse(source_, r, "duplicate role '" + r.as_string().str + "'");
      wf_.roles.push_back(r.as_string().str);
    }
    return true;
  }

  Result<bool> check_role(const toml::value& at, const std::string& role, const std::string& what) {
    if (!wf_.has_role(role))
      return refuse(source_, at, what + " names role '" + role + "', which is not in roles");
    return true;
  }

  Result<bool> read_statuses() {
    std::set<std::string> seen;
    for (const auto& s : root_.at("statuses").as_array()) {
      const std::string where = at_line(source_, s);
      if (!s.is_table()) return fail(ErrorCode::kInvalid, where + ": a status must be a table");
      StatusDef def;
      bool is_start = false;
      for (const auto& [key, value] : s.as_table()) {
        if (key == "id" && value.is_string()) {
          def.id = value.as_string().str;
        } else if (key == "category" && value.is_string()) {
          def.category = value.as_string().str;
        } else if (key == "labels") {
          def.labels = REDRESS_TRY(read_labels(value, where));
        } else if (key == "start" && value.is_boolean()) {
          is_start = value.as_boolean();
        } else if (key == "on_enter") {
          def.on_enter = REDRESS_TRY(read_entry_actions(value));
        } else {
          return fail(ErrorCode::kInvalid, where + ": unknown or mistyped key '" + key + "' in a status");
        }
      }
      if (!is_identifier(def.id)) return fail(ErrorCode::kInvalid, where + ": status id must be an identifier");
      if (!seen.insert(def.id).second)
        return fail(ErrorCode::kInvalid, where + ": duplicate status '" + def.id + "'");
      if (!kCategories.contains(def.category))
        return fail(ErrorCode::kInvalid,
                    where + ": status '" + def.id + "' needs category new, open, pending or closed");
      if (def.labels.empty()) return fail(ErrorCode::kInvalid, where + ": status '" + def.id + "' has no labels");
      if (is_start) {
        if (!wf_.start_status.empty())
          return fail(ErrorCode::kInvalid, where + ": a second start status ('" + wf_.start_status + "' is one)");
        wf_.start_status = def.id;
      }
      status_lines_[def.id] = &s;
      wf_.statuses.push_back(std::move(def));
    }
    if (wf_.start_status.empty()) return fail(ErrorCode::kInvalid, source_ + ": no status has start = true");
    return true;
  }

  Result<std::vector<EntryAction>> read_entry_actions(const toml::value& list) {
    if (!list.is_array()) return refuse(source_, list, "on_enter must be a list of {kind, target}");
    std::vector<EntryAction> out;
    for (const auto& item : list.as_array()) {
      if (!item.is_table()) return refuse(source_, item, "an on_enter action must be a table {kind, target}");
      EntryAction action;
      bool has_template = false;
      for (const auto& [key, value] : item.as_table()) {
        if (key == "kind") {
          action.kind = REDRESS_TRY(read_string(source_, value, "on_enter kind"));
        } else if (key == "target") {
          action.target = REDRESS_TRY(read_string(source_, value, "on_enter target"));
        } else if (key == "template") {
          action.template_id = REDRESS_TRY(read_string(source_, value, "on_enter template"));
          if (!is_identifier(action.template_id))
            return refuse(source_, value, "on_enter template must be an identifier");
          has_template = true;
        } else {
          return refuse(source_, value, "unknown key '" + key + "' in an on_enter action");
        }
      }
      if (action.kind == "notify" || action.kind == "mail") {
        // Mails on entering a status used to be declared here; one table now says who is
        // told of every kind of change, editable without a restart.
        return refuse(source_, item,
                      "on_enter kind '" + action.kind +
                          "' is no longer supported: who is mailed when a ticket enters a status is set in the "
                          "routing table (GET/PUT /api/v1/routing, event status_entered)");
      } else if (action.kind == "clear_role") {
        REDRESS_CHECK(check_role(item, action.target, "clear_role"));
        if (has_template) return refuse(source_, item, "clear_role takes no template");
      } else {
        return refuse(source_, item, "on_enter kind must be clear_role, not '" + action.kind + "'");
      }
      out.push_back(std::move(action));
    }
    return out;
  }

  Result<bool> read_fields(const toml::value& list) {
    if (!list.is_array()) return refuse(source_, list, "fields must be [[fields]] tables");
    for (const auto& f : list.as_array()) {
      if (!f.is_table()) return refuse(source_, f, "a field must be a table");
      FieldDef def;
      bool has_choices = false;
      for (const auto& [key, value] : f.as_table()) {
        if (key == "id") {
          def.id = REDRESS_TRY(read_string(source_, value, "field id"));
        } else if (key == "type") {
          def.type = REDRESS_TRY(read_string(source_, value, "field type"));
        } else if (key == "labels") {
          def.labels = REDRESS_TRY(read_labels(value, at_line(source_, value)));
        } else if (key == "choices") {
          def.choices = REDRESS_TRY(read_string_list(source_, value, "choices"));
          has_choices = true;
        } else {
          return refuse(source_, value, "unknown key '" + key + "' in a field");
        }
      }
      if (!is_identifier(def.id)) return refuse(source_, f, "field id must be an identifier");
      if (wf_.field(def.id)) return refuse(source_, f, "duplicate field '" + def.id + "'");
      if (!kFieldTypes.contains(def.type))
        return refuse(source_, f,
                      "field '" + def.id + "' needs type string, text, datetime, number, boolean or choice");
      if (def.labels.empty()) return refuse(source_, f, "field '" + def.id + "' has no labels");
      if (def.type == "choice" && def.choices.empty())
        return refuse(source_, f, "choice field '" + def.id + "' needs a non-empty choices list");
      if (def.type != "choice" && has_choices)
        return refuse(source_, f, "field '" + def.id + "' has choices but is not of type choice");
      wf_.fields.push_back(std::move(def));
    }
    return true;
  }

  Result<std::string> read_status_ref(const toml::value& v, const std::string& what) {
    auto id = REDRESS_TRY(read_string(source_, v, what));
    if (!wf_.status(id)) return refuse(source_, v, what + " names unknown status '" + id + "'");
    return id;
  }

  // "assignees.<role>" or "fields.<declared field>"; requires also takes reason, contact,
  // public_reply.
  Result<bool> check_item(const toml::value& at, const std::string& item, bool in_requires) {
    const std::string what = in_requires ? "requires" : "sets";
    if (in_requires && (item == "reason" || item == "contact" || item == "public_reply")) return true;
    if (item.starts_with("assignees.")) return check_role(at, item.substr(10), what);
    if (item.starts_with("fields.")) {
      if (!wf_.field(item.substr(7)))
        return refuse(source_, at, what + " names field '" + item.substr(7) + "', which is not declared in [[fields]]");
      return true;
    }
    return refuse(source_, at,
                  what + " entry '" + item + "' must be " +
                      (in_requires ? "reason, contact, public_reply, " : "") + "assignees.<role> or fields.<id>");
  }

  Result<bool> read_transitions(const toml::value& list) {
    if (!list.is_array()) return refuse(source_, list, "transitions must be [[transitions]] tables");
    for (const auto& t : list.as_array()) {
      if (!t.is_table()) return refuse(source_, t, "a transition must be a table");
      TransitionDef def;
      bool has_from = false, has_who = false;
      for (const auto& [key, value] : t.as_table()) {
        if (key == "id") {
          def.id = REDRESS_TRY(read_string(source_, value, "transition id"));
        } else if (key == "labels") {
          def.labels = REDRESS_TRY(read_labels(value, at_line(source_, value)));
        } else if (key == "from") {
          has_from = true;
          if (value.is_string() && value.as_string().str == "*") {
            for (const auto& s : wf_.statuses) {
              if (s.category != "closed") def.from.push_back(s.id);
            }
          } else if (value.is_array()) {
            for (const auto& s : value.as_array()) {
              auto id = REDRESS_TRY(read_status_ref(s, "from"));
              if (contains(def.from, id)) return refuse(source_, s, "from names '" + id + "' twice");
              def.from.push_back(id);
            }
          } else {
            return refuse(source_, value, "from must be a list of statuses or \"*\"");
          }
        } else if (key == "to") {
          def.to = REDRESS_TRY(read_status_ref(value, "to"));
        } else if (key == "who") {
          has_who = true;
          REDRESS_CHECK(read_who(value, def.who));
        } else if (key == "note") {
          if (!value.is_boolean()) return refuse(source_, value, "note must be true or false");
          def.note_required = value.as_boolean();
        } else if (key == "requires" || key == "sets") {
          const bool in_requires = key == "requires";
          auto& out = in_requires ? def.requires_ : def.sets;
          if (!value.is_array()) return refuse(source_, value, key + " must be a list of strings");
          for (const auto& item : value.as_array()) {
            auto text = REDRESS_TRY(read_string(source_, item, key + " entry"));
            REDRESS_CHECK(check_item(item, text, in_requires));
            out.push_back(std::move(text));
          }
        } else if (key == "clears") {
          if (!value.is_array()) return refuse(source_, value, "clears must be a list of roles");
          for (const auto& item : value.as_array()) {
            auto role = REDRESS_TRY(read_string(source_, item, "clears entry"));
            REDRESS_CHECK(check_role(item, role, "clears"));
            def.clears_roles.push_back(std::move(role));
          }
        } else {
          return refuse(source_, value, "unknown key '" + key + "' in a transition");
        }
      }
      if (!is_identifier(def.id)) return refuse(source_, t, "transition id must be an identifier");
      if (wf_.transition(def.id)) return refuse(source_, t, "duplicate transition '" + def.id + "'");
      if (def.labels.empty())
        return refuse(source_, t, "transition '" + def.id + "' has no labels (they are its button)");
      if (!has_from || def.from.empty()) return refuse(source_, t, "transition '" + def.id + "' needs from");
      if (def.to.empty()) return refuse(source_, t, "transition '" + def.id + "' needs to");
      if (!has_who) return refuse(source_, t, "transition '" + def.id + "' needs who");
      wf_.transitions.push_back(std::move(def));
    }
    return true;
  }

  Result<bool> read_who(const toml::value& value, Permission& who) {
    if (!value.is_array() || value.as_array().empty())
      return refuse(source_, value, "who must be a non-empty list of agent, customer, system or role:<role>");
    for (const auto& item : value.as_array()) {
      auto text = REDRESS_TRY(read_string(source_, item, "who entry"));
      if (text == "agent") {
        who.any_agent = true;
      } else if (text == "customer") {
        who.customer = true;
      } else if (text == "system") {
        who.system = true;
      } else if (text.starts_with("role:")) {
        REDRESS_CHECK(check_role(item, text.substr(5), "who"));
        who.roles.push_back(text.substr(5));
      } else {
        return refuse(source_, item, "who entry '" + text + "' must be agent, customer, system or role:<role>");
      }
    }
    return true;
  }

  Result<bool> read_timers(const toml::value& list) {
    if (!list.is_array()) return refuse(source_, list, "timers must be [[timers]] tables");
    std::set<std::string> seen;
    for (const auto& t : list.as_array()) {
      if (!t.is_table()) return refuse(source_, t, "a timer must be a table");
      TimerDef def;
      bool has_after = false;
      for (const auto& [key, value] : t.as_table()) {
        if (key == "id") {
          def.id = REDRESS_TRY(read_string(source_, value, "timer id"));
        } else if (key == "status") {
          def.status = REDRESS_TRY(read_status_ref(value, "timer status"));
        } else if (key == "after") {
          has_after = true;
          auto text = REDRESS_TRY(read_string(source_, value, "after"));
          def.after = parse_duration(text);
          if (!def.after)
            return refuse(source_, value, "after '" + text + "' must be a number and a unit: 4d, 36h, 90m or 30s");
        } else if (key == "at_field") {
          def.at_field = REDRESS_TRY(read_string(source_, value, "at_field"));
          const FieldDef* field = wf_.field(def.at_field);
          if (!field || field->type != "datetime")
            return refuse(source_, value, "at_field '" + def.at_field + "' must be a declared datetime field");
        } else if (key == "transition") {
          def.transition = REDRESS_TRY(read_string(source_, value, "timer transition"));
        } else {
          return refuse(source_, value, "unknown key '" + key + "' in a timer");
        }
      }
      if (!is_identifier(def.id)) return refuse(source_, t, "timer id must be an identifier");
      if (!seen.insert(def.id).second) return refuse(source_, t, "duplicate timer '" + def.id + "'");
      if (def.status.empty()) return refuse(source_, t, "timer '" + def.id + "' needs status");
      if (has_after == !def.at_field.empty())
        return refuse(source_, t, "timer '" + def.id + "' needs exactly one of after and at_field");
      const TransitionDef* tr = wf_.transition(def.transition);
      if (!tr) return refuse(source_, t, "timer '" + def.id + "' runs unknown transition '" + def.transition + "'");
      // A timer whose transition cannot run from its status, or not as the system, would
      // fire into a refusal: a timer to nowhere.
      if (!contains(tr->from, def.status))
        return refuse(source_, t,
                      "timer '" + def.id + "' is a timer to nowhere: transition '" + tr->id + "' does not leave '" +
                          def.status + "'");
      if (!tr->who.system)
        return refuse(source_, t,
                      "timer '" + def.id + "' is a timer to nowhere: transition '" + tr->id +
                          "' does not admit system in who");
      wf_.timers.push_back(std::move(def));
    }
    return true;
  }

  // The transition run when an agent takes a ticket in a status it leaves (seed 001: a
  // new request taken by someone is being handled, so it is open).
  Result<bool> read_on_take(const toml::value& v) {
    if (!v.is_string()) return refuse(source_, v, "on_take must be a transition id");
    const TransitionDef* tr = wf_.transition(v.as_string().str);
    if (!tr) return refuse(source_, v, "on_take names unknown transition '" + v.as_string().str + "'");
    if (!tr->note_required && tr->requires_.empty()) {
      wf_.on_take = tr->id;
      return true;
    }
    return refuse(source_, v, "on_take transition '" + tr->id + "' must need no note or fields");
  }

  Result<bool> check_reachable() {
    std::set<std::string> reached = {wf_.start_status};
    std::deque<std::string> frontier = {wf_.start_status};
    while (!frontier.empty()) {
      std::string at = frontier.front();
      frontier.pop_front();
      for (const auto& t : wf_.transitions) {
        if (contains(t.from, at) && reached.insert(t.to).second) frontier.push_back(t.to);
      }
    }
    for (const auto& s : wf_.statuses) {
      if (!reached.contains(s.id))
        return refuse(source_, *status_lines_.at(s.id),
                      "status '" + s.id + "' is unreachable from '" + wf_.start_status + "' through transitions");
    }
    return true;
  }

  const toml::value& root_;
  const std::string& source_;
  WorkflowDef wf_;
  std::map<std::string, const toml::value*> status_lines_;
};

}  // namespace

const StatusDef* WorkflowDef::status(const std::string& id) const {
  for (const auto& s : statuses) {
    if (s.id == id) return &s;
  }
  return nullptr;
}

bool WorkflowDef::is_closed(const std::string& status_id) const {
  const StatusDef* s = status(status_id);
  return s && s->category == "closed";
}

const TransitionDef* WorkflowDef::transition(const std::string& id) const {
  for (const auto& t : transitions) {
    if (t.id == id) return &t;
  }
  return nullptr;
}

const FieldDef* WorkflowDef::field(const std::string& id) const {
  for (const auto& f : fields) {
    if (f.id == id) return &f;
  }
  return nullptr;
}

bool WorkflowDef::has_role(const std::string& role) const {
  for (const auto& r : roles) {
    if (r == role) return true;
  }
  return false;
}

std::string label_in(const Labels& labels, const std::string& language, const std::string& fallback) {
  if (auto it = labels.find(language); it != labels.end()) return it->second;
  if (auto it = labels.find("en"); it != labels.end()) return it->second;
  return fallback;
}

Result<WorkflowDef> WorkflowCatalog::parse(const std::string& text, const std::string& source) {
  toml::value root;
  try {
    std::istringstream in(text);
    root = toml::parse(in, source);
  } catch (const std::exception& e) {
    std::string msg = e.what();
    return fail(ErrorCode::kInvalid, "workflow " + source + ": " + msg.substr(0, msg.find('\n')));
  }
  return FileParser(root, source).run();
}
Result<WorkflowCatalog> WorkflowCatalog::load_shipped() {
  WorkflowCatalog catalog;
  for (const auto& f : embedded_files_under("workflows/")) {
    if (!f.path.ends_with(".toml")) continue;
    auto wf = REDRESS_TRY(parse(std::string(f.content), std::string(f.path)));
    if (catalog.find(wf.id)) return fail(ErrorCode::kInvalid, std::string(f.path) + ": duplicate workflow id " + wf.id);
    catalog.workflows_.push_back(std::move(wf));
  }
  return catalog;
}

Result<WorkflowCatalog> WorkflowCatalog::load(const std::string& directory) {
  auto catalog = REDRESS_TRY(load_shipped());
  if (directory.empty()) return catalog;
  std::error_code ec;
  if (!std::filesystem::is_directory(directory, ec))
    return fail(ErrorCode::kInvalid, "workflows.directory: '" + directory + "' is not a directory");
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(directory, ec)) {
    if (entry.path().extension() == ".toml") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  std::set<std::string> from_directory;
  for (const auto& path : files) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    auto wf = REDRESS_TRY(parse(text.str(), path.string()));
    if (!from_directory.insert(wf.id).second)
      return fail(ErrorCode::kInvalid, path.string() + ": a second file for workflow " + wf.id);
    auto& all = catalog.workflows_;
    auto it = std::find_if(all.begin(), all.end(), [&](const WorkflowDef& w) { return w.id == wf.id; });
    if (it != all.end()) {
      *it = std::move(wf);
    } else {
      all.push_back(std::move(wf));
    }
  }
  return catalog;
}

const WorkflowDef* WorkflowCatalog::find(const std::string& id) const {
  for (const auto& w : workflows_) {
    if (w.id == id) return &w;
  }
  return nullptr;
}

}  // namespace redress::workflow
