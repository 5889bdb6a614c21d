#include "mail/compose.h"

#include <gmime/gmime.h>
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "mail/gmime_init.h"

// Parsed back with GMime's own parser (not mail/parse.h) so that these tests check the bytes
// compose_mail writes against an independent reader.
namespace redress::mail {
namespace {

struct Unref {
  void operator()(gpointer p) const { g_object_unref(p); }
};
template <typename T>
using GPtr = std::unique_ptr<T, Unref>;

GPtr<GMimeMessage> parse(const std::string& raw) {
  ensure_gmime();
  GPtr<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(raw.data(), raw.size()));
  GPtr<GMimeParser> parser(g_mime_parser_new_with_stream(stream.get()));
  return GPtr<GMimeMessage>(g_mime_parser_construct_message(parser.get(), nullptr));
}

// GMime's parser files a message's Content-* headers under its top MIME part.
std::string header(GMimeMessage* m, const char* name) {
  const char* v = g_mime_object_get_header(GMIME_OBJECT(m), name);
  if (!v && g_mime_message_get_mime_part(m)) v = g_mime_object_get_header(g_mime_message_get_mime_part(m), name);
  return v ? v : "";
}

std::vector<Address> addresses(GMimeMessage* m, GMimeAddressType type) {
  std::vector<Address> out;
  InternetAddressList* list = g_mime_message_get_addresses(m, type);
  for (int i = 0; i < internet_address_list_length(list); ++i) {
    InternetAddress* a = internet_address_list_get_address(list, i);
    const char* name = internet_address_get_name(a);
    out.push_back({name ? name : "", internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(a))});
  }
  return out;
}

std::string content_type(GMimeObject* part) {
  GMimeContentType* ct = g_mime_object_get_content_type(part);
  return std::string(g_mime_content_type_get_media_type(ct)) + "/" + g_mime_content_type_get_media_subtype(ct);
}

std::string charset(GMimeObject* part) {
  const char* c = g_mime_object_get_content_type_parameter(part, "charset");
  return c ? c : "";
}

// The decoded text with CRLF turned back into LF (base64 text carries CRLF inside).
std::string text_of(GMimeObject* part) {
  char* t = g_mime_text_part_get_text(GMIME_TEXT_PART(part));
  std::string s = t ? t : "";
  g_free(t);
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\r' && i + 1 < s.size() && s[i + 1] == '\n') continue;
    out += s[i];
  }
  return out;
}

// "" when the part has no Content-Transfer-Encoding (which means 7bit).
std::string encoding_of(GMimeObject* part) {
  const char* e = g_mime_content_encoding_to_string(g_mime_part_get_content_encoding(GMIME_PART(part)));
  return e ? e : "";
}

// The raw header block (up to the first empty line), unfolded lines kept as written.
std::string header_block(const std::string& raw) { return raw.substr(0, raw.find("\r\n\r\n") + 2); }

void expect_smtp_safe(const std::string& raw) {
  size_t line_start = 0;
  for (size_t i = 0; i < raw.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(raw[i]);
    EXPECT_LT(c, 0x80) << "8-bit byte at " << i;
    if (c == '\n') {
      ASSERT_TRUE(i > 0 && raw[i - 1] == '\r') << "bare LF at " << i;
      EXPECT_LE(i - 1 - line_start, 998u) << "line too long at " << line_start;
      line_start = i + 1;
    } else if (c == '\r') {
      ASSERT_TRUE(i + 1 < raw.size() && raw[i + 1] == '\n') << "bare CR at " << i;
    }
  }
  EXPECT_TRUE(raw.ends_with("\r\n"));
}

OutgoingMail sample() {
  OutgoingMail m;
  m.from = {"Équipe Support, Inc.", "support@example.com"};
  m.to = {{"Zoë \"Z\" Müller", "zoe@example.org"}, {"", "bob@example.net"}};
  m.cc = {{"Иван Петров", "ivan@example.ru"}};
  m.reply_to = {{"", "reply@example.com"}};
  m.subject = "Re: [#2024-0042] Votre café ☕ est prêt — et ce sujet est assez long pour être plié";
  m.text = "Bonjour Zoë,\n\nvotre café est prêt.\n\n-- \nRedress\n";
  m.html = "<p>Bonjour Zoë,</p>\n<p>votre café est prêt.</p>\n";
  m.message_id = "r.42.abc@example.com";
  m.in_reply_to = "original@client.example";
  m.references = {"first@client.example", "second@example.com", "original@client.example"};
  m.language = "fr";
  m.auto_submitted = "auto-replied";
  m.date = TimePoint(std::chrono::seconds(1700000000));
  m.extra_headers = {{"X-Redress-Ticket", "2024-0042"}};
  return m;
}

