#include "http/error_response.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace redress::http {
namespace {

nlohmann::json body_of(const Response& r) { return nlohmann::json::parse(r.body); }

TEST(ErrorResponseTest, EachCodeMapsToItsStatus) {
  const std::pair<ErrorCode, int> expected[] = {
      {ErrorCode::kMalformed, 400},   {ErrorCode::kUnauthenticated, 401}, {ErrorCode::kForbidden, 403},
      {ErrorCode::kNotFound, 404},    {ErrorCode::kConflict, 409},        {ErrorCode::kGone, 410},
      {ErrorCode::kTooLarge, 413},
      {ErrorCode::kUnsupportedMedia, 415}, {ErrorCode::kInvalid, 422},    {ErrorCode::kRateLimited, 429},
      {ErrorCode::kUnavailable, 503}, {ErrorCode::kInternal, 500},
  };
  for (const auto& [code, status] : expected) {
    EXPECT_EQ(status_for(code), status) << to_string(code);
    auto r = error_response(Error(code, "something"));
    EXPECT_EQ(r.status, status) << to_string(code);
    EXPECT_EQ(r.content_type, "application/json") << to_string(code);
    EXPECT_EQ(body_of(r)["error"]["code"], to_string(code));
  }
}

TEST(ErrorResponseTest, BodyHasCodeMessageAndFields) {
  Error e(ErrorCode::kInvalid, "the request has invalid fields");
  e.fields = {{"subject", "required"}, {"contacts[0].email", "not a valid email address"}};
  auto r = error_response(e);
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(body_of(r), nlohmann::json::parse(R"({"error":{
      "code":"invalid",
      "message":"the request has invalid fields",
      "fields":{"subject":"required","contacts[0].email":"not a valid email address"}}})"));
}

TEST(ErrorResponseTest, ErrorWithoutFieldsHasCodeAndMessage) {
  auto r = error_response(Error::not_found("ticket"));
  EXPECT_EQ(r.status, 404);
  auto j = body_of(r);
  ASSERT_TRUE(j.contains("error"));
  EXPECT_EQ(j["error"]["code"], "not_found");
  EXPECT_EQ(j["error"]["message"], "ticket not found");
  EXPECT_EQ(j.size(), 1u);
}

TEST(ErrorResponseTest, SpecificReasonReplacesTheGenericCode) {
  auto r = error_response(Error::forbidden("taken by Ann Agent", "ticket_taken"));
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(body_of(r)["error"]["code"], "ticket_taken");
  EXPECT_EQ(body_of(r)["error"]["message"], "taken by Ann Agent");
}

TEST(ErrorResponseTest, InternalErrorDoesNotLeakItsMessageOrReason) {
  Error e = Error::internal("sqlite: no such table: tickets at /srv/redress/db.sqlite");
  e.reason = "sqlite_error";
  auto r = error_response(e);
  EXPECT_EQ(r.status, 500);
  auto j = body_of(r);
  EXPECT_EQ(j["error"]["code"], "internal");
  EXPECT_EQ(j["error"]["message"], "internal error");
  EXPECT_EQ(r.body.find("sqlite"), std::string::npos) << r.body;
}

TEST(ErrorResponseTest, InvalidUtf8InAMessageStillGivesValidJson) {
  auto r = error_response(Error(ErrorCode::kNotFound, "no ticket \xC3\x28"));
  EXPECT_NO_THROW(body_of(r));
}

}  // namespace
}  // namespace redress::http
