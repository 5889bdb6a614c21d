#include "app/generate.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>

#include "app/demo.h"
#include "app/generate_text.h"
#include "service/account_service.h"
#include "store/bulk_insert.h"
#include "store/ticket_store.h"
#include "store/user_store.h"

namespace redress::app {
namespace {

using generated::Rng;
using store::BulkInsert;
using store::Connection;
using store::Null;
using store::Params;
using store::Value;

// Tickets per transaction: big enough that a batch INSERT is full most of the time, small
// enough that a chunk's rows stay a few megabytes and the progress bar moves.
constexpr int64_t kChunk = 2000;
constexpr auto kSpan = std::chrono::days(730);  // tickets are spread over the last two years

struct Agent {
  int64_t id;
  std::string name;
};

// What every chunk shares, settled before the first one.
struct Plan {
  std::vector<Agent> agents;
  std::map<std::string, std::vector<std::pair<int64_t, std::string>>> reasons;  // workflow -> (id, code)
  std::vector<const workflow::WorkflowDef*> workflows;
  // Per workflow, how many transitions each status is from a closed one.
  std::map<std::string, std::map<std::string, int>> steps_to_closed;
  std::vector<int> workflow_weights;
  std::map<std::string, std::vector<int>> channel_weights;  // per workflow, in domain::kChannels order
  int64_t first_customer = 0;
  int64_t customers = 0;
  int64_t first_contact = 0;  // contacts of this run are first_contact and up
  TimePoint start;
  TimePoint end;
};

struct Who {
  std::optional<int64_t> user_id;
  std::string label;  // when no user acted: "system", "contact:<email>"
};

Value opt(const std::optional<int64_t>& v) { return store::null_or(v); }
Value opt_time(const std::optional<TimePoint>& t) { return t ? Value(to_micros(*t)) : Value(Null{}); }

int uniform(Rng& rng, int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); }
bool chance(Rng& rng, int percent) { return uniform(rng, 0, 99) < percent; }

template <typename T>
const T& pick(Rng& rng, const std::vector<T>& items) {
  return items[std::uniform_int_distribution<size_t>(0, items.size() - 1)(rng)];
}

// The customer a contact belongs to, if any: three contacts in ten work for a company.
std::optional<int64_t> customer_of(const Plan& plan, int64_t contact_id) {
  const auto h = static_cast<uint64_t>(contact_id) * 0xD6E8FEB86659FD93ULL;
  if (plan.customers == 0 || (h >> 32) % 10 >= 3) return std::nullopt;
  return plan.first_customer + static_cast<int64_t>((h >> 8) % static_cast<uint64_t>(plan.customers));
}

int channel_weight(const std::string& workflow, const std::string& channel) {
  if (workflow == "complaint-investigation") return channel == "staff" ? 60 : channel == "mail" ? 40 : 0;
  if (channel == "mail") return 50;
  if (channel == "portal") return 25;
  if (channel == "phone") return 15;
  return channel == "staff" ? 10 : 0;  // review tickets come with a review row: not generated
}

// One chunk of tickets, written in one transaction.
class ChunkWriter {
 public:
  ChunkWriter(Connection& c, const Runtime& rt, const Plan& plan, Rng& rng)
      : c_(c),
        rt_(rt),
        plan_(plan),
        rng_(rng),
        contacts_(c, "contacts", {"id", "name", "email", "language", "customer_id", "created_at"}),
        tickets_(c, "tickets", ticket_columns(c.engine()), ticket_row(c.engine())),
        ticket_contacts_(c, "ticket_contacts", {"ticket_id", "contact_id", "position"}),
        assignees_(c, "ticket_assignees", {"ticket_id", "role", "user_id", "ticket_open"}),
        messages_(c, "messages",
                  {"id", "ticket_id", "kind", "visibility", "author_user_id", "author_contact_id", "body", "created_at"}),
        events_(c, "events",
                {"id", "ticket_id", "entity", "entity_id", "at", "actor_user_id", "actor_label", "kind", "from_value",
                 "to_value", "data"}),
        search_(c, "ticket_search", {"rowid", "public_text", "internal_text"}) {}

