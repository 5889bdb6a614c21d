#include "workflow/engine.h"

#include <gtest/gtest.h>

#include <set>
#include <stdexcept>

namespace redress::workflow {
namespace {

// Who asks, in every kind the rules tell apart. Role holders are given no tickets.write, so
// that what they may do comes from their role alone; the agent holds no role.
constexpr int64_t kAgentId = 100;
constexpr int64_t kFirstHolderId = 200;
constexpr int64_t kContactId = 300;
constexpr int64_t kStrangerId = 301;
constexpr int64_t kViewerId = 400;

struct NamedCaller {
  std::string name;  // "agent", "role:<role>", "contact", "stranger", "system", "viewer"
  Caller caller;
};

std::vector<NamedCaller> callers_for(const WorkflowDef& wf) {
  std::vector<NamedCaller> out;
  out.push_back({"agent", {Caller::Kind::kStaff, kAgentId, true, false}});
  for (size_t i = 0; i < wf.roles.size(); ++i) {
    out.push_back({"role:" + wf.roles[i], {Caller::Kind::kStaff, kFirstHolderId + int64_t(i), false, false}});
  }
  out.push_back({"contact", {Caller::Kind::kCustomer, kContactId, false, true}});
  out.push_back({"stranger", {Caller::Kind::kCustomer, kStrangerId, false, false}});
  out.push_back({"system", {Caller::Kind::kSystem, std::nullopt, false, false}});
  out.push_back({"viewer", {Caller::Kind::kStaff, kViewerId, false, false}});
  return out;
}

// Every role held by its holder, and every ticket-level requirement met.
TicketState full_ticket(const WorkflowDef& wf, const std::string& status) {
  TicketState t;
  t.status = status;
  for (size_t i = 0; i < wf.roles.size(); ++i) t.assignees[wf.roles[i]] = kFirstHolderId + int64_t(i);
  t.has_reason = true;
  t.has_contact = true;
  t.has_public_reply = true;
  return t;
}

// A request that provides everything the transition sets, and a note.
TransitionRequest full_request(const WorkflowDef& wf, const TransitionDef& t) {
  TransitionRequest r;
  r.transition = t.id;
  r.note = "Waiting for the spare part.";
  for (const auto& item : t.sets) {
    if (item.starts_with("assignees.")) {
      const std::string role = item.substr(10);
      for (size_t i = 0; i < wf.roles.size(); ++i) {
        if (wf.roles[i] == role) r.assignees[role] = kFirstHolderId + int64_t(i);
      }
    } else if (item.starts_with("fields.")) {
      const FieldDef* f = wf.field(item.substr(7));
      r.fields[f->id] = f->type == "datetime" ? nlohmann::json("2026-03-01T09:00:00Z") : nlohmann::json("x");
    }
  }
  return r;
}

// The contract, written out by hand from API.md rather than read from the files.
struct ExpectedTransition {
  std::set<std::string> from;
  std::string to;
  std::set<std::string> who;  // caller names from callers_for
  // What a bare request (no note, nothing set) on a ticket with its roles held but no
  // reason, contact, reply or fields is refused for.
  std::set<std::string> needs = {};
};
using Table = std::map<std::string, ExpectedTransition>;

const Table kCustomerComplaint = {
    {"assign", {{"complaint_logged"}, "team_member_assigned", {"agent"}}},  // the team member is held already
    {"accept", {{"team_member_assigned"}, "in_progress", {"role:team_member"}}},
    {"decline", {{"team_member_assigned"}, "complaint_logged", {"role:team_member"}}},
    {"block", {{"in_progress", "blocked"}, "blocked", {"agent", "role:team_member"}, {"note"}}},
    {"unblock", {{"blocked"}, "in_progress", {"agent", "role:team_member"}, {"note"}}},
    {"resolve", {{"in_progress"}, "confirmation", {"agent", "role:team_member"}, {"note"}}},
    {"confirm", {{"confirmation"}, "closed", {"contact", "agent"}}},
    {"auto_close", {{"confirmation"}, "closed", {"system"}}},
};

const Table kComplaintInvestigation = {
    {"investigate", {{"logged"}, "under_investigation", {"agent"}}},
    {"review", {{"under_investigation"}, "commercial_review", {"agent", "role:investigator"}}},
    {"close", {{"commercial_review"}, "closed", {"agent", "role:commercial_assignee"}}},
};

const Table kSupportRequest = {
    {"open", {{"new_request"}, "open", {"agent"}}},
    {"postpone", {{"open"}, "reopen_later", {"agent"}, {"fields.reopen_at"}}},
    {"reopen", {{"reopen_later"}, "open", {"agent", "system"}}},
    {"close", {{"new_request", "open", "reopen_later"}, "closed", {"agent"}, {"reason", "contact", "public_reply"}}},
    {"reopen_closed", {{"closed"}, "open", {"agent", "system"}}},
};

enum class Outcome { kAllowed, kForbidden, kConflict, kInvalid };

const char* name(Outcome o) {
  switch (o) {
    case Outcome::kAllowed: return "allowed";
    case Outcome::kForbidden: return "403";
    case Outcome::kConflict: return "409";
    case Outcome::kInvalid: return "422";
  }
  return "?";
}

Outcome outcome_of(const Result<TransitionPlan>& r) {
  if (r) return Outcome::kAllowed;
  switch (r.error().code) {
    case ErrorCode::kForbidden: return Outcome::kForbidden;
    case ErrorCode::kConflict: return Outcome::kConflict;
    default: return Outcome::kInvalid;
  }
}

// Loaded once: the catalog is immutable after load.
const WorkflowCatalog& shipped() {
  static const WorkflowCatalog catalog = [] {
    auto loaded = WorkflowCatalog::load_shipped();
    if (!loaded) {
      ADD_FAILURE() << loaded.error().message;
      return WorkflowCatalog();
    }
    return std::move(*loaded);
  }();
  return catalog;
}

const WorkflowDef& wf(const std::string& id) {
  const WorkflowDef* w = shipped().find(id);
  if (!w) throw std::logic_error("no shipped workflow " + id);
  return *w;
}

// Runs every status x transition x caller of a shipped workflow against the table and
// returns how many cells it checked.
size_t check_every_cell(const std::string& id, const Table& table) {
  const WorkflowDef& w = wf(id);
  std::set<std::string> in_file;
  for (const auto& t : w.transitions) in_file.insert(t.id);
  std::set<std::string> in_table;
  for (const auto& [t, _] : table) in_table.insert(t);
  EXPECT_EQ(in_file, in_table) << id << ": the table and the file name different transitions";

  size_t cells = 0;
  for (const bool bare : {false, true}) {
    for (const auto& status : w.statuses) {
      for (const auto& t : w.transitions) {
        const auto& expected = table.at(t.id);
        for (const auto& c : callers_for(w)) {
          Outcome want = Outcome::kAllowed;
          if (!expected.from.contains(status.id)) {
            want = Outcome::kConflict;
          } else if (!expected.who.contains(c.name)) {
            want = Outcome::kForbidden;
          } else if (bare && !expected.needs.empty()) {
            want = Outcome::kInvalid;
          }
          TicketState ticket = full_ticket(w, status.id);
          TransitionRequest req = full_request(w, t);
          if (bare) {
            ticket.has_reason = ticket.has_contact = ticket.has_public_reply = false;
            req = TransitionRequest();
            req.transition = t.id;
          }
          auto got = plan(w, ticket, c.caller, req);
          EXPECT_EQ(name(outcome_of(got)), std::string(name(want)))
              << id << ": " << t.id << " from " << status.id << " by " << c.name << (bare ? " (bare)" : "")
              << (got ? "" : " -> " + got.error().message);
          if (got) {
            EXPECT_EQ(got->from, status.id);
            EXPECT_EQ(got->to, expected.to) << t.id;
            EXPECT_EQ(got->transition, &t);
            EXPECT_EQ(got->entry_actions.size(), w.status(expected.to)->on_enter.size()) << t.id;
          } else if (want == Outcome::kConflict) {
            EXPECT_EQ(got.error().reason, "transition_not_available");
          } else if (want == Outcome::kForbidden) {
            EXPECT_EQ(got.error().reason, "transition_forbidden");
          } else if (want == Outcome::kInvalid) {
            std::set<std::string> named;
            for (const auto& [field, _] : got.error().fields) named.insert(field);
            EXPECT_EQ(named, expected.needs) << t.id << " from " << status.id << " by " << c.name;
          }
          ++cells;
        }
      }
    }
  }
  return cells;
}


Caller agent() { return {Caller::Kind::kStaff, kAgentId, true, false}; }
Caller holder(int64_t id) { return {Caller::Kind::kStaff, id, false, false}; }
Caller contact() { return {Caller::Kind::kCustomer, kContactId, false, true}; }
Caller system_caller() { return {Caller::Kind::kSystem, std::nullopt, false, false}; }
Caller viewer() { return {Caller::Kind::kStaff, kViewerId, false, false}; }

TicketState ticket_in(const std::string& status) {
  TicketState t;
  t.status = status;
  return t;
}

TransitionRequest request(const std::string& transition, const std::string& note = "") {
  TransitionRequest r;
  r.transition = transition;
  r.note = note;
  return r;
}

std::vector<std::string> ids_of(const std::vector<AvailableTransition>& list) {
  std::vector<std::string> out;
  for (const auto& a : list) out.push_back(a.transition->id);
  return out;
}

std::set<std::string> field_names(const Error& e) {
  std::set<std::string> out;
  for (const auto& [name, _] : e.fields) out.insert(name);
  return out;
}

TEST(EngineTest, CustomerComplaintEveryStatusTransitionAndCaller) {
  EXPECT_EQ(check_every_cell("customer-complaint", kCustomerComplaint), 2u * 6u * 8u * 6u);
}

TEST(EngineTest, ComplaintInvestigationEveryStatusTransitionAndCaller) {
  EXPECT_EQ(check_every_cell("complaint-investigation", kComplaintInvestigation), 2u * 4u * 3u * 7u);
}

TEST(EngineTest, SupportRequestEveryStatusTransitionAndCaller) {
  EXPECT_EQ(check_every_cell("support-request", kSupportRequest), 2u * 4u * 5u * 6u);
}

TEST(EngineTest, UnknownTransitionIsInvalidBeforeAnythingElse) {
  auto r = plan(wf("customer-complaint"), ticket_in("closed"), viewer(), request("teleport"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kInvalid);
  EXPECT_EQ(field_names(r.error()), std::set<std::string>{"transition"});
}

TEST(EngineTest, WrongStatusIsAConflictEvenForACallerWhoMayNot) {
  auto r = plan(wf("customer-complaint"), ticket_in("closed"), viewer(), request("block"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kConflict);
  EXPECT_EQ(r.error().reason, "transition_not_available");
}

TEST(EngineTest, ForbiddenComesBeforeMissingFields) {
  auto r = plan(wf("customer-complaint"), ticket_in("in_progress"), viewer(), request("block"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kForbidden);
  EXPECT_EQ(r.error().reason, "transition_forbidden");
}

TEST(EngineTest, PlainAgentMayNotAcceptForTheTeamMember) {
  auto t = ticket_in("team_member_assigned");
  t.assignees["team_member"] = 7;
  EXPECT_EQ(outcome_of(plan(wf("customer-complaint"), t, agent(), request("accept"))), Outcome::kForbidden);
  EXPECT_EQ(outcome_of(plan(wf("customer-complaint"), t, holder(8), request("accept"))), Outcome::kForbidden);
  EXPECT_EQ(outcome_of(plan(wf("customer-complaint"), t, holder(7), request("accept"))), Outcome::kAllowed);
}

TEST(EngineTest, NobodyHoldsARoleNobodyWasGiven) {
  auto t = ticket_in("team_member_assigned");
  EXPECT_EQ(outcome_of(plan(wf("customer-complaint"), t, holder(7), request("decline"))), Outcome::kForbidden);
  Caller anonymous{Caller::Kind::kStaff, std::nullopt, false, false};
  EXPECT_EQ(outcome_of(plan(wf("customer-complaint"), t, anonymous, request("decline"))), Outcome::kForbidden);
}

TEST(EngineTest, ACustomerWhoIsNotAContactMayNotConfirm) {
  Caller stranger{Caller::Kind::kCustomer, kStrangerId, false, false};
  EXPECT_EQ(outcome_of(plan(wf("customer-complaint"), ticket_in("confirmation"), stranger, request("confirm"))),
            Outcome::kForbidden);
  EXPECT_EQ(outcome_of(plan(wf("customer-complaint"), ticket_in("confirmation"), contact(), request("confirm"))),
            Outcome::kAllowed);
}

TEST(EngineTest, OnlySupportRequestsReopenFromClosedByTheSystem) {
  const TransitionDef* reopen = reopening_transition(wf("support-request"), "closed");
  ASSERT_NE(reopen, nullptr);
  EXPECT_EQ(reopen->id, "reopen_closed");
  EXPECT_EQ(reopen->to, "open");
  // Complaints stay closed once closed: a customer writing again starts a new one.
  EXPECT_EQ(reopening_transition(wf("customer-complaint"), "closed"), nullptr);
  EXPECT_EQ(reopening_transition(wf("complaint-investigation"), "closed"), nullptr);
}

TEST(EngineTest, ReopeningTransitionIgnoresSystemTransitionsThatStayClosed) {
  // auto_close is a system transition from confirmation, but into a closed status.
  EXPECT_EQ(reopening_transition(wf("customer-complaint"), "confirmation"), nullptr);
  // From reopen_later the system's "reopen" leads to open.
  const TransitionDef* t = reopening_transition(wf("support-request"), "reopen_later");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->id, "reopen");
  EXPECT_EQ(reopening_transition(wf("support-request"), "new_request"), nullptr);
}

// Telling the team member is the routing table's job (service/notifier), not an entry action.
TEST(EngineTest, AssignSetsTheTeamMember) {
  auto r = request("assign");
  r.assignees["team_member"] = 7;
  auto p = plan(wf("customer-complaint"), ticket_in("complaint_logged"), agent(), r);
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->to, "team_member_assigned");
  EXPECT_EQ(p->assignee_changes, (std::map<std::string, std::optional<int64_t>>{{"team_member", 7}}));
  EXPECT_TRUE(p->entry_actions.empty());
  EXPECT_TRUE(p->timers.empty());
}

TEST(EngineTest, AssignWithATeamMemberAlreadyOnTheTicketNeedsNoOtherOne) {
  auto t = ticket_in("complaint_logged");
  t.assignees["team_member"] = 7;
  auto p = plan(wf("customer-complaint"), t, agent(), request("assign"));
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_TRUE(p->assignee_changes.empty());
}

TEST(EngineTest, DeclineClearsTheTeamMember) {
  auto t = ticket_in("team_member_assigned");
  t.assignees["team_member"] = 7;
  auto p = plan(wf("customer-complaint"), t, holder(7), request("decline"));
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->to, "complaint_logged");
  EXPECT_EQ(p->assignee_changes, (std::map<std::string, std::optional<int64_t>>{{"team_member", std::nullopt}}));
}

TEST(EngineTest, ResolveEntersConfirmationAndArmsTheFourDayTimer) {
  auto p = plan(wf("customer-complaint"), ticket_in("in_progress"), agent(), request("resolve", "Replaced the part."));
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->to, "confirmation");
  EXPECT_TRUE(p->entry_actions.empty());  // the confirmation request is a routing table row
  ASSERT_EQ(p->timers.size(), 1u);
  EXPECT_EQ(p->timers[0]->transition, "auto_close");
  EXPECT_EQ(p->timers[0]->after, std::chrono::days(4));
}

TEST(EngineTest, UnconfirmedComplaintClosesWhenTheSystemRunsAutoClose) {
  auto p = plan(wf("customer-complaint"), ticket_in("confirmation"), system_caller(), request("auto_close"));
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->to, "closed");
}