TEST(ComposeMail, HeadersDecodeBack) {
  const OutgoingMail m = sample();
  const std::string raw = compose_mail(m);
  auto parsed = parse(raw);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(g_mime_message_get_subject(parsed.get()), m.subject);

  auto from = addresses(parsed.get(), GMIME_ADDRESS_TYPE_FROM);
  ASSERT_EQ(from.size(), 1u);
  EXPECT_EQ(from[0].name, "Équipe Support, Inc.");
  EXPECT_EQ(from[0].email, "support@example.com");
  auto to = addresses(parsed.get(), GMIME_ADDRESS_TYPE_TO);
  ASSERT_EQ(to.size(), 2u);
  EXPECT_EQ(to[0].name, "Zoë \"Z\" Müller");
  EXPECT_EQ(to[0].email, "zoe@example.org");
  EXPECT_EQ(to[1].name, "");
  EXPECT_EQ(to[1].email, "bob@example.net");
  auto cc = addresses(parsed.get(), GMIME_ADDRESS_TYPE_CC);
  ASSERT_EQ(cc.size(), 1u);
  EXPECT_EQ(cc[0].name, "Иван Петров");
  auto reply_to = addresses(parsed.get(), GMIME_ADDRESS_TYPE_REPLY_TO);
  ASSERT_EQ(reply_to.size(), 1u);
  EXPECT_EQ(reply_to[0].email, "reply@example.com");

  EXPECT_STREQ(g_mime_message_get_message_id(parsed.get()), "r.42.abc@example.com");
  EXPECT_EQ(header(parsed.get(), "In-Reply-To"), "<original@client.example>");
  GMimeReferences* refs = g_mime_references_parse(nullptr, header(parsed.get(), "References").c_str());
  ASSERT_EQ(g_mime_references_length(refs), 3);
  EXPECT_STREQ(g_mime_references_get_message_id(refs, 0), "first@client.example");
  EXPECT_STREQ(g_mime_references_get_message_id(refs, 2), "original@client.example");
  g_mime_references_free(refs);

  EXPECT_EQ(header(parsed.get(), "Content-Language"), "fr");
  EXPECT_EQ(header(parsed.get(), "Auto-Submitted"), "auto-replied");
  EXPECT_EQ(header(parsed.get(), "X-Redress-Ticket"), "2024-0042");
  EXPECT_EQ(header(parsed.get(), "MIME-Version"), "1.0");

  GDateTime* date = g_mime_message_get_date(parsed.get());
  ASSERT_NE(date, nullptr);
  EXPECT_EQ(g_date_time_to_unix(date), 1700000000);
}

TEST(ComposeMail, NonAsciiHeadersAreEncodedWords) {
  const std::string raw = compose_mail(sample());
  const std::string headers = header_block(raw);
  EXPECT_NE(headers.find("Subject: "), std::string::npos);
  EXPECT_NE(headers.find("=?"), std::string::npos) << headers;
  EXPECT_EQ(headers.find("café"), std::string::npos) << "raw UTF-8 in a header";
  EXPECT_EQ(headers.find("Иван"), std::string::npos) << "raw UTF-8 in a header";
}

TEST(ComposeMail, TextAndHtmlMakeMultipartAlternative) {
  const OutgoingMail m = sample();
  auto parsed = parse(compose_mail(m));
  ASSERT_TRUE(parsed);
  GMimeObject* body = g_mime_message_get_mime_part(parsed.get());
  ASSERT_TRUE(GMIME_IS_MULTIPART(body));
  EXPECT_EQ(content_type(body), "multipart/alternative");
  GMimeMultipart* alt = GMIME_MULTIPART(body);
  ASSERT_EQ(g_mime_multipart_get_count(alt), 2);

  GMimeObject* plain = g_mime_multipart_get_part(alt, 0);
  EXPECT_EQ(content_type(plain), "text/plain");
  EXPECT_EQ(charset(plain), "utf-8");
  EXPECT_EQ(text_of(plain), m.text);
  GMimeObject* html = g_mime_multipart_get_part(alt, 1);
  EXPECT_EQ(content_type(html), "text/html");
  EXPECT_EQ(charset(html), "utf-8");
  EXPECT_EQ(text_of(html), m.html);
}

TEST(ComposeMail, TextOnlyIsOneTextPart) {
  OutgoingMail m = sample();
  m.html.clear();
  m.text = "Plain ASCII text.\nSecond line.\n";
  const std::string raw = compose_mail(m);
  auto parsed = parse(raw);
  ASSERT_TRUE(parsed);
  GMimeObject* body = g_mime_message_get_mime_part(parsed.get());
  ASSERT_TRUE(GMIME_IS_TEXT_PART(body));
  EXPECT_EQ(content_type(body), "text/plain");
  EXPECT_EQ(charset(body), "utf-8");
  EXPECT_TRUE(encoding_of(body) == "" || encoding_of(body) == "7bit") << encoding_of(body);
  EXPECT_EQ(text_of(body), m.text);
  expect_smtp_safe(raw);
}