  Result<void> begin() {
    next_ticket_ = REDRESS_TRY(max_id("tickets")) + 1;
    next_contact_ = REDRESS_TRY(max_id("contacts")) + 1;
    next_message_ = REDRESS_TRY(max_id("messages")) + 1;
    next_event_ = REDRESS_TRY(max_id("events")) + 1;
    return {};
  }

  Result<void> ticket(int64_t index, int64_t total);

  // Writes the chunk's rows, parents before children, and moves the counters on.
  Result<void> finish() {
    REDRESS_CHECK(contacts_.flush());
    REDRESS_CHECK(tickets_.flush());
    REDRESS_CHECK(ticket_contacts_.flush());
    REDRESS_CHECK(assignees_.flush());
    REDRESS_CHECK(messages_.flush());
    REDRESS_CHECK(events_.flush());
    if (c_.engine() == store::Engine::kSqlite) REDRESS_CHECK(search_.flush());
    for (const auto& [scope, value] : counters_) {
      REDRESS_CHECK(c_.execute("INSERT INTO ticket_counters (scope, value) VALUES (?, ?) "
                               "ON CONFLICT (scope) DO UPDATE SET value = excluded.value",
                               {scope, value}));
    }
    if (c_.engine() == store::Engine::kPostgres) {
      // Rows came with their ids: move the identity sequences past them.
      for (const char* table : {"tickets", "contacts", "messages", "events"}) {
        REDRESS_CHECK(c_.query(std::string("SELECT setval(pg_get_serial_sequence('") + table +
                               "', 'id'), (SELECT MAX(id) FROM " + table + "))"));
      }
    }
    return {};
  }

  int64_t contacts = 0;
  int64_t messages = 0;
  int64_t events = 0;

 private:
  // PostgreSQL keeps the search document in the ticket's row; SQLite in ticket_search.
  static std::vector<std::string> ticket_columns(store::Engine engine) {
    std::vector<std::string> columns = {
        "id",         "number",     "workflow",   "status",     "subject",    "description",
        "channel",    "reason_id",  "language",   "customer_id", "main_contact_id", "taken_by",
        "messaging_blocked", "fields", "created_by", "created_at", "updated_at", "closed_at",
        "version",    "taken_at",   "customer_waiting_since", "status_seq"};
    if (engine == store::Engine::kPostgres) columns.emplace_back("search");
    return columns;
  }
  static std::string ticket_row(store::Engine engine) {
    if (engine != store::Engine::kPostgres) return "";
    std::string row = "(";
    for (int i = 0; i < 22; ++i) row += i ? ", ?" : "?";
    return row + ", " + store::kPostgresSearchVector + ")";
  }

  Result<int64_t> max_id(const std::string& table) {
    auto row = REDRESS_TRY(c_.query_one("SELECT COALESCE(MAX(id), 0) FROM " + table));
    return row->integer(0);
  }

  Result<int64_t> next_number(const std::string& scope) {
    auto it = counters_.find(scope);
    if (it == counters_.end()) {
      auto row = REDRESS_TRY(c_.query_one("SELECT value FROM ticket_counters WHERE scope = ?", {scope}));
      it = counters_.emplace(scope, row ? row->integer(0) : 0).first;
    }
    return ++it->second;
  }

  Result<void> event(int64_t ticket, TimePoint at, const Who& who, const char* kind, std::optional<std::string> from,
                     std::optional<std::string> to, const nlohmann::json& data) {
    ++events;
    return events_.add({next_event_++, ticket, std::string("ticket"), ticket, to_micros(at), opt(who.user_id),
                        who.label, std::string(kind), from ? Value(*from) : Value(Null{}),
                        to ? Value(*to) : Value(Null{}), data.dump()});
  }