TEST(EngineTest, BlockedAgainIsATransitionToTheSameStatus) {
  auto p = plan(wf("customer-complaint"), ticket_in("blocked"), agent(), request("block", "Still no part."));
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->from, "blocked");
  EXPECT_EQ(p->to, "blocked");
}

TEST(EngineTest, ABlankNoteIsNoNote) {
  auto r = plan(wf("customer-complaint"), ticket_in("in_progress"), agent(), request("block", " \n\t "));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kInvalid);
  EXPECT_EQ(field_names(r.error()), std::set<std::string>{"note"});
}

TEST(EngineTest, CloseWithNothingListsEveryMissingRequirement) {
  auto r = plan(wf("support-request"), ticket_in("open"), agent(), request("close"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kInvalid);
  EXPECT_EQ(field_names(r.error()), (std::set<std::string>{"reason", "contact", "public_reply"}));
  for (const auto& name : {"reason", "contact", "public_reply"})
    EXPECT_NE(r.error().message.find(name), std::string::npos) << r.error().message;
}

TEST(EngineTest, ANoteSayingWhyStandsInForThePublicReply) {
  auto t = ticket_in("open");
  t.has_reason = true;
  t.has_contact = true;
  EXPECT_EQ(outcome_of(plan(wf("support-request"), t, agent(), request("close"))), Outcome::kInvalid);
  auto p = plan(wf("support-request"), t, agent(), request("close", "Answered by phone."));
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->to, "closed");
}

