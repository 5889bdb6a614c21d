#include "http/message.h"

#include <gtest/gtest.h>

namespace redress::http {
namespace {

struct Target {
  bool ok;
  std::string path;
  std::multimap<std::string, std::string> query;
};

Target parse(std::string_view target) {
  Target t;
  t.ok = parse_target(target, t.path, t.query);
  return t;
}

TEST(ParseTargetTest, SplitsPathAndDecodesQuery) {
  auto t = parse("/api/v1/tickets?status=open&q=printer+jam&page=2");
  ASSERT_TRUE(t.ok);
  EXPECT_EQ(t.path, "/api/v1/tickets");
  EXPECT_EQ(t.query, (std::multimap<std::string, std::string>{
                         {"page", "2"}, {"q", "printer jam"}, {"status", "open"}}));
}

TEST(ParseTargetTest, PercentDecodesPathButKeepsPlus) {
  auto t = parse("/files/a%20b+c%2Fd");
  ASSERT_TRUE(t.ok);
  EXPECT_EQ(t.path, "/files/a b+c/d");
}

TEST(ParseTargetTest, QueryPlusIsSpaceAndEncodedPlusIsPlus) {
  auto t = parse("/search?q=a+b%2Bc&k%3Dx=%26");
  ASSERT_TRUE(t.ok);
  EXPECT_EQ(t.query.find("q")->second, "a b+c");
  EXPECT_EQ(t.query.find("k=x")->second, "&");
}

TEST(ParseTargetTest, RepeatedAndValuelessParametersAreKept) {
  auto t = parse("/t?tag=a&&tag=b&flag");
  ASSERT_TRUE(t.ok);
  EXPECT_EQ(t.query.count("tag"), 2u);
  EXPECT_EQ(t.query.find("flag")->second, "");
}

TEST(ParseTargetTest, RejectsBrokenEscapes) {
  EXPECT_FALSE(parse("/a%zz").ok);
  EXPECT_FALSE(parse("/a%4").ok);
  EXPECT_FALSE(parse("/a%").ok);
  EXPECT_FALSE(parse("/a?x=%g1").ok);
  EXPECT_FALSE(parse("/a?x%=1").ok);
  EXPECT_TRUE(parse("/a%41").ok);
}

TEST(ParseTargetTest, DecodesUpperAndLowerHex) {
  auto t = parse("/%e2%82%AC");
  ASSERT_TRUE(t.ok);
  EXPECT_EQ(t.path, "/\xe2\x82\xac");
}

TEST(RequestTest, HeaderNamesAreCaseInsensitive) {
  Request req;
  req.headers["Content-Type"] = "application/json";
  EXPECT_EQ(req.header("content-type"), "application/json");
  EXPECT_EQ(req.header("CONTENT-TYPE"), "application/json");
  EXPECT_EQ(req.header("Accept"), std::nullopt);

  req.headers["content-type"] = "text/plain";  // the same header, not a second one
  EXPECT_EQ(req.headers.size(), 1u);
  EXPECT_EQ(req.header("Content-Type"), "text/plain");
}

TEST(RequestTest, ReadsCookiesByExactName) {
  Request req;
  req.headers["Cookie"] = "theme=dark; session=abc123;sid=x; empty=";
  EXPECT_EQ(req.cookie("session"), "abc123");
  EXPECT_EQ(req.cookie("theme"), "dark");
  EXPECT_EQ(req.cookie("sid"), "x");
  EXPECT_EQ(req.cookie("empty"), "");
  EXPECT_EQ(req.cookie("ession"), std::nullopt);
  EXPECT_EQ(req.cookie("missing"), std::nullopt);
}

TEST(RequestTest, CookieValueMayContainEquals) {
  Request req;
  req.headers["cookie"] = "token=a=b==";
  EXPECT_EQ(req.cookie("token"), "a=b==");
}

TEST(RequestTest, NoCookieHeaderMeansNoCookies) {
  Request req;
  EXPECT_EQ(req.cookie("session"), std::nullopt);
}

TEST(RequestTest, QueryParamReturnsFirstValue) {
  Request req;
  req.query.emplace("page", "3");
  EXPECT_EQ(req.query_param("page"), "3");
  EXPECT_EQ(req.query_param("size"), std::nullopt);
}

TEST(ResponseTest, NoContentHasNoContentType) {
  auto r = Response::no_content();
  EXPECT_EQ(r.status, 204);
  EXPECT_TRUE(r.content_type.empty());
  EXPECT_TRUE(r.body.empty());
}

}  // namespace
}  // namespace redress::http
