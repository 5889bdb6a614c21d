#include "http/json_input.h"

#include <gtest/gtest.h>

namespace redress::http {
namespace {

Request post(std::string body, std::string content_type = "application/json") {
  Request r;
  r.method = "POST";
  r.target = r.path = "/api/v1/tickets";
  if (!content_type.empty()) r.headers["Content-Type"] = std::move(content_type);
  r.body = std::move(body);
  return r;
}

nlohmann::json object(const char* text) { return nlohmann::json::parse(text); }

TEST(JsonBodyTest, ObjectWithJsonContentTypeParses) {
  auto j = parse_json_body(post(R"({"subject":"Broken"})"));
  ASSERT_TRUE(j.has_value()) << j.error().message;
  EXPECT_EQ((*j)["subject"], "Broken");
}

TEST(JsonBodyTest, ContentTypeWithCharsetIsJson) {
  EXPECT_TRUE(parse_json_body(post("{}", "application/json; charset=utf-8")).has_value());
}

TEST(JsonBodyTest, WrongContentTypeIsUnsupportedMedia) {
  auto j = parse_json_body(post(R"({"a":1})", "text/plain"));
  ASSERT_FALSE(j.has_value());
  EXPECT_EQ(j.error().code, ErrorCode::kUnsupportedMedia);
}

TEST(JsonBodyTest, BodyWithoutContentTypeIsUnsupportedMedia) {
  auto j = parse_json_body(post(R"({"a":1})", ""));
  ASSERT_FALSE(j.has_value());
  EXPECT_EQ(j.error().code, ErrorCode::kUnsupportedMedia);
}

TEST(JsonBodyTest, MalformedJsonIsMalformed) {
  for (const char* body : {"{", R"({"a":})", "{'a':1}", R"({"a":1} trailing)", ""}) {
    auto j = parse_json_body(post(body));
    ASSERT_FALSE(j.has_value()) << body;
    EXPECT_EQ(j.error().code, ErrorCode::kMalformed) << body;
  }
}

TEST(JsonBodyTest, InvalidUtf8IsMalformedEvenInsideAString) {
  auto j = parse_json_body(post("{\"subject\":\"caf\xC3\"}"));
  ASSERT_FALSE(j.has_value());
  EXPECT_EQ(j.error().code, ErrorCode::kMalformed);
  EXPECT_NE(j.error().message.find("UTF-8"), std::string::npos) << j.error().message;
}

TEST(JsonBodyTest, EncodedSurrogateIsMalformed) {
  auto j = parse_json_body(post("{\"subject\":\"\xED\xA0\x80\"}"));
  ASSERT_FALSE(j.has_value());
  EXPECT_EQ(j.error().code, ErrorCode::kMalformed);
}

TEST(JsonBodyTest, TopLevelThatIsNotAnObjectIsMalformed) {
  for (const char* body : {"[]", "[1,2]", "\"text\"", "42", "null", "true"}) {
    auto j = parse_json_body(post(body));
    ASSERT_FALSE(j.has_value()) << body;
    EXPECT_EQ(j.error().code, ErrorCode::kMalformed) << body;
  }
}

TEST(ObjectReaderTest, ReadsMembersByType) {
  auto j = object(R"({"subject":"Broken","count":3,"urgent":true,"reason":"late","customer":7})");
  ObjectReader r(j);
  EXPECT_EQ(r.string("subject", true), "Broken");
  EXPECT_EQ(r.integer("count"), 3);
  EXPECT_EQ(r.boolean("urgent"), true);
  auto reason = r.id_or_key("reason");
  ASSERT_TRUE(reason.has_value());
  EXPECT_EQ(reason->first, std::nullopt);
  EXPECT_EQ(reason->second, "late");
  auto customer = r.id_or_key("customer");
  ASSERT_TRUE(customer.has_value());
  EXPECT_EQ(customer->first, 7);
  EXPECT_TRUE(r.finish().has_value());
}

TEST(ObjectReaderTest, AbsentOptionalMembersAreNotErrors) {
  auto j = object("{}");
  ObjectReader r(j);
  EXPECT_EQ(r.string("subject"), std::nullopt);
  EXPECT_EQ(r.integer("count"), std::nullopt);
  EXPECT_EQ(r.boolean("urgent"), std::nullopt);
  EXPECT_TRUE(r.finish().has_value());
}

TEST(ObjectReaderTest, NullCountsAsAbsentButIsVisible) {
  auto j = object(R"({"reason":null})");
  ObjectReader r(j);
  EXPECT_TRUE(r.is_null("reason"));
  EXPECT_EQ(r.id_or_key("reason"), std::nullopt);
  EXPECT_TRUE(r.finish().has_value());
}

TEST(ObjectReaderTest, CollectsEveryProblemIntoOneInvalidError) {
  auto j = object(R"({"subject":5,"count":"three","urgent":"yes","customer":[1]})");
  ObjectReader r(j);
  r.string("subject");
  r.string("description", true);
  r.integer("count");
  r.boolean("urgent");
  r.id_or_key("customer");
  auto done = r.finish();
  ASSERT_FALSE(done.has_value());
  EXPECT_EQ(done.error().code, ErrorCode::kInvalid);
  EXPECT_EQ(done.error().fields, (std::map<std::string, std::string>{
                                     {"subject", "must be a string"},
                                     {"description", "required"},
                                     {"count", "must be an integer"},
                                     {"urgent", "must be true or false"},
                                     {"customer", "must be an id (number) or a name (string)"},
                                 }));
}

TEST(ObjectReaderTest, SingleProblemIsNamedInTheMessage) {
  auto j = object("{}");
  ObjectReader r(j);
  r.string("subject", true);
  auto done = r.finish();
  ASSERT_FALSE(done.has_value());
  EXPECT_EQ(done.error().message, "subject: required");
}

TEST(ObjectReaderTest, FloatIsNotAnInteger) {
  auto j = object(R"({"count":1.5})");
  ObjectReader r(j);
  EXPECT_EQ(r.integer("count"), std::nullopt);
  ASSERT_FALSE(r.finish().has_value());
}

TEST(ObjectReaderTest, UnknownFieldIsAnError) {
  auto j = object(R"({"subject":"Broken","subjcet":"typo"})");
  ObjectReader r(j);
  r.string("subject");
  auto done = r.finish();
  ASSERT_FALSE(done.has_value());
  EXPECT_EQ(done.error().code, ErrorCode::kInvalid);
  EXPECT_EQ(done.error().fields, (std::map<std::string, std::string>{{"subjcet", "unknown field"}}));
}

TEST(ObjectReaderTest, RawMarksAMemberAsKnown) {
  auto j = object(R"({"fields":{"x":1}})");
  ObjectReader r(j);
  const auto* fields = r.raw("fields");
  ASSERT_NE(fields, nullptr);
  EXPECT_TRUE(fields->is_object());
  EXPECT_EQ(r.raw("absent"), nullptr);
  EXPECT_TRUE(r.finish().has_value());
}

TEST(ObjectReaderTest, NestedReaderNamesFieldsWithTheirPath) {
  auto j = object(R"({"contacts":[{"name":"Ann","email":7,"phnoe":"1"}]})");
  ObjectReader r(j);
  const auto* contacts = r.raw("contacts");
  ASSERT_NE(contacts, nullptr);
  auto contact = r.nested((*contacts)[0], "contacts[0]");
  EXPECT_EQ(contact.string("name", true), "Ann");
  contact.string("email");
  contact.string("language", true);
  // A nested reader adds its unknown members to the shared list and leaves the verdict
  // to the top-level reader.
  EXPECT_TRUE(contact.finish().has_value());
  auto done = r.finish();
  ASSERT_FALSE(done.has_value());
  EXPECT_EQ(done.error().fields, (std::map<std::string, std::string>{
                                     {"contacts[0].email", "must be a string"},
                                     {"contacts[0].language", "required"},
                                     {"contacts[0].phnoe", "unknown field"},
                                 }));
}

TEST(ObjectReaderTest, ReaderWithPrefixNamesFieldsUnderIt) {
  auto j = object(R"({"reopen_at":5})");
  ObjectReader r(j, "fields");
  r.string("reopen_at");
  r.add_error("other", "custom reason");
  EXPECT_EQ(r.errors(), (std::map<std::string, std::string>{{"fields.reopen_at", "must be a string"},
                                                            {"fields.other", "custom reason"}}));
}

// The probe's finding: 75,000 levels of arrays in a ticket's fields crashed the server.
TEST(JsonBodyTest, DeeplyNestedFieldsAreRefusedNotACrash) {
  const std::string body = R"({"workflow":"support-request","fields":{"f":)" + std::string(100'000, '[') +
                           std::string(100'000, ']') + "}}";
  auto j = parse_json_body(post(body));
  ASSERT_FALSE(j.has_value());
  EXPECT_EQ(j.error().code, ErrorCode::kMalformed);
  EXPECT_NE(j.error().message.find("deeper than 64"), std::string::npos) << j.error().message;
}

TEST(JsonBodyTest, NestingWithinTheBoundIsTaken) {
  const std::string body = R"({"fields":{"f":)" + std::string(40, '[') + std::string(40, ']') + "}}";
  EXPECT_TRUE(parse_json_body(post(body)).has_value());
}

TEST(JsonBodyTest, NulInAStringIsRefusedNamingTheField) {
  auto j = parse_json_body(post(R"({"subject":"ok","fields":{"notes":["fine","bad\u0000"]}})"));
  ASSERT_FALSE(j.has_value());
  EXPECT_EQ(j.error().code, ErrorCode::kInvalid);
  EXPECT_TRUE(j.error().fields.contains("fields.notes[1]")) << j.error().message;
  auto key = parse_json_body(post(R"({"a\u0000b":1})"));
  ASSERT_FALSE(key.has_value());
  EXPECT_EQ(key.error().code, ErrorCode::kInvalid);
}

}  // namespace
}  // namespace redress::http