TEST(EngineTest, MissingAndBadFieldsAreAllListedTogether) {
  // block needs a note and sets nothing: everything the request brings is refused too.
  auto r = request("block");
  r.fields["reopen_at"] = "2026-03-01T09:00:00Z";
  r.assignees["team_member"] = 7;
  auto got = plan(wf("customer-complaint"), ticket_in("in_progress"), agent(), r);
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code, ErrorCode::kInvalid);
  EXPECT_EQ(field_names(got.error()), (std::set<std::string>{"note", "fields.reopen_at", "assignees.team_member"}));
  EXPECT_EQ(got.error().fields.at("assignees.team_member"), "this transition does not set it");
}

TEST(EngineTest, AssignWithoutATeamMemberIsInvalid) {
  auto r = plan(wf("customer-complaint"), ticket_in("complaint_logged"), agent(), request("assign"));
  ASSERT_FALSE(r);
  EXPECT_EQ(field_names(r.error()), std::set<std::string>{"assignees.team_member"});
  auto cleared = request("assign");
  cleared.assignees["team_member"] = std::nullopt;
  auto t = ticket_in("complaint_logged");
  t.assignees["team_member"] = 7;
  r = plan(wf("customer-complaint"), t, agent(), cleared);
  ASSERT_FALSE(r);
  EXPECT_EQ(field_names(r.error()), std::set<std::string>{"assignees.team_member"});
}

