#include "workflow/catalog.h"

#include <gtest/gtest.h>

namespace redress::workflow {
namespace {

// A valid workflow; tests break one thing at a time.
const char* kValid = R"(id = "demo"
roles = ["assignee"]

[labels]
en = "Demo"

[[statuses]]
id = "new_request"
category = "new"
start = true
labels = { en = "New", fr = "Nouvelle" }

[[statuses]]
id = "closed"
category = "closed"
labels = { en = "Closed" }
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
  ASSERT_EQ(wf->statuses.size(), 2u);
  EXPECT_EQ(wf->statuses[1].id, "closed");
  EXPECT_EQ(label_in(wf->statuses[0].labels, "fr", "x"), "Nouvelle");
  EXPECT_EQ(label_in(wf->statuses[1].labels, "fr", "x"), "Closed");
  EXPECT_EQ(label_in({}, "fr", "fallback"), "fallback");
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

}  // namespace
}  // namespace redress::workflow
