// The OpenAPI document against the router it describes: every routed endpoint is
// documented and every documented operation is routed, so the two cannot drift apart
// unnoticed; and the server hands out exactly the document compiled into it.
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/embedded.h"
#include "support/test_app.h"

namespace redress::test {
namespace {

using nlohmann::json;

constexpr const char* kDocumentPath = "src/http/openapi.json";

// OpenAPI 3.0 path items hold operations under these keys, and only these.
const std::set<std::string> kOperationKeys = {"get", "put", "post", "delete", "options", "head", "patch", "trace"};
const std::set<std::string> kSharedPathItemKeys = {"summary", "description", "servers", "parameters", "$ref"};

// (lower-case method, path template)
using Operation = std::pair<std::string, std::string>;

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return s;
}

std::set<Operation> routed_operations(const TestApp& app) {
  std::set<Operation> out;
  for (const auto& route : app.api().router().routes()) out.emplace(lower(route.method), route.pattern);
  return out;
}

std::set<Operation> documented_operations(const json& doc) {
  std::set<Operation> out;
  for (const auto& [path, item] : doc.at("paths").items()) {
    for (const auto& [key, operation] : item.items()) {
      if (kOperationKeys.contains(key)) out.emplace(key, path);
    }
  }
  return out;
}

// Follows a local "$ref" ("#/components/parameters/TicketKey"); anything else as is.
const json& resolve(const json& doc, const json& node) {
  if (!node.is_object() || !node.contains("$ref")) return node;
  const std::string ref = node["$ref"].get<std::string>();
  if (!ref.starts_with("#")) return node;
  return doc.at(json::json_pointer(ref.substr(1)));
}

class OpenApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto text = embedded_file(kDocumentPath);
    ASSERT_TRUE(text) << kDocumentPath << " is not embedded in the build";
    text_ = std::string(*text);
    doc_ = json::parse(text_, nullptr, /*allow_exceptions=*/false);
    ASSERT_FALSE(doc_.is_discarded()) << kDocumentPath << " is not valid JSON";
    ASSERT_TRUE(doc_.is_object());
    ASSERT_TRUE(doc_.contains("paths") && doc_["paths"].is_object()) << "the document has no paths object";
  }

  std::string text_;
  json doc_;
};

TEST_F(OpenApiTest, DocumentIsOpenApi30) {
  ASSERT_TRUE(doc_.contains("openapi"));
  ASSERT_TRUE(doc_["openapi"].is_string());
  EXPECT_TRUE(doc_["openapi"].get<std::string>().starts_with("3.0.")) << doc_["openapi"];
  EXPECT_TRUE(doc_.contains("info") && doc_["info"].contains("title") && doc_["info"].contains("version"));
}

TEST_F(OpenApiTest, EveryRoutedEndpointIsDocumented) {
  std::unique_ptr<TestApp> app;
  REDRESS_START_TEST_APP(EngineParam::kSqlite, app);
  const auto documented = documented_operations(doc_);
  for (const auto& [method, path] : routed_operations(*app)) {
    EXPECT_TRUE(documented.contains({method, path}))
        << method << " " << path << " is routed but missing from paths in " << kDocumentPath;
  }
}

TEST_F(OpenApiTest, EveryDocumentedOperationIsRouted) {
  std::unique_ptr<TestApp> app;
  REDRESS_START_TEST_APP(EngineParam::kSqlite, app);
  const auto routed = routed_operations(*app);
  for (const auto& [method, path] : documented_operations(doc_)) {
    EXPECT_TRUE(routed.contains({method, path})) << method << " " << path << " is documented but not routed";
  }
}

TEST_F(OpenApiTest, PathItemsHoldOnlyOperationsAndSharedFields) {
  // Otherwise a misspelt method ("gett") would be neither checked nor noticed.
  for (const auto& [path, item] : doc_["paths"].items()) {
    ASSERT_TRUE(item.is_object()) << path;
    for (const auto& [key, value] : item.items()) {
      EXPECT_TRUE(kOperationKeys.contains(key) || kSharedPathItemKeys.contains(key) || key.starts_with("x-"))
          << path << " has '" << key << "', which is neither an operation nor a path item field";
    }
  }
}

TEST_F(OpenApiTest, EveryOperationHasAUniqueOperationIdAndResponses) {
  std::map<std::string, Operation> seen;
  for (const auto& [path, item] : doc_["paths"].items()) {
    for (const auto& [method, operation] : item.items()) {
      if (!kOperationKeys.contains(method)) continue;
      SCOPED_TRACE(method + " " + path);
      ASSERT_TRUE(operation.is_object());
      ASSERT_TRUE(operation.contains("operationId") && operation["operationId"].is_string()) << "no operationId";
      const auto id = operation["operationId"].get<std::string>();
      EXPECT_FALSE(id.empty());
      auto [it, fresh] = seen.emplace(id, Operation{method, path});
      EXPECT_TRUE(fresh) << "operationId " << id << " is also used by " << it->second.first << " "
                         << it->second.second;
      ASSERT_TRUE(operation.contains("responses")) << "no responses";
      EXPECT_TRUE(operation["responses"].is_object() && !operation["responses"].empty()) << "responses is empty";
    }
  }
  EXPECT_FALSE(seen.empty());
}

TEST_F(OpenApiTest, EveryPathTemplateParameterIsDeclared) {
  for (const auto& [path, item] : doc_["paths"].items()) {
    std::set<std::string> in_template;
    for (size_t open = path.find('{'); open != std::string::npos; open = path.find('{', open + 1))
      in_template.insert(path.substr(open + 1, path.find('}', open) - open - 1));

    std::set<std::string> shared;
    for (const auto& p : item.value("parameters", json::array())) {
      const json& param = resolve(doc_, p);
      if (param.value("in", "") == "path") shared.insert(param.value("name", ""));
    }
    for (const auto& [method, operation] : item.items()) {
      if (!kOperationKeys.contains(method)) continue;
      std::set<std::string> declared = shared;
      for (const auto& p : operation.value("parameters", json::array())) {
        const json& param = resolve(doc_, p);
        if (param.value("in", "") == "path") declared.insert(param.value("name", ""));
      }
      EXPECT_EQ(declared, in_template) << method << " " << path
                                       << ": path parameters declared differ from those in the template";
    }
  }
}

TEST_F(OpenApiTest, ServerHandsOutTheEmbeddedDocumentWithoutLogin) {
  std::unique_ptr<TestApp> app;
  REDRESS_START_TEST_APP(EngineParam::kSqlite, app);
  const auto response = app->call("", "GET", "/api/openapi.json");
  ASSERT_EQ(response.status, 200) << response.body;
  const auto content_type = response.header("content-type");
  ASSERT_TRUE(content_type);
  EXPECT_TRUE(content_type->starts_with("application/json")) << *content_type;
  EXPECT_EQ(response.body, text_);
  EXPECT_EQ(response.json(), doc_);
}

}  // namespace
}  // namespace redress::test