TEST(EngineTest, InvestigationStepsNeedTheirAssignees) {
  auto r = plan(wf("complaint-investigation"), ticket_in("logged"), agent(), request("investigate"));
  ASSERT_FALSE(r);
  EXPECT_EQ(field_names(r.error()), std::set<std::string>{"assignees.investigator"});
  auto t = ticket_in("under_investigation");
  t.assignees["investigator"] = 7;
  r = plan(wf("complaint-investigation"), t, holder(7), request("review"));
  ASSERT_FALSE(r);
  EXPECT_EQ(field_names(r.error()), std::set<std::string>{"assignees.commercial_assignee"});
  auto with = request("review");
  with.assignees["commercial_assignee"] = 9;
  auto p = plan(wf("complaint-investigation"), t, holder(7), with);
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->to, "commercial_review");
  EXPECT_EQ(p->assignee_changes,
            (std::map<std::string, std::optional<int64_t>>{{"commercial_assignee", 9}}));
}

TEST(EngineTest, PostponeNeedsAValidReopenDateAndArmsTheTimer) {
  auto missing = plan(wf("support-request"), ticket_in("open"), agent(), request("postpone"));
  ASSERT_FALSE(missing);
  EXPECT_EQ(field_names(missing.error()), std::set<std::string>{"fields.reopen_at"});

  auto bad = request("postpone");
  bad.fields["reopen_at"] = "next tuesday";
  auto refused = plan(wf("support-request"), ticket_in("open"), agent(), bad);
  ASSERT_FALSE(refused);
  EXPECT_EQ(field_names(refused.error()), std::set<std::string>{"fields.reopen_at"});
  EXPECT_NE(refused.error().fields.at("fields.reopen_at").find("RFC 3339"), std::string::npos);

  auto good = request("postpone");
  good.fields["reopen_at"] = "2026-03-01T09:00:00+01:00";
  auto p = plan(wf("support-request"), ticket_in("open"), agent(), good);
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->field_changes, (nlohmann::json{{"reopen_at", "2026-03-01T09:00:00+01:00"}}));
  ASSERT_EQ(p->timers.size(), 1u);
  EXPECT_EQ(p->timers[0]->at_field, "reopen_at");
  EXPECT_EQ(p->timers[0]->transition, "reopen");
}

