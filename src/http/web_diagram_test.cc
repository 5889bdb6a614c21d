#include "http/web_diagram.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

namespace redress::http {
namespace {

const workflow::WorkflowDef& shipped(const std::string& id) {
  static const auto catalog = workflow::WorkflowCatalog::load_shipped();
  EXPECT_TRUE(catalog) << catalog.error().message;
  const auto* wf = catalog->find(id);
  EXPECT_NE(wf, nullptr) << id;
  return *wf;
}

std::map<std::string, int> columns(const nlohmann::json& d) {
  std::map<std::string, int> out;
  for (const auto& b : d["boxes"]) out[b["id"]] = b["column"];
  return out;
}

TEST(WorkflowDiagram, OneBoxPerStatusInColumnsByDistanceFromTheStart) {
  const auto& wf = shipped("customer-complaint");
  const auto d = workflow_diagram(wf, "en");
  ASSERT_EQ(d["boxes"].size(), wf.statuses.size());
  EXPECT_EQ(columns(d), (std::map<std::string, int>{{"complaint_logged", 0},
                                                    {"team_member_assigned", 1},
                                                    {"in_progress", 2},
                                                    {"blocked", 3},
                                                    {"confirmation", 3},
                                                    {"closed", 4}}));
  EXPECT_EQ(d["boxes"][0]["label"], "Complaint Logged");
  EXPECT_TRUE(d["boxes"][0]["start"].get<bool>());
  EXPECT_EQ(workflow_diagram(wf, "fr")["boxes"][0]["label"], "Réclamation enregistrée");
}

TEST(WorkflowDiagram, OneArrowPerPairOfStatusesLabelledWithItsTransitions) {
  const auto& wf = shipped("customer-complaint");
  const auto d = workflow_diagram(wf, "en");
  std::map<std::pair<std::string, std::string>, std::string> labels;
  for (const auto& e : d["edges"]) labels[{e["from"], e["to"]}] = e["label"];
  EXPECT_EQ(labels.at({"blocked", "blocked"}), "Blocked");                             // a loop
  EXPECT_EQ(labels.at({"team_member_assigned", "complaint_logged"}), "Decline Task");  // going back
  EXPECT_EQ(labels.at({"confirmation", "closed"}), "Issue Resolved / Close Unconfirmed");
  size_t pairs = 0;
  for (const auto& t : wf.transitions) pairs += t.from.size();
  EXPECT_EQ(d["edges"].size(), pairs - 1) << "confirm and auto_close share their arrow";
}

TEST(WorkflowDiagram, EverythingFitsAndNoTwoLabelsOverlap) {
  for (const char* id : {"customer-complaint", "support-request", "complaint-investigation"}) {
    const auto d = workflow_diagram(shipped(id), "fr");
    const int width = d["width"], height = d["height"];
    for (const auto& b : d["boxes"]) {
      EXPECT_GE(b["x"].get<int>(), 0) << id;
      EXPECT_LE(b["x"].get<int>() + b["w"].get<int>(), width) << id;
      EXPECT_LE(b["y"].get<int>() + b["h"].get<int>(), height) << id;
    }
    std::set<std::pair<int, int>> at;
    for (const auto& e : d["edges"]) {
      EXPECT_GT(e["lx"].get<int>(), 0) << id << " " << e;
      EXPECT_LT(e["ly"].get<int>(), height) << id << " " << e;
      EXPECT_TRUE(at.emplace(e["lx"].get<int>(), e["ly"].get<int>()).second) << id << ": two labels at " << e;
      EXPECT_TRUE(e["d"].get<std::string>().starts_with("M")) << e;
    }
  }
}

}  // namespace
}  // namespace redress::http
