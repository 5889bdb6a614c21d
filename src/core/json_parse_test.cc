#include "core/json_parse.h"

#include <string>

#include <gtest/gtest.h>

namespace redress {
namespace {

std::string nested_arrays(int depth) { return std::string(depth, '[') + std::string(depth, ']'); }

// {"f": [[...]]} as the hostile-input probe sent it in a ticket's fields.
std::string nested_fields(int depth) { return R"({"fields":{"f":)" + nested_arrays(depth) + "}}"; }

TEST(ParseJson, TakesNestingUpToTheBound) {
  JsonProblem why = JsonProblem::kSyntax;
  // The object and "fields" are two levels; the arrays fill the rest up to the bound.
  const auto v = parse_json(nested_fields(kMaxJsonDepth - 2), &why);
  ASSERT_FALSE(v.is_discarded());
  EXPECT_EQ(why, JsonProblem::kNone);
  EXPECT_TRUE(v["fields"]["f"].is_array());
}

TEST(ParseJson, RefusesOneLevelPastTheBound) {
  JsonProblem why = JsonProblem::kNone;
  const auto v = parse_json(nested_fields(kMaxJsonDepth - 1), &why);
  EXPECT_TRUE(v.is_discarded());
  EXPECT_EQ(why, JsonProblem::kTooDeep);
}

TEST(ParseJson, RefusesAHundredThousandLevelsWithoutCrashing) {
  JsonProblem why = JsonProblem::kNone;
  const auto v = parse_json(nested_fields(100'000), &why);
  EXPECT_TRUE(v.is_discarded());
  EXPECT_EQ(why, JsonProblem::kTooDeep);
  // Objects count as much as arrays.
  std::string objects;
  for (int i = 0; i < 100'000; ++i) objects += R"({"a":)";
  objects += "1" + std::string(100'000, '}');
  EXPECT_TRUE(parse_json(objects, &why).is_discarded());
  EXPECT_EQ(why, JsonProblem::kTooDeep);
}

TEST(ParseJson, DeepButBrokenTextIsASyntaxErrorOrTooDeepNeverAValue) {
  JsonProblem why = JsonProblem::kNone;
  EXPECT_TRUE(parse_json(std::string(100'000, '['), &why).is_discarded());
  EXPECT_NE(why, JsonProblem::kNone);
  EXPECT_TRUE(parse_json("{\"a\":", &why).is_discarded());
  EXPECT_EQ(why, JsonProblem::kSyntax);
}

TEST(ParseJson, BracketsInsideStringsAreNotNesting) {
  JsonProblem why = JsonProblem::kSyntax;
  const std::string text = R"({"s":")" + std::string(10'000, '[') + R"("})";
  const auto v = parse_json(text, &why);
  ASSERT_FALSE(v.is_discarded());
  EXPECT_EQ(why, JsonProblem::kNone);
  EXPECT_EQ(v["s"].get<std::string>().size(), 10'000u);
}

TEST(ParseJson, AScalarAtTheTopIsAValue) {
  EXPECT_EQ(parse_json("42").get<int>(), 42);
  EXPECT_TRUE(parse_json("null").is_null());
}

// Values built in code are not bounded by the parser: nlohmann::json frees nested
// arrays and objects with a heap stack, not by recursion, so dropping one this deep is
// safe (it would overflow the stack otherwise). Copying or dumping it would recurse:
// which is why nothing from outside may get this deep.
TEST(ParseJson, DestroyingADeepValueDoesNotRecurse) {
  nlohmann::json v = nlohmann::json::array();
  for (int i = 0; i < 500'000; ++i) {
    nlohmann::json outer = nlohmann::json::array();
    outer.push_back(std::move(v));
    v = std::move(outer);
  }
  v = nullptr;
  EXPECT_TRUE(v.is_null());
}

}  // namespace
}  // namespace redress