TEST(EngineTest, AnUndeclaredFieldIsRefusedByName) {
  auto r = request("postpone");
  r.fields["reopen_at"] = "2026-03-01T09:00:00Z";
  r.fields["colour"] = "red";
  auto got = plan(wf("support-request"), ticket_in("open"), agent(), r);
  ASSERT_FALSE(got);
  EXPECT_EQ(field_names(got.error()), std::set<std::string>{"fields.colour"});
}

TEST(EngineTest, AvailableOffersWhatTheCallerMayRunWithWhatIsStillMissing) {
  const auto& complaint = wf("customer-complaint");
  auto logged = available(complaint, ticket_in("complaint_logged"), agent());
  ASSERT_EQ(ids_of(logged), std::vector<std::string>{"assign"});
  EXPECT_EQ(logged[0].requires_, std::vector<std::string>{"assignees.team_member"});

  auto t = ticket_in("team_member_assigned");
  t.assignees["team_member"] = 7;
  EXPECT_TRUE(available(complaint, t, agent()).empty());
  EXPECT_EQ(ids_of(available(complaint, t, holder(7))), (std::vector<std::string>{"accept", "decline"}));
  EXPECT_TRUE(available(complaint, t, holder(8)).empty());

  t.status = "in_progress";
  auto working = available(complaint, t, holder(7));
  ASSERT_EQ(ids_of(working), (std::vector<std::string>{"block", "resolve"}));
  EXPECT_EQ(working[0].requires_, std::vector<std::string>{"note"});
  EXPECT_EQ(working[1].requires_, std::vector<std::string>{"note"});

  EXPECT_EQ(ids_of(available(complaint, ticket_in("confirmation"), contact())), std::vector<std::string>{"confirm"});
  EXPECT_EQ(ids_of(available(complaint, ticket_in("confirmation"), agent())), std::vector<std::string>{"confirm"});
  EXPECT_EQ(ids_of(available(complaint, ticket_in("confirmation"), system_caller())),
            std::vector<std::string>{"auto_close"});
  EXPECT_TRUE(available(complaint, ticket_in("closed"), agent()).empty());
}

