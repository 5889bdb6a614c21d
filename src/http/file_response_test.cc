#include "http/file_response.h"

#include <gtest/gtest.h>

namespace redress::http {
namespace {

TEST(ContentDisposition, Utf8NameIsEncodedWithAnAsciiFallback) {
  EXPECT_EQ(content_disposition(false, "relevé de compte.pdf", "x"),
            "attachment; filename=\"relev__ de compte.pdf\"; filename*=UTF-8''relev%C3%A9%20de%20compte.pdf");
  EXPECT_EQ(content_disposition(true, "photo.jpg", "x"), "inline; filename=\"photo.jpg\"; filename*=UTF-8''photo.jpg");
}

TEST(ContentDisposition, NoLineBreakPathOrQuoteSurvives) {
  const std::string d = content_disposition(false, "../../etc/pass\r\nwd\".txt", "x");
  EXPECT_EQ(d.find('\r'), std::string::npos);
  EXPECT_EQ(d.find('\n'), std::string::npos);
  EXPECT_EQ(d.find('/'), std::string::npos) << d;
  EXPECT_EQ(d, "attachment; filename=\"_.._etc_passwd_.txt\"; filename*=UTF-8''_.._etc_passwd%22.txt");
}

TEST(ContentDisposition, EmptyOrDotsOnlyNameTakesTheFallback) {
  EXPECT_EQ(content_disposition(false, "", "attachment-12"), "attachment; filename=\"attachment-12\"; filename*=UTF-8''attachment-12");
  EXPECT_EQ(content_disposition(false, " .. ", "attachment-12"), "attachment; filename=\"attachment-12\"; filename*=UTF-8''attachment-12");
}

TEST(FileResponse, OnlyImagesAndPdfKeepTheirTypeAndMayBeInline) {
  EXPECT_TRUE(may_show_inline("image/png"));
  EXPECT_TRUE(may_show_inline("application/pdf"));
  EXPECT_FALSE(may_show_inline("image/svg+xml"));  // SVG can hold script
  EXPECT_FALSE(may_show_inline("text/html"));

  auto html = file_response("<script>alert(1)</script>", "text/html", "page.html", "x", true);
  EXPECT_EQ(html.content_type, "application/octet-stream");
  auto header = [](const Response& r, const std::string& name) {
    for (const auto& [k, v] : r.headers)
      if (k == name) return v;
    return std::string();
  };
  EXPECT_TRUE(header(html, "Content-Disposition").starts_with("attachment;"));
  EXPECT_EQ(header(html, "X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(header(html, "Content-Security-Policy"), "default-src 'none'; sandbox");

  auto png = file_response("\x89PNG", "image/png", "p.png", "x", true);
  EXPECT_EQ(png.content_type, "image/png");
  EXPECT_TRUE(header(png, "Content-Disposition").starts_with("inline;"));
  EXPECT_NE(header(png, "Content-Security-Policy").find("sandbox"), std::string::npos);
  auto pdf = file_response("%PDF", "application/pdf", "r.pdf", "x", true);
  EXPECT_TRUE(header(pdf, "Content-Disposition").starts_with("inline;"));
  EXPECT_EQ(header(pdf, "Content-Security-Policy").find("script"), std::string::npos);
  auto download = file_response("%PDF", "application/pdf", "r.pdf", "x", false);
  EXPECT_TRUE(header(download, "Content-Disposition").starts_with("attachment;"));
}

}  // namespace
}  // namespace redress::http
