#include "http/metrics.h"

#include <gtest/gtest.h>

namespace redress::http {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;

bool has_line(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos || text.starts_with(line + "\n");
}

TEST(MetricsTest, RendersHelpAndTypeEvenWhenEmpty) {
  Metrics metrics;
  auto text = metrics.render();
  EXPECT_TRUE(has_line(text, "# TYPE redress_http_requests_total counter")) << text;
  EXPECT_TRUE(has_line(text, "# TYPE redress_http_request_duration_seconds histogram")) << text;
  EXPECT_NE(text.find("# HELP redress_http_requests_total "), std::string::npos);
  EXPECT_NE(text.find("# HELP redress_http_request_duration_seconds "), std::string::npos);
}

TEST(MetricsTest, CountsByRouteMethodAndStatus) {
  Metrics metrics;
  metrics.observe("/api/v1/tickets/{id}", "GET", 200, milliseconds(3));
  metrics.observe("/api/v1/tickets/{id}", "GET", 200, milliseconds(4));
  metrics.observe("/api/v1/tickets/{id}", "GET", 404, milliseconds(1));
  metrics.observe("unmatched", "POST", 404, microseconds(100));

  auto text = metrics.render();
  EXPECT_TRUE(has_line(text, R"(redress_http_requests_total{route="/api/v1/tickets/{id}",method="GET",status="200"} 2)"))
      << text;
  EXPECT_TRUE(has_line(text, R"(redress_http_requests_total{route="/api/v1/tickets/{id}",method="GET",status="404"} 1)"));
  EXPECT_TRUE(has_line(text, R"(redress_http_requests_total{route="unmatched",method="POST",status="404"} 1)"));
}

TEST(MetricsTest, HistogramBucketsAreCumulativeWithSumAndCount) {
  Metrics metrics;
  metrics.observe("/r", "GET", 200, microseconds(200));   // <= 0.0005
  metrics.observe("/r", "GET", 200, milliseconds(1));     // exactly 0.001: le is inclusive
  metrics.observe("/r", "GET", 200, milliseconds(30));    // <= 0.05
  metrics.observe("/r", "GET", 500, std::chrono::seconds(7));  // only +Inf

  auto text = metrics.render();
  auto bucket = [](const char* le, int n) {
    return std::string(R"(redress_http_request_duration_seconds_bucket{route="/r",le=")") + le + "\"} " +
           std::to_string(n);
  };
  EXPECT_TRUE(has_line(text, bucket("0.0005", 1))) << text;
  EXPECT_TRUE(has_line(text, bucket("0.001", 2)));
  EXPECT_TRUE(has_line(text, bucket("0.025", 2)));
  EXPECT_TRUE(has_line(text, bucket("0.05", 3)));
  EXPECT_TRUE(has_line(text, bucket("5", 3)));
  EXPECT_TRUE(has_line(text, bucket("+Inf", 4)));
  EXPECT_TRUE(has_line(text, R"(redress_http_request_duration_seconds_count{route="/r"} 4)"));
  const std::string sum_prefix = R"(redress_http_request_duration_seconds_sum{route="/r"} )";
  auto sum_at = text.find(sum_prefix);
  ASSERT_NE(sum_at, std::string::npos);
  EXPECT_NEAR(std::stod(text.substr(sum_at + sum_prefix.size())), 7.0312, 1e-9);
}

TEST(MetricsTest, EveryRouteHasAllFourteenBuckets) {
  Metrics metrics;
  metrics.observe("/a", "GET", 200, milliseconds(1));
  metrics.observe("/b", "GET", 200, milliseconds(1));
  auto text = metrics.render();
  size_t buckets = 0;
  for (size_t at = text.find("_bucket{"); at != std::string::npos; at = text.find("_bucket{", at + 1)) ++buckets;
  EXPECT_EQ(buckets, 28u);
}

TEST(MetricsTest, EscapesLabelValues) {
  Metrics metrics;
  metrics.observe("a\"b\\c\nd", "GET", 200, milliseconds(1));
  auto text = metrics.render();
  EXPECT_TRUE(has_line(text, R"(redress_http_requests_total{route="a\"b\\c\nd",method="GET",status="200"} 1)")) << text;
}

TEST(MetricsTest, UnknownMethodsShareOneLabel) {
  Metrics metrics;
  metrics.observe("unmatched", "BREW", 405, milliseconds(1));
  metrics.observe("unmatched", "X-ANYTHING", 405, milliseconds(1));
  auto text = metrics.render();
  EXPECT_TRUE(has_line(text, R"(redress_http_requests_total{route="unmatched",method="OTHER",status="405"} 2)")) << text;
}

}  // namespace
}  // namespace redress::http