TEST(EngineTest, AvailableListsRequirementsTheTicketDoesNotMeetYet) {
  const auto& support = wf("support-request");
  auto open = available(support, ticket_in("open"), agent());
  ASSERT_EQ(ids_of(open), (std::vector<std::string>{"postpone", "close"}));
  EXPECT_EQ(open[0].requires_, std::vector<std::string>{"fields.reopen_at"});
  EXPECT_EQ(open[1].requires_, (std::vector<std::string>{"reason", "contact", "public_reply"}));

  auto qualified = ticket_in("open");
  qualified.has_reason = true;
  qualified.has_contact = true;
  EXPECT_EQ(available(support, qualified, agent())[1].requires_, std::vector<std::string>{"public_reply"});

  EXPECT_EQ(ids_of(available(support, ticket_in("reopen_later"), system_caller())), std::vector<std::string>{"reopen"});
  EXPECT_EQ(ids_of(available(support, ticket_in("closed"), system_caller())),
            std::vector<std::string>{"reopen_closed"});
}

TEST(EngineTest, AViewerIsOfferedNothingAnywhere) {
  for (const auto& w : shipped().all()) {
    for (const auto& s : w.statuses) {
      EXPECT_TRUE(available(w, full_ticket(w, s.id), viewer()).empty()) << w.id << " " << s.id;
    }
  }
}