  Result<void> message(int64_t ticket, const std::string& kind, bool internal, const Who& author,
                       std::optional<int64_t> contact, std::string body, TimePoint at) {
    const int64_t id = next_message_++;
    ++messages;
    bodies_.push_back({body, internal});
    REDRESS_CHECK(messages_.add({id, ticket, kind, std::string(internal ? "internal" : "public"), opt(author.user_id),
                                 opt(contact), std::move(body), to_micros(at)}));
    return event(ticket, at, author, "message.posted", std::nullopt, std::nullopt,
                 {{"message_id", id}, {"kind", kind}, {"visibility", internal ? "internal" : "public"}});
  }

  TimePoint later(TimePoint at, int max_minutes) const {
    const auto next = at + std::chrono::minutes(uniform(rng_, 3, max_minutes));
    return std::min(next, plan_.end);
  }

  Connection& c_;
  const Runtime& rt_;
  const Plan& plan_;
  Rng& rng_;
  BulkInsert contacts_, tickets_, ticket_contacts_, assignees_, messages_, events_, search_;
  int64_t next_ticket_ = 0, next_contact_ = 0, next_message_ = 0, next_event_ = 0;
  std::map<std::string, int64_t> counters_;
  std::vector<store::SearchBody> bodies_;  // of the ticket being written, for its search document
};

Result<void> ChunkWriter::ticket(int64_t index, int64_t total) {
  const int64_t id = next_ticket_++;
  bodies_.clear();
  const auto step = (plan_.end - plan_.start) / total;
  // As on a desk that keeps up: a request older than two months is almost always closed;
  // younger ones are closed the more often the older they are (a fifth of today's).
  const auto days_old = std::chrono::duration_cast<std::chrono::days>(plan_.end - (plan_.start + step * index)).count();
  const int close_per_mille = days_old >= 60 ? 975 : 200 + static_cast<int>(775 * days_old / 60);
  const TimePoint created = plan_.start + step * index + std::chrono::microseconds(uniform(rng_, 0, 1'000'000));
  TimePoint at = created;

  std::discrete_distribution<size_t> which(plan_.workflow_weights.begin(), plan_.workflow_weights.end());
  const workflow::WorkflowDef& wf = *plan_.workflows[which(rng_)];

  // A third of requests come from someone who wrote before.
  const bool returning = next_contact_ > plan_.first_contact && chance(rng_, 35);
  const int64_t contact_id = returning
                                 ? std::uniform_int_distribution<int64_t>(plan_.first_contact, next_contact_ - 1)(rng_)
                                 : next_contact_++;
  const auto person = generated::person(contact_id);
  if (!returning) {
    ++contacts;
    REDRESS_CHECK(contacts_.add({contact_id, person.name, person.email, person.language,
                                 opt(customer_of(plan_, contact_id)), to_micros(at)}));
  }
  const Who customer{std::nullopt, "contact:" + person.email};

  const auto& channel_weights = plan_.channel_weights.at(wf.id);
  const std::string channel = domain::kChannels[std::discrete_distribution<size_t>(channel_weights.begin(),
                                                                                    channel_weights.end())(rng_)];
  std::optional<int64_t> reason_id;
  std::string reason_code;
  if (auto r = plan_.reasons.find(wf.id); r != plan_.reasons.end() && !r->second.empty()) {
    const auto& [rid, code] = pick(rng_, r->second);
    reason_id = rid;
    reason_code = code;
  }
  const int64_t order = uniform(rng_, 10000, 99999);
  const std::string subject = generated::subject(rng_, reason_code, person.language, order);
  const std::string description = generated::customer_message(rng_, reason_code, person.language, order);
  const Agent& handler = pick(rng_, plan_.agents);
  const Who agent{handler.id, ""};
  const Who creator = channel == "mail" ? Who{std::nullopt, "system"} : channel == "portal" ? customer : agent;

  const std::string scope = rt_.context->number_format.scope(at);
  const std::string number = rt_.context->number_format.render(at, REDRESS_TRY(next_number(scope)));
  REDRESS_CHECK(event(id, at, creator, "ticket.created", std::nullopt, wf.start_status,
                      {{"number", number}, {"workflow", wf.id}, {"channel", channel}}));

  std::map<std::string, int64_t> assignees;
  auto assign = [&](const std::string& role, const Agent& who, TimePoint when, const std::string& transition) {
    assignees[role] = who.id;
    nlohmann::json data = {{"role", role}};
    if (!transition.empty()) data["transition"] = transition;
    return event(id, when, agent, "assignee.set", std::nullopt, std::to_string(who.id), data);
  };
  if (!wf.roles.empty() && chance(rng_, 30)) REDRESS_CHECK(assign(wf.roles.front(), handler, at, ""));

  // The customer's first words, as the channel brings them; phone and staff requests start
  // from the description the agent typed, with a note.
  bool customer_spoke_last = false;
  bool replied = false;
  TimePoint waiting_since = at;
  if (channel == "mail" || channel == "portal") {
    REDRESS_CHECK(message(id, channel == "mail" ? "mail_in" : "portal", false, customer, contact_id, description, at));
    customer_spoke_last = true;
  } else {
    REDRESS_CHECK(message(id, "note", true, agent, std::nullopt, generated::internal_note(rng_, person.language), at));
  }
  auto reply = [&]() -> Result<void> {
    at = later(at, 60 * 30);
    REDRESS_CHECK(message(id, "reply", false, agent, std::nullopt,
                          generated::agent_reply(rng_, person.language, person.name, handler.name), at));
    customer_spoke_last = false;
    replied = true;
    if (chance(rng_, 50)) {
      at = later(at, 60 * 48);
      REDRESS_CHECK(message(id, channel == "portal" ? "portal" : "mail_in", false, customer, contact_id,
                            generated::customer_message(rng_, reason_code, person.language, order), at));
      customer_spoke_last = true;
      waiting_since = at;
    }
    return {};
  };

  // Walk the workflow's own transitions: older tickets more often to a closed status.
  std::string status = wf.start_status;
  std::optional<TimePoint> closed_at;
  nlohmann::json fields = nlohmann::json::object();
  int moves = 0;
  const bool to_close = uniform(rng_, 0, 999) < close_per_mille;
  const int max_moves = to_close ? 12 : uniform(rng_, 0, 3);
  while (moves < max_moves) {
    std::vector<const workflow::TransitionDef*> open, closing;
    for (const auto& t : wf.transitions) {
      if (std::find(t.from.begin(), t.from.end(), status) == t.from.end()) continue;
      if (t.who.system && !t.who.any_agent && !t.who.customer && t.who.roles.empty()) continue;  // timers
      (wf.is_closed(t.to) ? closing : open).push_back(&t);
    }
    if (open.empty() && (closing.empty() || !to_close)) break;
    // A ticket bound for closing may wander (reopen, postpone) a few steps first, then closes
    // as soon as it can: otherwise cycles in a workflow would keep some open for good.
    const bool close_now = to_close && !closing.empty() && (open.empty() || moves >= 3 || chance(rng_, 45));
    const workflow::TransitionDef* chosen = close_now ? pick(rng_, closing) : pick(rng_, open);
    if (to_close && !close_now && moves >= 3) {
      // Wandered enough: head for the nearest closed status.
      const auto& steps = plan_.steps_to_closed.at(wf.id);
      auto distance = [&](const workflow::TransitionDef* t) {
        auto d = steps.find(t->to);
        return d == steps.end() ? 1000 : d->second;
      };
      for (const auto* t : open) chosen = distance(t) < distance(chosen) ? t : chosen;
    }
    const auto& t = *chosen;
    if (chance(rng_, 55)) REDRESS_CHECK(reply());
    if (chance(rng_, 15)) {
      at = later(at, 60 * 8);
      REDRESS_CHECK(
          message(id, "note", true, agent, std::nullopt, generated::internal_note(rng_, person.language), at));
    }
    at = later(at, 60 * 24);
    for (const auto& need : t.requires_) {
      if (need == "public_reply" && !replied) REDRESS_CHECK(reply());
      if (need.starts_with("assignees.") && !assignees.contains(need.substr(10))) {
        REDRESS_CHECK(assign(need.substr(10), pick(rng_, plan_.agents), at, t.id));
      }
      if (need.starts_with("fields.")) {
        const auto* field = wf.field(need.substr(7));
        fields[need.substr(7)] = field && field->type == "datetime" ? nlohmann::json(format_rfc3339(at + std::chrono::days(7)))
                                                                     : nlohmann::json("generated");
      }
    }
    // Who may run it: a role-only transition is run by the role's holder, as the
    // workflow demands; a customer-only one by the contact; anything else by the handler.
    Who actor = t.who.customer && !t.who.any_agent && t.who.roles.empty() ? customer : agent;
    if (!t.who.any_agent && !t.who.roles.empty()) {
      if (auto holder = assignees.find(t.who.roles.front()); holder != assignees.end()) {
        actor = Who{holder->second, ""};
      }
    }
    nlohmann::json data = {{"transition", t.id}};
    if (t.note_required) data["note"] = generated::internal_note(rng_, person.language);
    REDRESS_CHECK(event(id, at, actor, "transition", status, t.to, data));
    std::vector<std::string> cleared = t.clears_roles;
    if (const auto* entered = wf.status(t.to)) {
      for (const auto& a : entered->on_enter) {
        if (a.kind == "clear_role") cleared.push_back(a.target);
      }
    }
    for (const auto& role : cleared) {
      auto held = assignees.find(role);
      if (held == assignees.end()) continue;
      REDRESS_CHECK(event(id, at, agent, "assignee.cleared", std::to_string(held->second), std::nullopt,
                          {{"role", role}, {"transition", t.id}}));
      assignees.erase(held);
    }
    status = t.to;
    ++moves;
    if (wf.is_closed(status)) {
      closed_at = at;
      break;
    }
  }
  // Open requests: some wait on the customer's latest message, some are taken.
  std::optional<int64_t> taken_by;
  std::optional<TimePoint> taken_at;
  if (!closed_at) {
    if (!customer_spoke_last && chance(rng_, 40)) {
      at = later(at, 60 * 72);
      REDRESS_CHECK(message(id, channel == "portal" ? "portal" : "mail_in", false, customer, contact_id,
                            generated::customer_message(rng_, reason_code, person.language, order), at));
      customer_spoke_last = true;
      waiting_since = at;
    }
    const auto* category = wf.status(status);
    if (category && category->category != "new" && chance(rng_, 60)) {
      taken_by = handler.id;
      taken_at = at;
      REDRESS_CHECK(event(id, at, agent, "ticket.taken", std::nullopt, std::to_string(handler.id),
                          nlohmann::json::object()));
    }
  }
  const Value customer_waiting = !closed_at && customer_spoke_last ? Value(to_micros(waiting_since)) : Value(Null{});

  std::optional<int64_t> created_by;
  if (channel == "phone" || channel == "staff") created_by = handler.id;
  const std::vector<store::SearchContact> contacts = {{person.name, person.email}};
  store::SearchDocument document = store::search_document(number, subject, description, contacts, bodies_);
  Params row = {id,
                number,
                wf.id,
                status,
                subject,
                description,
                channel,
                opt(reason_id),
                person.language,
                opt(customer_of(plan_, contact_id)),
                contact_id,
                opt(taken_by),
                int64_t{0},
                fields.dump(),
                opt(created_by),
                to_micros(created),
                to_micros(at),
                opt_time(closed_at),
                int64_t{1 + moves},
                opt_time(taken_at),
                customer_waiting,
                int64_t{moves}};
  if (c_.engine() == store::Engine::kPostgres) {
    row.emplace_back(std::move(document.public_text));
    row.emplace_back(std::move(document.internal_text));
  } else {
    REDRESS_CHECK(search_.add({id, std::move(document.public_text), std::move(document.internal_text)}));
  }
  REDRESS_CHECK(tickets_.add(std::move(row)));
  REDRESS_CHECK(ticket_contacts_.add({id, contact_id, int64_t{0}}));
  for (const auto& [role, user] : assignees) {
    REDRESS_CHECK(assignees_.add({id, role, user, int64_t{closed_at ? 0 : 1}}));
  }
  return {};
}

// Accounts, reasons and customers the tickets refer to, made once.
Result<Plan> make_plan(Runtime& rt, const GenerateOptions& o) {
  auto logins = REDRESS_TRY(seed_demo(*rt.context));
  service::AccountService accounts(*rt.context);
  Plan plan;
  for (int i = 0; i <= o.agents; ++i) {
    // The demo's agents handle tickets too, so that their queue is a big one.
    char email[64];
    std::snprintf(email, sizeof email, "agent%03d@generated.redress.example", i);
    const std::string address = i == 0 ? "alice@demo.redress.example" : email;
    auto user = REDRESS_TRY(rt.db->transact_value<std::optional<domain::User>>(
        store::TxMode::kRead, [&](Connection& c) { return store::UserStore(c).find_by_email(address); }));
    if (!user) {
      service::NewUser u{address, "Agent " + std::to_string(i), "agent", "", logins.front().password,
                         i % 2 ? "fr" : "en"};
      user = REDRESS_TRY(accounts.create_user(service::Actor::cli(), u));
    }
    plan.agents.push_back({user->id, user->name});
  }
  REDRESS_CHECK(rt.db->transact(store::TxMode::kWrite, [&](Connection& c) -> Result<void> {
    for (const auto& r : REDRESS_TRY(c.query("SELECT id, workflow, code FROM reasons WHERE active = 1 ORDER BY id"))) {
      plan.reasons[r.text(1)].emplace_back(r.integer(0), r.text(2));
    }
    // About one company per forty tickets, all made in this run.
    plan.customers = std::clamp<int64_t>(o.tickets / 40, 1, 25000);
    plan.first_customer = REDRESS_TRY(c.query_one("SELECT COALESCE(MAX(id), 0) FROM customers"))->integer(0) + 1;
    BulkInsert customers(c, "customers", {"id", "name", "created_at"});
    const int64_t now = to_micros(rt.clock->now());
    for (int64_t i = 0; i < plan.customers; ++i) {
      const int64_t cid = plan.first_customer + i;
      REDRESS_CHECK(customers.add({cid, generated::company(cid), now}));
    }
    REDRESS_CHECK(customers.flush());
    if (c.engine() == store::Engine::kPostgres) {
      REDRESS_CHECK(c.query("SELECT setval(pg_get_serial_sequence('customers', 'id'), (SELECT MAX(id) FROM customers))"));
    }
    plan.first_contact = REDRESS_TRY(c.query_one("SELECT COALESCE(MAX(id), 0) FROM contacts"))->integer(0) + 1;
    return {};
  }));
  for (const auto& wf : rt.workflows.all()) {
    plan.workflows.push_back(&wf);
    for (const char* ch : domain::kChannels) plan.channel_weights[wf.id].push_back(channel_weight(wf.id, ch));
    plan.workflow_weights.push_back(wf.id == "support-request"      ? 60
                                    : wf.id == "customer-complaint" ? 25
                                    : wf.id == "complaint-investigation" ? 15
                                                                         : 10);
  }
  for (const auto& wf : rt.workflows.all()) {
    auto& steps = plan.steps_to_closed[wf.id];
    for (const auto& st : wf.statuses) {
      if (st.category == "closed") steps[st.id] = 0;
    }
    // Relax until nothing moves: workflows have a handful of statuses.
    for (bool moved = true; moved;) {
      moved = false;
      for (const auto& t : wf.transitions) {
        auto to = steps.find(t.to);
        if (to == steps.end()) continue;
        for (const auto& from : t.from) {
          auto at = steps.find(from);
          if (at == steps.end() || at->second > to->second + 1) {
            steps[from] = to->second + 1;
            moved = true;
          }
        }
      }
    }
  }
  plan.end = rt.clock->now() - std::chrono::hours(1);
  plan.start = plan.end - kSpan;
  return plan;
}

class Progress {
 public:
  Progress(std::ostream& out, int64_t total, bool bar) : out_(out), total_(total), bar_(bar) {}

