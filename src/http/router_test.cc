#include "http/router.h"

#include <gtest/gtest.h>

namespace redress::http {
namespace {

Handler answering(std::string body) {
  return [body](const Request&, const PathParams&) { return Response::json(200, body); };
}

std::string answer(const Router::Match& match) {
  return match.route->handler(Request{}, match.params).body;
}

TEST(RouterTest, LiteralSegmentBeatsCaptureRegardlessOfOrder) {
  Router router;
  router.add("GET", "/tickets/{id}", answering("capture"));
  router.add("GET", "/tickets/mine", answering("literal"));

  auto match = router.match("GET", "/tickets/mine");
  ASSERT_NE(match.route, nullptr);
  EXPECT_EQ(answer(match), "literal");
  EXPECT_EQ(match.route->pattern, "/tickets/mine");
  EXPECT_TRUE(match.params.empty());

  auto other = router.match("GET", "/tickets/42");
  ASSERT_NE(other.route, nullptr);
  EXPECT_EQ(answer(other), "capture");
}

TEST(RouterTest, LiteralWinsAtTheFirstDepthWhereRoutesDiffer) {
  Router router;
  router.add("GET", "/a/{x}/c", answering("capture first"));
  router.add("GET", "/a/b/{y}", answering("literal first"));

  auto match = router.match("GET", "/a/b/c");
  ASSERT_NE(match.route, nullptr);
  EXPECT_EQ(answer(match), "literal first");
  EXPECT_EQ(match.params.at("y"), "c");
}

TEST(RouterTest, CapturesNamedSegments) {
  Router router;
  router.add("GET", "/api/v1/tickets/{id}/comments/{comment}", answering("comment"));

  auto match = router.match("GET", "/api/v1/tickets/17/comments/3");
  ASSERT_NE(match.route, nullptr);
  EXPECT_EQ(match.params.at("id"), "17");
  EXPECT_EQ(match.params.at("comment"), "3");
}

TEST(RouterTest, SegmentCountMustMatch) {
  Router router;
  router.add("GET", "/tickets/{id}", answering("ticket"));

  EXPECT_EQ(router.match("GET", "/tickets").route, nullptr);
  EXPECT_EQ(router.match("GET", "/tickets/1/history").route, nullptr);
  EXPECT_FALSE(router.match("GET", "/tickets/1/history").path_known);
}

TEST(RouterTest, KnownPathWithOtherMethodReportsAllowedMethods) {
  Router router;
  router.add("GET", "/tickets/{id}", answering("get"));
  router.add("PATCH", "/tickets/{id}", answering("patch"));

  auto match = router.match("DELETE", "/tickets/5");
  EXPECT_EQ(match.route, nullptr);
  EXPECT_TRUE(match.path_known);
  EXPECT_EQ(match.allowed_methods, (std::vector<std::string>{"GET", "PATCH"}));
}

TEST(RouterTest, AllowedMethodsAreListedOnce) {
  Router router;
  router.add("GET", "/tickets/{id}", answering("ticket"));
  router.add("GET", "/tickets/mine", answering("mine"));

  auto match = router.match("DELETE", "/tickets/mine");
  EXPECT_TRUE(match.path_known);
  EXPECT_EQ(match.allowed_methods, (std::vector<std::string>{"GET"}));
}

TEST(RouterTest, UnknownPathIsNotKnown) {
  Router router;
  router.add("GET", "/tickets", answering("list"));

  auto match = router.match("GET", "/queues");
  EXPECT_EQ(match.route, nullptr);
  EXPECT_FALSE(match.path_known);
  EXPECT_TRUE(match.allowed_methods.empty());
}

TEST(RouterTest, MethodsAreDistinctRoutes) {
  Router router;
  router.add("GET", "/tickets", answering("list"));
  router.add("POST", "/tickets", answering("create"));

  EXPECT_EQ(answer(router.match("GET", "/tickets")), "list");
  EXPECT_EQ(answer(router.match("POST", "/tickets")), "create");
}

TEST(RouterTest, EmptySegmentsAndTrailingSlashAreIgnored) {
  Router router;
  router.add("GET", "/tickets/{id}", answering("ticket"));

  auto match = router.match("GET", "/tickets/9/");
  ASSERT_NE(match.route, nullptr);
  EXPECT_EQ(match.params.at("id"), "9");
}

}  // namespace
}  // namespace redress::http
