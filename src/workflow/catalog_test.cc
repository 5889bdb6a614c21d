#include "workflow/catalog.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include <algorithm>
#include <map>

namespace redress::workflow {
namespace {

// A valid workflow; tests break one thing at a time.
const char* kValid = R"(id = "demo"
roles = ["assignee"]

[labels]
en = "Demo"

[[fields]]
id = "reopen_at"
type = "datetime"
labels = { en = "Reopen at" }

[[fields]]
id = "channel_kind"
type = "choice"
labels = { en = "Kind" }
choices = ["mail", "phone"]

[[statuses]]
id = "new_request"
category = "new"
start = true
labels = { en = "New", fr = "Nouvelle" }

[[statuses]]
id = "waiting"
category = "pending"
labels = { en = "Waiting" }

[[statuses]]
id = "closed"
category = "closed"
labels = { en = "Closed" }
on_enter = [{ kind = "clear_role", target = "assignee" }]

[[transitions]]
id = "wait"
labels = { en = "Wait" }
from = ["new_request"]
to = "waiting"
who = ["agent", "role:assignee"]
sets = ["fields.reopen_at", "assignees.assignee"]
requires = ["fields.reopen_at", "reason"]

[[transitions]]
id = "wake"
labels = { en = "Wake" }
from = ["waiting"]
to = "new_request"
who = ["agent", "system"]

[[transitions]]
id = "close"
labels = { en = "Close" }
from = "*"
to = "closed"
who = ["agent", "customer"]
note = true
clears = ["assignee"]

[[timers]]
id = "wake_up"
status = "waiting"
at_field = "reopen_at"
transition = "wake"

[[timers]]
id = "wake_anyway"
status = "waiting"
after = "36h"
transition = "wake"
)";

std::string refusal(const std::string& text) {
  auto wf = WorkflowCatalog::parse(text, "workflows/demo.toml");
  if (wf) {
    ADD_FAILURE() << "accepted:\n" << text;
    return "";
  }
  EXPECT_EQ(wf.error().code, ErrorCode::kInvalid);
  EXPECT_EQ(wf.error().message.find('\n'), std::string::npos) << wf.error().message;
  EXPECT_NE(wf.error().message.find("workflows/demo.toml"), std::string::npos) << wf.error().message;
  return wf.error().message;
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return text.replace(at, from.size(), to);
}

TEST(CatalogTest, ShippedWorkflowsLoadWithTheirDocumentedStartStatuses) {
  auto catalog = WorkflowCatalog::load_shipped();
  ASSERT_TRUE(catalog.has_value()) << catalog.error().message;
  EXPECT_EQ(catalog->all().size(), 3u);
  const std::pair<const char*, const char*> expected[] = {
      {"customer-complaint", "complaint_logged"},
      {"complaint-investigation", "logged"},
      {"support-request", "new_request"},
  };
  for (const auto& [id, start] : expected) {
    const auto* wf = catalog->find(id);
    ASSERT_NE(wf, nullptr) << id;
    EXPECT_EQ(wf->start_status, start) << id;
    ASSERT_NE(wf->status(start), nullptr) << id;
    EXPECT_EQ(wf->status(start)->category, "new") << id;
    EXPECT_TRUE(wf->labels.contains("en")) << id;
  }
}

TEST(CatalogTest, ShippedWorkflowsHaveTheDocumentedStatusesAndRoles) {
  auto catalog = WorkflowCatalog::load_shipped();
  ASSERT_TRUE(catalog.has_value()) << catalog.error().message;
  const auto* complaint = catalog->find("customer-complaint");
  ASSERT_NE(complaint, nullptr);
  for (auto id : {"complaint_logged", "team_member_assigned", "in_progress", "blocked", "confirmation", "closed"}) {
    EXPECT_NE(complaint->status(id), nullptr) << id;
  }
  EXPECT_TRUE(complaint->has_role("team_member"));
  const auto* investigation = catalog->find("complaint-investigation");
  ASSERT_NE(investigation, nullptr);
  EXPECT_TRUE(investigation->has_role("investigator"));
  EXPECT_TRUE(investigation->has_role("commercial_assignee"));
  const auto* support = catalog->find("support-request");
  ASSERT_NE(support, nullptr);
  for (auto id : {"new_request", "open", "reopen_later", "closed"}) EXPECT_NE(support->status(id), nullptr) << id;
  EXPECT_EQ(catalog->find("no-such-workflow"), nullptr);
}

TEST(CatalogTest, ValidFileParses) {
  auto wf = WorkflowCatalog::parse(kValid, "workflows/demo.toml");
  ASSERT_TRUE(wf.has_value()) << wf.error().message;
  EXPECT_EQ(wf->id, "demo");
  EXPECT_EQ(wf->start_status, "new_request");
  ASSERT_EQ(wf->statuses.size(), 3u);
  EXPECT_EQ(wf->statuses[2].id, "closed");
  EXPECT_EQ(label_in(wf->statuses[0].labels, "fr", "x"), "Nouvelle");
  EXPECT_EQ(label_in(wf->statuses[2].labels, "fr", "x"), "Closed");
  EXPECT_EQ(label_in({}, "fr", "fallback"), "fallback");
}

TEST(CatalogTest, ValidFileParsesFieldsTransitionsTimersAndEntryActions) {
  auto wf = WorkflowCatalog::parse(kValid, "workflows/demo.toml");
  ASSERT_TRUE(wf.has_value()) << wf.error().message;

  ASSERT_EQ(wf->fields.size(), 2u);
  ASSERT_NE(wf->field("reopen_at"), nullptr);
  EXPECT_EQ(wf->field("reopen_at")->type, "datetime");
  EXPECT_EQ(wf->field("channel_kind")->choices, (std::vector<std::string>{"mail", "phone"}));
  EXPECT_EQ(wf->field("nope"), nullptr);

  EXPECT_TRUE(wf->status("waiting")->on_enter.empty());
  ASSERT_EQ(wf->status("closed")->on_enter.size(), 1u);
  EXPECT_EQ(wf->status("closed")->on_enter[0].kind, "clear_role");
  EXPECT_EQ(wf->status("closed")->on_enter[0].target, "assignee");

  ASSERT_EQ(wf->transitions.size(), 3u);
  const auto* wait = wf->transition("wait");
  ASSERT_NE(wait, nullptr);
  EXPECT_EQ(wait->from, (std::vector<std::string>{"new_request"}));
  EXPECT_EQ(wait->to, "waiting");
  EXPECT_TRUE(wait->who.any_agent);
  EXPECT_EQ(wait->who.roles, (std::vector<std::string>{"assignee"}));
  EXPECT_FALSE(wait->who.customer);
  EXPECT_FALSE(wait->who.system);
  EXPECT_FALSE(wait->note_required);
  EXPECT_EQ(wait->sets, (std::vector<std::string>{"fields.reopen_at", "assignees.assignee"}));
  EXPECT_EQ(wait->requires_, (std::vector<std::string>{"fields.reopen_at", "reason"}));
  EXPECT_EQ(wf->transition("nope"), nullptr);

  const auto* close = wf->transition("close");
  ASSERT_NE(close, nullptr);
  // "*" is every status that is not closed.
  EXPECT_EQ(close->from, (std::vector<std::string>{"new_request", "waiting"}));
  EXPECT_TRUE(close->note_required);
  EXPECT_TRUE(close->who.customer);
  EXPECT_EQ(close->clears_roles, (std::vector<std::string>{"assignee"}));

  ASSERT_EQ(wf->timers.size(), 2u);
  EXPECT_EQ(wf->timers[0].id, "wake_up");
  EXPECT_EQ(wf->timers[0].at_field, "reopen_at");
  EXPECT_FALSE(wf->timers[0].after.has_value());
  EXPECT_EQ(wf->timers[0].transition, "wake");
  EXPECT_EQ(wf->timers[1].after, std::chrono::hours(36));
}

TEST(CatalogTest, DurationsTakeDaysHoursMinutesAndSeconds) {
  const std::pair<const char*, std::chrono::seconds> cases[] = {
      {"4d", std::chrono::hours(96)},
      {"36h", std::chrono::hours(36)},
      {"90m", std::chrono::minutes(90)},
      {"30s", std::chrono::seconds(30)},
  };
  for (const auto& [text, expected] : cases) {
    auto wf = WorkflowCatalog::parse(replaced(kValid, "after = \"36h\"", std::string("after = \"") + text + "\""),
                                     "workflows/demo.toml");
    ASSERT_TRUE(wf.has_value()) << text << ": " << wf.error().message;
    EXPECT_EQ(wf->timers[1].after, expected) << text;
  }
}

TEST(CatalogTest, ShippedWorkflowsHaveTheDocumentedTransitions) {
  auto catalog = WorkflowCatalog::load_shipped();
  ASSERT_TRUE(catalog.has_value()) << catalog.error().message;
  struct Expected {
    const char* workflow;
    const char* transition;
    std::vector<std::string> from;
    const char* to;
  };
  // API.md, "Shipped workflows". Extra `from` statuses are extensions, named here on purpose.
  const Expected expected[] = {
      {"customer-complaint", "assign", {"complaint_logged"}, "team_member_assigned"},
      {"customer-complaint", "accept", {"team_member_assigned"}, "in_progress"},
      {"customer-complaint", "decline", {"team_member_assigned"}, "complaint_logged"},
      {"customer-complaint", "block", {"in_progress", "blocked"}, "blocked"},
      {"customer-complaint", "unblock", {"blocked"}, "in_progress"},
      {"customer-complaint", "resolve", {"in_progress"}, "confirmation"},
      {"customer-complaint", "confirm", {"confirmation"}, "closed"},
      {"customer-complaint", "auto_close", {"confirmation"}, "closed"},
      {"complaint-investigation", "investigate", {"logged"}, "under_investigation"},
      {"complaint-investigation", "review", {"under_investigation"}, "commercial_review"},
      {"complaint-investigation", "close", {"commercial_review"}, "closed"},
      {"support-request", "open", {"new_request"}, "open"},
      {"support-request", "postpone", {"open"}, "reopen_later"},
      {"support-request", "reopen", {"reopen_later"}, "open"},
      {"support-request", "close", {"new_request", "open", "reopen_later"}, "closed"},
      {"support-request", "reopen_closed", {"closed"}, "open"},
  };
  std::map<std::string, size_t> count;
  for (const auto& e : expected) {
    const auto* wf = catalog->find(e.workflow);
    ASSERT_NE(wf, nullptr) << e.workflow;
    const auto* t = wf->transition(e.transition);
    ASSERT_NE(t, nullptr) << e.workflow << " " << e.transition;
    EXPECT_EQ(t->from, e.from) << e.transition;
    EXPECT_EQ(t->to, e.to) << e.transition;
    EXPECT_TRUE(t->labels.contains("en") && t->labels.contains("fr")) << e.transition;
    ++count[e.workflow];
  }
  for (const auto& wf : catalog->all()) {
    EXPECT_EQ(wf.transitions.size(), count[wf.id]) << wf.id << " has a transition this test does not name";
    for (const auto& s : wf.statuses) EXPECT_TRUE(s.labels.contains("fr")) << wf.id << " " << s.id;
    for (const auto& f : wf.fields) EXPECT_TRUE(f.labels.contains("fr")) << wf.id << " " << f.id;
  }
}

TEST(CatalogTest, ShippedTimersAndEntryActionsAreTheDocumentedOnes) {
  auto catalog = WorkflowCatalog::load_shipped();
  ASSERT_TRUE(catalog.has_value()) << catalog.error().message;
  const auto& complaint = *catalog->find("customer-complaint");
  ASSERT_EQ(complaint.timers.size(), 1u);
  EXPECT_EQ(complaint.timers[0].status, "confirmation");
  EXPECT_EQ(complaint.timers[0].after, std::chrono::days(4));
  EXPECT_EQ(complaint.timers[0].transition, "auto_close");
  EXPECT_EQ(complaint.transition("decline")->clears_roles, (std::vector<std::string>{"team_member"}));

  const auto& investigation = *catalog->find("complaint-investigation");
  EXPECT_TRUE(investigation.timers.empty());
  // Mails on entering a status come from the routing table, not from entry actions.
  for (const auto& wf : catalog->all()) {
    for (const auto& status : wf.statuses) EXPECT_TRUE(status.on_enter.empty()) << wf.id << " " << status.id;
  }

  const auto& support = *catalog->find("support-request");
  ASSERT_EQ(support.timers.size(), 1u);
  EXPECT_EQ(support.timers[0].status, "reopen_later");
  EXPECT_EQ(support.timers[0].at_field, "reopen_at");
  EXPECT_EQ(support.timers[0].transition, "reopen");
  EXPECT_EQ(support.field("reopen_at")->type, "datetime");
  EXPECT_EQ(support.transition("close")->requires_, (std::vector<std::string>{"reason", "contact", "public_reply"}));
}

TEST(CatalogTest, UnknownTopLevelKeyIsRefusedNamingFileAndLine) {
  auto message = refusal(replaced(kValid, "roles = [\"assignee\"]\n", "roles = [\"assignee\"]\ncolour = \"red\"\n"));
  EXPECT_NE(message.find("workflows/demo.toml:3"), std::string::npos) << message;
  EXPECT_NE(message.find("colour"), std::string::npos) << message;
}

TEST(CatalogTest, UnknownKeyInAStatusIsRefused) {
  auto message = refusal(replaced(kValid, "category = \"closed\"\n", "category = \"closed\"\nfinal = true\n"));
  EXPECT_NE(message.find("final"), std::string::npos) << message;
}

TEST(CatalogTest, DuplicateStatusIsRefused) {
  auto message = refusal(replaced(kValid, "id = \"closed\"", "id = \"new_request\""));
  EXPECT_NE(message.find("duplicate status 'new_request'"), std::string::npos) << message;
}

TEST(CatalogTest, WorkflowWithoutStartStatusIsRefused) {
  auto message = refusal(replaced(kValid, "start = true\n", ""));
  EXPECT_NE(message.find("start"), std::string::npos) << message;
}

TEST(CatalogTest, TwoStartStatusesAreRefused) {
  auto message = refusal(replaced(kValid, "category = \"closed\"\n", "category = \"closed\"\nstart = true\n"));
  EXPECT_NE(message.find("second start status"), std::string::npos) << message;
}

TEST(CatalogTest, UnknownCategoryIsRefused) {
  auto message = refusal(replaced(kValid, "category = \"closed\"", "category = \"done\""));
  EXPECT_NE(message.find("category"), std::string::npos) << message;
}

TEST(CatalogTest, StatusLabelsWithoutEnglishAreRefused) {
  auto message = refusal(replaced(kValid, "labels = { en = \"Closed\" }", "labels = { fr = \"Clôturée\" }"));
  EXPECT_NE(message.find("en"), std::string::npos) << message;
}

TEST(CatalogTest, WorkflowLabelsWithoutEnglishAreRefused) {
  refusal(replaced(kValid, "en = \"Demo\"", "fr = \"Démo\""));
}

TEST(CatalogTest, StatusWithoutLabelsIsRefused) {
  refusal(replaced(kValid, "labels = { en = \"Closed\" }\n", ""));
}

TEST(CatalogTest, IdThatIsNotAnIdentifierIsRefused) {
  refusal(replaced(kValid, "id = \"demo\"", "id = \"Demo Flow\""));
  refusal(replaced(kValid, "id = \"closed\"", "id = \"Closed!\""));
}

TEST(CatalogTest, FileWithoutStatusesIsRefused) {
  refusal("id = \"demo\"\n[labels]\nen = \"Demo\"\n");
}

TEST(CatalogTest, MalformedTomlIsRefusedOnOneLine) { refusal("id = \"demo\"\n[[statuses]\n"); }


TEST(CatalogTest, TransitionWithoutLabelsIsRefused) {
  auto message = refusal(replaced(kValid, "labels = { en = \"Wake\" }\n", ""));
  EXPECT_NE(message.find("transition 'wake' has no labels"), std::string::npos) << message;
}

TEST(CatalogTest, TransitionLabelsWithoutEnglishAreRefused) {
  refusal(replaced(kValid, "labels = { en = \"Wake\" }", "labels = { fr = \"Réveil\" }"));
}

TEST(CatalogTest, UnknownStatusInFromIsRefusedNamingItsLine) {
  const std::string text = replaced(kValid, "from = [\"waiting\"]", "from = [\"sleeping\"]");
  auto message = refusal(text);
  EXPECT_NE(message.find("unknown status 'sleeping'"), std::string::npos) << message;
  const auto line = std::count(text.begin(), text.begin() + text.find("sleeping"), '\n') + 1;
  EXPECT_NE(message.find("workflows/demo.toml:" + std::to_string(line) + ":"), std::string::npos) << message;
}

TEST(CatalogTest, UnknownStatusInToIsRefused) {
  auto message = refusal(replaced(kValid, "to = \"waiting\"", "to = \"limbo\""));
  EXPECT_NE(message.find("unknown status 'limbo'"), std::string::npos) << message;
}

TEST(CatalogTest, UnknownStatusInATimerIsRefused) {
  auto message = refusal(replaced(kValid, "status = \"waiting\"\nat_field", "status = \"limbo\"\nat_field"));
  EXPECT_NE(message.find("unknown status 'limbo'"), std::string::npos) << message;
}

TEST(CatalogTest, FromThatIsNeitherAListNorStarIsRefused) {
  auto message = refusal(replaced(kValid, "from = \"*\"", "from = \"all\""));
  EXPECT_NE(message.find("from"), std::string::npos) << message;
}

TEST(CatalogTest, UnknownRoleInWhoIsRefused) {
  auto message = refusal(replaced(kValid, "\"role:assignee\"", "\"role:manager\""));
  EXPECT_NE(message.find("role 'manager'"), std::string::npos) << message;
}

TEST(CatalogTest, UnknownKindOfCallerInWhoIsRefused) {
  auto message = refusal(replaced(kValid, "who = [\"agent\", \"system\"]", "who = [\"agent\", \"admin\"]"));
  EXPECT_NE(message.find("'admin'"), std::string::npos) << message;
  refusal(replaced(kValid, "who = [\"agent\", \"system\"]", "who = []"));
}

TEST(CatalogTest, UnknownRoleInEntryActionsSetsAndClearsIsRefused) {
  refusal(replaced(kValid, "kind = \"clear_role\", target = \"assignee\"",
                   "kind = \"clear_role\", target = \"manager\""));
  refusal(replaced(kValid, "\"assignees.assignee\"]", "\"assignees.manager\"]"));
  auto message = refusal(replaced(kValid, "clears = [\"assignee\"]", "clears = [\"manager\"]"));
  EXPECT_NE(message.find("role 'manager'"), std::string::npos) << message;
}

TEST(CatalogTest, MalformedEntryActionsAreRefused) {
  const std::string clear = "kind = \"clear_role\", target = \"assignee\"";
  auto message = refusal(replaced(kValid, clear, "kind = \"sms\", target = \"assignee\""));
  EXPECT_NE(message.find("'sms'"), std::string::npos) << message;
  refusal(replaced(kValid, clear, clear + ", template = \"bye\""));
  message = refusal(replaced(kValid, clear, clear + ", urgent = true"));
  EXPECT_NE(message.find("urgent"), std::string::npos) << message;
}

TEST(CatalogTest, MailEntryActionsAreRefusedPointingAtTheRoutingTable) {
  for (const char* action : {"kind = \"notify\", target = \"assignee\", template = \"action_needed\"",
                             "kind = \"mail\", target = \"contacts\", template = \"waiting\""}) {
    auto message = refusal(replaced(kValid, "labels = { en = \"Waiting\" }\n",
                                    "labels = { en = \"Waiting\" }\non_enter = [{ " + std::string(action) + " }]\n"));
    EXPECT_NE(message.find("routing table"), std::string::npos) << message;
    EXPECT_NE(message.find("/api/v1/routing"), std::string::npos) << message;
    EXPECT_NE(message.find("workflows/demo.toml:"), std::string::npos) << message;
  }
}

TEST(CatalogTest, TimerToATransitionThatDoesNotLeaveItsStatusIsRefused) {
  auto message = refusal(replaced(kValid, "transition = \"wake\"\n", "transition = \"wait\"\n"));
  EXPECT_NE(message.find("timer to nowhere"), std::string::npos) << message;
}

TEST(CatalogTest, TimerToATransitionTheSystemMayNotRunIsRefused) {
  auto message = refusal(replaced(kValid, "who = [\"agent\", \"system\"]", "who = [\"agent\"]"));
  EXPECT_NE(message.find("timer to nowhere"), std::string::npos) << message;
  EXPECT_NE(message.find("system"), std::string::npos) << message;
}

TEST(CatalogTest, TimerToAnUnknownTransitionIsRefused) {
  auto message = refusal(replaced(kValid, "transition = \"wake\"\n", "transition = \"snooze\"\n"));
  EXPECT_NE(message.find("'snooze'"), std::string::npos) << message;
}

TEST(CatalogTest, TimerWithBothAfterAndAtFieldIsRefused) {
  auto message = refusal(replaced(kValid, "at_field = \"reopen_at\"\n", "at_field = \"reopen_at\"\nafter = \"4d\"\n"));
  EXPECT_NE(message.find("exactly one of after and at_field"), std::string::npos) << message;
}

TEST(CatalogTest, TimerWithNeitherAfterNorAtFieldIsRefused) {
  auto message = refusal(replaced(kValid, "at_field = \"reopen_at\"\n", ""));
  EXPECT_NE(message.find("exactly one of after and at_field"), std::string::npos) << message;
}

TEST(CatalogTest, BadDurationIsRefused) {
  for (const char* bad : {"4 days", "4w", "0d", "d", "-4d", "4", "", "99999999999d"}) {
    auto message = refusal(replaced(kValid, "after = \"36h\"", std::string("after = \"") + bad + "\""));
    EXPECT_NE(message.find("after"), std::string::npos) << message;
  }
  refusal(replaced(kValid, "after = \"36h\"", "after = 36"));
}

TEST(CatalogTest, TimerAtAFieldThatIsNotADeclaredDatetimeIsRefused) {
  refusal(replaced(kValid, "at_field = \"reopen_at\"", "at_field = \"wake_at\""));
  auto message = refusal(replaced(kValid, "at_field = \"reopen_at\"", "at_field = \"channel_kind\""));
  EXPECT_NE(message.find("datetime"), std::string::npos) << message;
}

TEST(CatalogTest, UnreachableStatusIsRefused) {
  // Nothing enters waiting once wait is gone.
  auto message = refusal(replaced(kValid, "to = \"waiting\"", "to = \"closed\""));
  EXPECT_NE(message.find("status 'waiting' is unreachable"), std::string::npos) << message;
  const std::string text(kValid);
  const auto line = std::count(text.begin(), text.begin() + text.find("id = \"waiting\""), '\n') + 1;
  EXPECT_NE(message.find("workflows/demo.toml:" + std::to_string(line - 1) + ":"), std::string::npos)
      << message << " (line of [[statuses]] " << line - 1 << ")";
}

TEST(CatalogTest, RequiresOrSetsAnUndeclaredFieldIsRefused) {
  auto message = refusal(replaced(kValid, "requires = [\"fields.reopen_at\"", "requires = [\"fields.wake_at\""));
  EXPECT_NE(message.find("field 'wake_at'"), std::string::npos) << message;
  refusal(replaced(kValid, "sets = [\"fields.reopen_at\"", "sets = [\"fields.wake_at\""));
}

TEST(CatalogTest, UnknownRequirementIsRefused) {
  refusal(replaced(kValid, "\"reason\"]", "\"motive\"]"));
  // reason and the like are checked, never set by a transition.
  refusal(replaced(kValid, "sets = [\"fields.reopen_at\"", "sets = [\"reason\""));
}

TEST(CatalogTest, UnknownKeysInTransitionsTimersAndFieldsAreRefused) {
  auto message = refusal(replaced(kValid, "note = true\n", "note = true\nconfirm = true\n"));
  EXPECT_NE(message.find("confirm"), std::string::npos) << message;
  message = refusal(replaced(kValid, "after = \"36h\"\n", "after = \"36h\"\nrepeat = true\n"));
  EXPECT_NE(message.find("repeat"), std::string::npos) << message;
  message = refusal(replaced(kValid, "type = \"datetime\"\n", "type = \"datetime\"\nrequired = true\n"));
  EXPECT_NE(message.find("required"), std::string::npos) << message;
}

TEST(CatalogTest, MistypedTransitionKeysAreRefused) {
  refusal(replaced(kValid, "note = true", "note = \"yes\""));
  refusal(replaced(kValid, "to = \"waiting\"", "to = [\"waiting\"]"));
  refusal(replaced(kValid, "to = \"waiting\"\n", ""));
  refusal(replaced(kValid, "who = [\"agent\", \"system\"]\n", ""));
}

TEST(CatalogTest, DuplicateTransitionIsRefused) {
  auto message = refusal(replaced(kValid, "id = \"wake\"", "id = \"wait\""));
  EXPECT_NE(message.find("duplicate transition 'wait'"), std::string::npos) << message;
}

TEST(CatalogTest, BadFieldsAreRefused) {
  auto message = refusal(replaced(kValid, "type = \"datetime\"", "type = \"date\""));
  EXPECT_NE(message.find("type"), std::string::npos) << message;
  refusal(replaced(kValid, "choices = [\"mail\", \"phone\"]\n", ""));
  refusal(replaced(kValid, "choices = [\"mail\", \"phone\"]", "choices = []"));
  refusal(replaced(kValid, "type = \"datetime\"\n", "type = \"datetime\"\nchoices = [\"a\"]\n"));
  refusal(replaced(kValid, "labels = { en = \"Kind\" }\n", ""));
  refusal(replaced(kValid, "id = \"channel_kind\"", "id = \"reopen_at\""));
}

}  // namespace
}  // namespace redress::workflow

