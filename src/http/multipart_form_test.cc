#include "http/multipart_form.h"

#include <gtest/gtest.h>

namespace redress::http {
namespace {

const char* kType = "multipart/form-data; boundary=----b0undary";

std::string body_of(std::initializer_list<std::string> parts) {
  std::string out;
  for (const auto& p : parts) out += "------b0undary\r\n" + p + "\r\n";
  return out + "------b0undary--\r\n";
}

TEST(MultipartForm, FieldsAndFilesAsTheBrowserSendsThem) {
  const std::string bin("\x89PNG\r\n\x1a\n\x00\x01\xFF", 11);
  const auto body = body_of({"Content-Disposition: form-data; name=\"_csrf\"\r\n\r\ntok123",
                             "Content-Disposition: form-data; name=\"body\"\r\n\r\nLine one\r\nLine two é",
                             "Content-Disposition: form-data; name=\"file\"; filename=\"photo du colis.png\"\r\n"
                             "Content-Type: image/PNG\r\n\r\n" + bin,
                             "Content-Disposition: form-data; name=\"file\"; filename=\"\"\r\n"
                             "Content-Type: application/octet-stream\r\n\r\n"});
  auto form = parse_multipart_form(kType, body);
  ASSERT_TRUE(form);
  EXPECT_EQ(form->fields.find("_csrf")->second, "tok123");
  EXPECT_EQ(form->fields.find("body")->second, "Line one\r\nLine two é");
  ASSERT_EQ(form->files.size(), 1u);  // the empty input sends nothing worth keeping
  EXPECT_EQ(form->files[0].field, "file");
  EXPECT_EQ(form->files[0].filename, "photo du colis.png");
  EXPECT_EQ(form->files[0].content_type, "image/png");
  EXPECT_EQ(form->files[0].bytes, bin);
}

TEST(MultipartForm, WhatIsNotAMultipartFormIsRefused) {
  EXPECT_FALSE(parse_multipart_form("application/x-www-form-urlencoded", "a=b"));
  EXPECT_FALSE(parse_multipart_form("multipart/form-data\r\nX-Evil: 1; boundary=x", "--x--"));
  EXPECT_TRUE(is_multipart_form("Multipart/Form-Data; boundary=x"));
  auto empty = parse_multipart_form("multipart/form-data; boundary=x", "--x--\r\n");
  EXPECT_TRUE(!empty || (empty->fields.empty() && empty->files.empty()));
}

}  // namespace
}  // namespace redress::http
