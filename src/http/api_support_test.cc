#include "http/api_support.h"

#include <gtest/gtest.h>

namespace redress::http {
namespace {

TEST(UrlWithoutSecrets, KeepsSchemeHostPortAndPathOnly) {
  EXPECT_EQ(url_without_secrets("imaps://bot:s3cret@mail.example.com:993/INBOX?k=1#x"),
            "imaps://mail.example.com:993/INBOX");
  EXPECT_EQ(url_without_secrets("https://hooks.example.com/reply?token=abc"), "https://hooks.example.com/reply");
  EXPECT_EQ(url_without_secrets("imap://mail.example.com"), "imap://mail.example.com");
  // A password with a '/' or an '@' in it is dropped whole.
  EXPECT_EQ(url_without_secrets("imap://bot:pa/ss@w@mail.example.com:143"), "imap://mail.example.com:143");
  EXPECT_EQ(url_without_secrets(""), "");
}

TEST(UrlWithoutSecrets, HostOfIsHostAndPort) {
  EXPECT_EQ(host_of("imaps://bot:s3cret@mail.example.com:993/INBOX"), "mail.example.com:993");
  EXPECT_EQ(host_of("imap://127.0.0.1:1143"), "127.0.0.1:1143");
  EXPECT_EQ(host_of(""), "");
}

}  // namespace
}  // namespace redress::http