TEST(ComposeMail, EveryLineEndsInCrlfAndFitsSmtp) {
  OutgoingMail m = sample();
  // Mixed line ends in, CRLF only out; a 3000-character line must be wrapped (QP).
  m.text = "one\r\ntwo\nthree\rfour\n" + std::string(3000, 'x') + "\n";
  for (int i = 0; i < 40; ++i) m.references.push_back("ref-" + std::to_string(i) + "-abcdefghijklmnopqrstuvwxyz@mail.example.org");
  const std::string raw = compose_mail(m);
  expect_smtp_safe(raw);
  for (const auto& line : {std::string("References:"), std::string("Subject:")}) {
    const size_t at = raw.find(line);
    ASSERT_NE(at, std::string::npos);
    EXPECT_LE(raw.find("\r\n", at) - at, 78u) << line << " is not folded";
  }
  auto parsed = parse(raw);
  ASSERT_TRUE(parsed);
  GMimeObject* plain = g_mime_multipart_get_part(GMIME_MULTIPART(g_mime_message_get_mime_part(parsed.get())), 0);
  EXPECT_EQ(encoding_of(plain), "quoted-printable");
  EXPECT_EQ(text_of(plain), "one\ntwo\nthree\nfour\n" + std::string(3000, 'x') + "\n");
}

TEST(ComposeMail, MostlyNonAsciiTextIsBase64WithCanonicalLineEnds) {
  OutgoingMail m = sample();
  m.html.clear();
  m.text = "Здравствуйте, Иван!\nВаш запрос решён.\n";
  const std::string raw = compose_mail(m);
  expect_smtp_safe(raw);
  auto parsed = parse(raw);
  ASSERT_TRUE(parsed);
  GMimeObject* body = g_mime_message_get_mime_part(parsed.get());
  EXPECT_EQ(encoding_of(body), "base64");
  // RFC 2045: text is encoded in its canonical form, with CRLF line ends.
  char* decoded = g_mime_text_part_get_text(GMIME_TEXT_PART(body));
  EXPECT_STREQ(decoded, "Здравствуйте, Иван!\r\nВаш запрос решён.\r\n");
  g_free(decoded);
}

TEST(ComposeMail, OptionalHeadersAreLeftOutWhenEmpty) {
  OutgoingMail m = sample();
  m.in_reply_to.clear();
  m.references.clear();
  m.language.clear();
  m.auto_submitted.clear();
  m.extra_headers.clear();
  m.cc.clear();
  m.reply_to.clear();
  const std::string headers = header_block(compose_mail(m));
  for (const char* name : {"In-Reply-To:", "References:", "Content-Language:", "Auto-Submitted:", "Cc:", "Reply-To:",
                           "X-Redress-Ticket:"}) {
    EXPECT_EQ(headers.find(std::string("\n") + name), std::string::npos) << name;
  }
  EXPECT_NE(headers.find("Message-Id: <r.42.abc@example.com>"), std::string::npos) << headers;
  EXPECT_NE(headers.find("Date: Tue, 14 Nov 2023 22:13:20 +0000"), std::string::npos) << headers;
}

TEST(ComposeMail, LineBreaksInHeaderValuesCannotAddHeaders) {
  OutgoingMail m = sample();
  m.subject = "Hello\r\nBcc: victim@example.net";
  m.to = {{"Eve\nBcc: other@example.net", "eve@example.org"}};
  m.extra_headers = {{"X-Redress-Ticket", "1\r\nX-Injected: yes"}};
  const std::string raw = compose_mail(m);
  auto parsed = parse(raw);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(g_mime_object_get_header(GMIME_OBJECT(parsed.get()), "Bcc"), nullptr);
  EXPECT_EQ(g_mime_object_get_header(GMIME_OBJECT(parsed.get()), "X-Injected"), nullptr);
  EXPECT_EQ(std::string(g_mime_message_get_subject(parsed.get())), "Hello  Bcc: victim@example.net");
  expect_smtp_safe(raw);
}

TEST(ComposeMail, BadExtraHeaderNameIsABug) {
  OutgoingMail m = sample();
  m.extra_headers = {{"X-Bad Name", "v"}};
  EXPECT_THROW(compose_mail(m), std::invalid_argument);
}

}  // namespace
}  // namespace redress::mail