  void update(int64_t done) {
    const double seconds = elapsed();
    const double rate = seconds > 0 ? static_cast<double>(done) / seconds : 0;
    const int percent = static_cast<int>(100 * done / total_);
    if (bar_) {
      constexpr int kWidth = 30;
      const int filled = static_cast<int>(kWidth * done / total_);
      const double eta = rate > 0 ? static_cast<double>(total_ - done) / rate : 0;
      char line[160];
      std::snprintf(line, sizeof line, "\r[%-*s] %3d%%  %lld/%lld tickets  %.0f/s  ETA %.0fs ", kWidth,
                    std::string(static_cast<size_t>(filled), '#').c_str(), percent, static_cast<long long>(done),
                    static_cast<long long>(total_), rate, eta);
      out_ << line << std::flush;
      if (done == total_) out_ << '\n';
    } else if (percent >= next_percent_ || done == total_) {
      out_ << percent << "% (" << done << " tickets, " << static_cast<int64_t>(rate) << "/s)\n" << std::flush;
      next_percent_ = percent / 10 * 10 + 10;
    }
  }
  double elapsed() const { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count(); }

 private:
  std::ostream& out_;
  const int64_t total_;
  const bool bar_;
  int next_percent_ = 10;
  const std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

}  // namespace

Result<GenerateSummary> generate(Runtime& rt, const GenerateOptions& o, std::ostream& progress_out) {
  if (o.tickets < 1 || o.tickets > 100'000'000) {
    return fail(Error::invalid_fields({{"tickets", "must be between 1 and 100000000"}}, "nothing generated"));
  }
  if (o.agents < 1 || o.agents > 1000) {
    return fail(Error::invalid_fields({{"agents", "must be between 1 and 1000"}}, "nothing generated"));
  }
  const Plan plan = REDRESS_TRY(make_plan(rt, o));
  Progress progress(progress_out, o.tickets, o.progress_bar);
  GenerateSummary sum;
  for (int64_t first = 0; first < o.tickets; first += kChunk) {
    const int64_t last = std::min(o.tickets, first + kChunk);
    int64_t contacts = 0, messages = 0, events = 0;
    REDRESS_CHECK(rt.db->transact(store::TxMode::kWrite, [&](Connection& c) -> Result<void> {
      // Seeded per chunk, so a chunk run again after a retry writes the same rows.
      std::seed_seq seq{o.seed, static_cast<uint64_t>(first)};
      Rng rng(seq);
      ChunkWriter chunk(c, rt, plan, rng);
      REDRESS_CHECK(chunk.begin());
      for (int64_t i = first; i < last; ++i) REDRESS_CHECK(chunk.ticket(i, o.tickets));
      REDRESS_CHECK(chunk.finish());
      contacts = chunk.contacts;
      messages = chunk.messages;
      events = chunk.events;
      return {};
    }));
    sum.tickets = last;
    sum.contacts += contacts;
    sum.messages += messages;
    sum.events += events;
    progress.update(last);
  }
  // Statistics for the planner, and FTS5's index merged into one segment.
  REDRESS_CHECK(rt.db->with_connection([&](Connection& c) -> Result<void> {
    if (c.engine() == store::Engine::kSqlite) {
      REDRESS_CHECK(c.execute("INSERT INTO ticket_search (ticket_search) VALUES ('optimize')"));
    }
    REDRESS_CHECK(c.execute_script("ANALYZE"));
    return {};
  }));
  sum.seconds = progress.elapsed();
  return sum;
}

}  // namespace redress::app