TEST(EngineTest, AvailableAgreesWithPlanInEveryCell) {
  size_t cells = 0;
  for (const auto& w : shipped().all()) {
    for (const auto& s : w.statuses) {
      for (const auto& c : callers_for(w)) {
        const auto ticket = full_ticket(w, s.id);
        std::set<std::string> offered;
        for (const auto& a : available(w, ticket, c.caller)) offered.insert(a.transition->id);
        for (const auto& t : w.transitions) {
          const bool runs = plan(w, ticket, c.caller, full_request(w, t)).has_value();
          EXPECT_EQ(offered.contains(t.id), runs) << w.id << " " << s.id << " " << t.id << " " << c.name;
          ++cells;
        }
      }
    }
  }
  EXPECT_EQ(cells, 288u + 84u + 120u);
}

TEST(EngineFieldTest, DatetimesAreRfc3339) {
  FieldDef f{"reopen_at", "datetime", {{"en", "Reopen at"}}, {}};
  for (const char* good : {"2026-03-01T09:00:00Z", "2026-03-01t09:00:00z", "2024-02-29T23:59:59.123+01:00",
                           "2026-12-31T00:00:00-05:30"}) {
    EXPECT_EQ(check_field_value(f, good), std::nullopt) << good;
  }
  for (const char* bad : {"2026-03-01", "2026-03-01T09:00:00", "2023-02-29T09:00:00Z", "2026-13-01T09:00:00Z",
                          "2026-04-31T09:00:00Z", "2026-03-01T24:00:00Z", "2026-03-01 09:00:00Z",
                          "2026-03-01T09:00:00.Z", "2026-03-01T09:00:00+0100", "next tuesday"}) {
    EXPECT_NE(check_field_value(f, bad), std::nullopt) << bad;
  }
  EXPECT_NE(check_field_value(f, 1767225600), std::nullopt);
  EXPECT_EQ(check_field_value(f, nullptr), std::nullopt);
}

TEST(EngineFieldTest, OtherTypesTakeTheirOwnValues) {
  FieldDef choice{"kind", "choice", {{"en", "Kind"}}, {"mail", "phone"}};
  EXPECT_EQ(check_field_value(choice, "phone"), std::nullopt);
  EXPECT_NE(check_field_value(choice, "fax"), std::nullopt);
  FieldDef number{"amount", "number", {{"en", "Amount"}}, {}};
  EXPECT_EQ(check_field_value(number, 12.5), std::nullopt);
  EXPECT_NE(check_field_value(number, "12"), std::nullopt);
  EXPECT_NE(check_field_value(number, true), std::nullopt);
  FieldDef flag{"urgent", "boolean", {{"en", "Urgent"}}, {}};
  EXPECT_EQ(check_field_value(flag, false), std::nullopt);
  EXPECT_NE(check_field_value(flag, 0), std::nullopt);
  FieldDef line{"ref", "string", {{"en", "Ref"}}, {}};
  EXPECT_EQ(check_field_value(line, "A-12"), std::nullopt);
  EXPECT_NE(check_field_value(line, std::string(1001, 'x')), std::nullopt);
  FieldDef text{"notes", "text", {{"en", "Notes"}}, {}};
  EXPECT_EQ(check_field_value(text, std::string(5000, 'x')), std::nullopt);
  EXPECT_NE(check_field_value(text, 5), std::nullopt);
}

}  // namespace
}  // namespace redress::workflow