namespace redress::workflow {
namespace {

// An operator's directory of workflow files, removed afterwards.
class WorkflowDirectory {
 public:
  WorkflowDirectory() {
    std::string pattern = (std::filesystem::temp_directory_path() / "redress-wf-XXXXXX").string();
    dir_ = mkdtemp(pattern.data());
  }
  ~WorkflowDirectory() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  void write(const std::string& name, const std::string& text) { std::ofstream(dir_ / name) << text; }
  std::string path() const { return dir_.string(); }

 private:
  std::filesystem::path dir_;
};

TEST(CatalogDirectoryTest, AFourthWorkflowFromTheDirectoryJoinsTheShippedOnes) {
  WorkflowDirectory dir;
  dir.write("demo.toml", kValid);
  dir.write("notes.txt", "not a workflow");
  auto catalog = WorkflowCatalog::load(dir.path());
  ASSERT_TRUE(catalog) << catalog.error().message;
  EXPECT_EQ(catalog->all().size(), 4u);
  EXPECT_NE(catalog->find("demo"), nullptr);
  EXPECT_NE(catalog->find("support-request"), nullptr);
}

TEST(CatalogDirectoryTest, AFileWithAShippedIdReplacesTheShippedWorkflow) {
  WorkflowDirectory dir;
  std::string text = kValid;
  text.replace(text.find("id = \"demo\""), 11, "id = \"support-request\"");
  dir.write("support.toml", text);
  auto catalog = WorkflowCatalog::load(dir.path());
  ASSERT_TRUE(catalog) << catalog.error().message;
  EXPECT_EQ(catalog->all().size(), 3u);
  EXPECT_EQ(catalog->find("support-request")->start_status, WorkflowCatalog::parse(kValid, "x")->start_status);
}

TEST(CatalogDirectoryTest, TwoFilesForOneWorkflowAndAMissingDirectoryAreRefused) {
  WorkflowDirectory dir;
  dir.write("a.toml", kValid);
  dir.write("b.toml", kValid);
  auto twice = WorkflowCatalog::load(dir.path());
  ASSERT_FALSE(twice);
  EXPECT_NE(twice.error().message.find("b.toml"), std::string::npos) << twice.error().message;
  auto missing = WorkflowCatalog::load("/nonexistent/redress-workflows");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("workflows.directory"), std::string::npos);
}

}  // namespace
}  // namespace redress::workflow
