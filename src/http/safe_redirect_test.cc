#include "http/safe_redirect.h"

#include <gtest/gtest.h>

namespace redress::http {
namespace {

TEST(SafeRedirect, PathsOnThisSiteAreKept) {
  EXPECT_TRUE(is_same_site_path("/"));
  EXPECT_TRUE(is_same_site_path("/desk/tickets/C-2026-000042"));
  EXPECT_TRUE(is_same_site_path("/desk/tickets?q=r%C3%A9clamation&status=open#thread"));
  EXPECT_EQ(same_site_or("/portal", "/x"), "/portal");
}

// The probe's findings: each of these left the site once the browser read it.
TEST(SafeRedirect, OpenRedirectThroughTabOrBackslashIsRefused) {
  EXPECT_FALSE(is_same_site_path("/\t/evil.example/"));
  EXPECT_FALSE(is_same_site_path("/\t\\evil.example/"));
  EXPECT_FALSE(is_same_site_path("/\\evil.example"));
  EXPECT_FALSE(is_same_site_path("\\/evil.example"));
  EXPECT_FALSE(is_same_site_path("//evil.example"));
  EXPECT_FALSE(is_same_site_path("/\n/evil.example"));
  EXPECT_FALSE(is_same_site_path(" //evil.example"));
  EXPECT_FALSE(is_same_site_path("/desk\\..\\..\\evil"));
}

// A line break or NUL would have reached the Location header (a 500 then).
TEST(SafeRedirect, ControlCharactersAreRefused) {
  EXPECT_FALSE(is_same_site_path("/desk\r\nSet-Cookie: a=b"));
  EXPECT_FALSE(is_same_site_path(std::string_view("/desk\0x", 6)));
  EXPECT_FALSE(is_same_site_path("/desk\x7f"));
  EXPECT_FALSE(is_same_site_path("/d\xC3\xA9sk"));  // raw UTF-8: a browser would have sent %C3%A9
  EXPECT_FALSE(is_same_site_path("/a b"));
}

TEST(SafeRedirect, AnythingButAPathIsRefused) {
  EXPECT_FALSE(is_same_site_path(""));
  EXPECT_FALSE(is_same_site_path("https://evil.example/"));
  EXPECT_FALSE(is_same_site_path("javascript:alert(1)"));
  EXPECT_FALSE(is_same_site_path("desk"));
  EXPECT_EQ(same_site_or("https://evil.example/", "/desk/tickets"), "/desk/tickets");
}

}  // namespace
}  // namespace redress::http
