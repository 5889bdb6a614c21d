#include "mail/parse.h"

#include <gtest/gtest.h>

#include <string>

#include "core/crypto.h"

using redress::ErrorCode;
using redress::mail::Attachment;
using redress::mail::bare_message_id;
using redress::mail::parse_mail;
using redress::mail::ParsedMail;
using redress::mail::ParseLimits;

namespace {

ParsedMail parsed(const std::string& raw, const ParseLimits& limits = {}) {
  auto mail = parse_mail(raw, limits);
  EXPECT_TRUE(mail.has_value()) << (mail ? "" : mail.error().message);
  return mail ? *mail : ParsedMail{};
}

std::string subject_of(const std::string& encoded) {
  return parsed("From: a@example.com\nSubject: " + encoded + "\n\nbody\n").subject;
}

bool has_warning(const ParsedMail& mail, std::string_view part) {
  for (const std::string& w : mail.warnings)
    if (w.find(part) != std::string::npos) return true;
  return false;
}

const Attachment* attachment_named(const ParsedMail& mail, std::string_view filename) {
  for (const Attachment& a : mail.attachments)
    if (a.filename == filename) return &a;
  return nullptr;
}

}  // namespace

// --- headers --------------------------------------------------------------------------------

TEST(ParseMailTest, EncodedWordsInQAndB) {
  EXPECT_EQ(subject_of("=?iso-8859-1?q?caf=E9_cr=E8me?="), "caf\xC3\xA9 cr\xC3\xA8me");
  EXPECT_EQ(subject_of("=?UTF-8?B?w6TDtsO8?="), "\xC3\xA4\xC3\xB6\xC3\xBC");
  EXPECT_EQ(subject_of("=?windows-1252?Q?=93quoted=94_=80?="), "\xE2\x80\x9Cquoted\xE2\x80\x9D \xE2\x82\xAC");
  EXPECT_EQ(subject_of("=?koi8-r?B?8NLJ18XU?="), "\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82");  // Привет
}

TEST(ParseMailTest, WhitespaceBetweenEncodedWordsIsDroppedAndSplitCharactersJoin) {
  EXPECT_EQ(subject_of("=?utf-8?q?a?= =?utf-8?q?b?=  plain =?utf-8?q?c?="), "ab plain c");
  // "ä" (C3 A4) split across two words.
  EXPECT_EQ(subject_of("=?utf-8?B?ww==?=\n =?utf-8?B?pA==?="), "\xC3\xA4");
  EXPECT_EQ(subject_of("=?utf-8?Q?=C3?= =?utf-8?Q?=A4x?="), "\xC3\xA4x");
}

TEST(ParseMailTest, SubjectIsFoldedToOneLine) {
  EXPECT_EQ(subject_of("a very\n  long\n\tsubject"), "a very long subject");
  EXPECT_EQ(subject_of("=?UTF-8?B?DQphYg==?= cd"), "ab cd");  // an encoded CRLF inside
}

TEST(ParseMailTest, RawEightBitLatin1HeadersAreTolerated) {
  ParsedMail mail = parsed("From: J\xE9r\xF4me <JR@Example.COM>\nSubject: caf\xE9\n\nbody\n");
  EXPECT_EQ(mail.subject, "caf\xC3\xA9");
  ASSERT_TRUE(mail.from.has_value());
  EXPECT_EQ(mail.from->name, "J\xC3\xA9r\xC3\xB4me");
  EXPECT_EQ(mail.from->email, "jr@example.com");
  EXPECT_TRUE(has_warning(mail, "8-bit"));
}

TEST(ParseMailTest, RawEightBitHeadersInTheMessagesCharset) {
  // GB2312 bytes for 你好, with the body declaring gb2312.
  ParsedMail mail = parsed(
      "From: a@example.com\nSubject: \xC4\xE3\xBA\xC3\nContent-Type: text/plain; charset=gb2312\n\n\xC4\xE3\n");
  EXPECT_EQ(mail.subject, "\xE4\xBD\xA0\xE5\xA5\xBD");
}

TEST(ParseMailTest, MislabelledAndUnknownCharsetsInEncodedWords) {
  EXPECT_EQ(subject_of("=?utf-8?Q?caf=E9?="), "caf\xC3\xA9");  // latin-1 bytes under a utf-8 label
  EXPECT_EQ(subject_of("=?x-unknown?Q?caf=C3=A9?="), "caf\xC3\xA9");
  EXPECT_EQ(subject_of("=?iso-gb2312?B?xOO6ww==?="), "\xE4\xBD\xA0\xE5\xA5\xBD");
}

TEST(ParseMailTest, AddressHeaders) {
  ParsedMail mail = parsed(
      "From: \"Doe, Jane\" <Jane.Doe@Example.com>\n"
      "Sender: list@example.org\n"
      "To: a@example.com, =?utf-8?q?J=C3=B6rg?= <joerg@example.com>, Team: x@example.com, y@example.com;\n"
      "Cc: <c@example.com>\n"
      "Reply-To: Replies <replies@example.com>\n\nbody\n");
  ASSERT_TRUE(mail.from.has_value());
  EXPECT_EQ(mail.from->name, "Doe, Jane");
  EXPECT_EQ(mail.from->email, "jane.doe@example.com");
  ASSERT_TRUE(mail.sender.has_value());
  EXPECT_EQ(mail.sender->email, "list@example.org");
  ASSERT_EQ(mail.to.size(), 4u);
  EXPECT_EQ(mail.to[1].name, "J\xC3\xB6rg");
  EXPECT_EQ(mail.to[3].email, "y@example.com");
  ASSERT_EQ(mail.cc.size(), 1u);
  EXPECT_EQ(mail.cc[0].email, "c@example.com");
  ASSERT_EQ(mail.reply_to.size(), 1u);
  EXPECT_EQ(mail.reply_to[0].name, "Replies");
}

TEST(ParseMailTest, BrokenFromHeadersStillNameAnAuthor) {
  // The name in a comment, and an address without a domain.
  ParsedMail comment = parsed("From: MAILER-DAEMON (Mail Delivery System)\n\nx\n");
  ASSERT_TRUE(comment.from.has_value());
  EXPECT_EQ(comment.from->name, "Mail Delivery System");
  EXPECT_EQ(comment.from->email, "mailer-daemon");
  // A junk From before the real one.
  ParsedMail junk = parsed("From: [??????]\nFrom: Real <real@example.com>\n\nx\n");
  ASSERT_TRUE(junk.from.has_value());
  EXPECT_EQ(junk.from->email, "real@example.com");
  // No From at all: Reply-To, with a warning.
  ParsedMail none = parsed("Reply-To: <r@example.com>\nSubject: s\n\nx\n");
  ASSERT_TRUE(none.from.has_value());
  EXPECT_EQ(none.from->email, "r@example.com");
  EXPECT_TRUE(has_warning(none, "From"));
  // Unquoted name and bare address.
  ParsedMail bare = parsed("From: Test test@example.com\n\nx\n");
  ASSERT_TRUE(bare.from.has_value());
  EXPECT_EQ(bare.from->email, "test@example.com");
  EXPECT_EQ(bare.from->name, "Test");
}

TEST(ParseMailTest, AutomationHeaders) {
  ParsedMail mail = parsed(
      "From: a@example.com\nAuto-Submitted: Auto-Replied\nPrecedence: BULK\nList-Id: Users <users.lists.example.org>\n"
      "Return-Path: <Bounces@Example.org>\nContent-Language: de-CH\n\nx\n");
  EXPECT_EQ(mail.auto_submitted, "auto-replied");
  EXPECT_EQ(mail.precedence, "bulk");
  EXPECT_EQ(mail.list_id, "Users <users.lists.example.org>");
  EXPECT_EQ(mail.return_path, "bounces@example.org");
  EXPECT_EQ(mail.content_language, "de-CH");

  ParsedMail null_sender = parsed("From: a@example.com\nReturn-Path: < >\n\nx\n");
  EXPECT_EQ(null_sender.return_path, "<>");
  ParsedMail plain = parsed("From: a@example.com\n\nx\n");
  EXPECT_EQ(plain.auto_submitted, "");
  EXPECT_EQ(plain.return_path, "");
}

TEST(ParseMailTest, MessageIdsReferencesAndInReplyTo) {
  ParsedMail mail = parsed(
      "From: a@example.com\nMessage-ID: <abc.123@example.com>\n"
      "In-Reply-To: <parent@example.com> (Jane's message)\n"
      "References: <root@example.com>\n <middle@example.com>\t<parent@example.com>\n\nx\n");
  EXPECT_EQ(mail.message_id, "abc.123@example.com");
  EXPECT_EQ(mail.in_reply_to, (std::vector<std::string>{"parent@example.com"}));
  EXPECT_EQ(mail.references,
            (std::vector<std::string>{"root@example.com", "middle@example.com", "parent@example.com"}));
  EXPECT_EQ(parsed("From: a@example.com\nMessage-Id: bare-id@example.com\n\nx\n").message_id, "bare-id@example.com");
}

TEST(ParseMailTest, DateIsParsed) {
  ParsedMail mail = parsed("From: a@example.com\nDate: Thu, 11 Jul 2013 13:56:50 +0800\n\nx\n");
  ASSERT_TRUE(mail.date.has_value());
  EXPECT_EQ(redress::to_micros(*mail.date), 1373522210LL * 1000000);
  EXPECT_FALSE(parsed("From: a@example.com\nDate: not a date\n\nx\n").date.has_value());
}

TEST(ParseMailTest, BareMessageId) {
  EXPECT_EQ(bare_message_id("<a@b>"), "a@b");
  EXPECT_EQ(bare_message_id("  <a@b>  "), "a@b");
  EXPECT_EQ(bare_message_id("a@b"), "a@b");
  EXPECT_EQ(bare_message_id("<>"), "");
}

TEST(ParseMailTest, EmptyOrHeaderlessInputIsMalformed) {
  auto empty = parse_mail("");
  ASSERT_FALSE(empty.has_value());
  EXPECT_EQ(empty.error().code, ErrorCode::kMalformed);
  EXPECT_EQ(parse_mail("  \r\n\n").error().code, ErrorCode::kMalformed);
  EXPECT_EQ(parse_mail("just some text, no header").error().code, ErrorCode::kMalformed);
}

TEST(ParseMailTest, ALineAboveTheHeaderIsSkipped) {
  ParsedMail mail = parsed("---- Original email message ----\r\nFrom: a@example.com\r\nSubject: s\r\n\r\nbody\r\n");
  EXPECT_EQ(mail.subject, "s");
  EXPECT_EQ(mail.text, "body\n");
}

TEST(ParseMailTest, MboxFromLineIsSkipped) {
  ParsedMail mail = parsed("From a@example.com  Thu Jul 11 07:57:20 2013\nFrom: a@example.com\nSubject: s\n\nbody\n");
  EXPECT_EQ(mail.subject, "s");
}

// --- body -----------------------------------------------------------------------------------

TEST(ParseMailTest, PlainTextBodyInItsCharset) {
  ParsedMail mail = parsed(
      "From: a@example.com\nContent-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: "
      "quoted-printable\n\nGr=FC=DFe\r\nline two=\n continued\n");
  EXPECT_EQ(mail.text, "Gr\xC3\xBC\xC3\x9F" "e\nline two continued\n");
  EXPECT_EQ(mail.html, "");
}

TEST(ParseMailTest, UnknownCharsetAndInvalidBytesGiveValidUtf8) {
  ParsedMail unknown = parsed("From: a@example.com\nContent-Type: text/plain; charset=x-martian\n\ncaf\xE9\n");
  EXPECT_EQ(unknown.text, "caf\xC3\xA9\n");
  EXPECT_TRUE(has_warning(unknown, "x-martian"));
  const char raw[] = "From: a@example.com\nContent-Type: text/plain; charset=utf-8\n\n\xC3\xA4 ok \xFF\x00!\n";
  ParsedMail invalid = parsed(std::string(raw, sizeof raw - 1));
  EXPECT_EQ(invalid.text, "\xC3\xA4 ok \xC3\xBF!\n");  // the stray byte read as windows-1252, NUL dropped
}

// Issue 17: Microsoft's ISO-2022-JP (CP50220) writes the NEC extensions (circled numbers)
// that strict ISO-2022-JP lacks; the body came out as its raw escape bytes.
TEST(ParseMailTest, Iso2022JpWithVendorExtensionsAndHalfWidthKatakana) {
  // 日本 (JIS X 0208), ① (NEC row 13), ｱ (half-width katakana, ESC ( I).
  ParsedMail mail = parsed(
      "From: a@example.com\nContent-Type: text/plain; charset=iso-2022-jp\n\n"
      "\x1b$BF|K\\-!\x1b(B \x1b(I1\x1b(B ok\n");
  EXPECT_EQ(mail.text, "\xE6\x97\xA5\xE6\x9C\xAC\xE2\x91\xA0 \xEF\xBD\xB1 ok\n");
  EXPECT_EQ(mail.text.find('\x1b'), std::string::npos);
  // The same in an encoded-word subject.
  EXPECT_EQ(subject_of("=?ISO-2022-JP?B?GyRCLSEbKEI=?="), "\xE2\x91\xA0");
}

// Issue 17: 8-bit text sent without any charset was read as latin-1; a detector
// (uchardet) reads what it is before windows-1252 is assumed.
TEST(ParseMailTest, UnlabelledOrMislabelledEightBitTextIsDetected) {
  ParsedMail gb = parsed("From: a@example.com\nContent-Type: text/plain\n\n\xC4\xFA\xBA\xC3\xA3\xAC\xCE\xD2\xB5\xC4\xB6\xA9\xB5\xA5\xD2\xBB\xD6\xB1\xC3\xBB\xD3\xD0\xB5\xBD\xB4\xEF\xA3\xAC\xD2\xD1\xBE\xAD\xB5\xC8\xC1\xCB\xC8\xFD\xB8\xF6\xD0\xC7\xC6\xDA\xA1\xA3\xC7\xEB\xBE\xA1\xBF\xEC\xB4\xA6\xC0\xED\xB2\xA2\xB8\xF8\xCE\xD2\xCD\xCB\xBF\xEE\xA1\xA3\xD0\xBB\xD0\xBB\xA3\xA1\n");
  EXPECT_EQ(gb.text, "您好，我的订单一直没有到达，已经等了三个星期。请尽快处理并给我退款。谢谢！\n");
  ParsedMail koi = parsed("From: a@example.com\nContent-Type: text/plain; charset=iso-8859-1\n\n\xF0\xD2\xC9\xD7\xC5\xD4, \xCD\xCF\xCA \xDA\xC1\xCB\xC1\xDA \xD4\xC1\xCB \xC9 \xCE\xC5 \xD0\xD2\xC9\xDB\xA3\xCC. \xF1 \xD6\xC4\xD5 \xD5\xD6\xC5 \xD4\xD2\xC9 \xCE\xC5\xC4\xC5\xCC\xC9, \xD7\xC5\xD2\xCE\xC9\xD4\xC5 \xC4\xC5\xCE\xD8\xC7\xC9, \xD0\xCF\xD6\xC1\xCC\xD5\xCA\xD3\xD4\xC1.\n");
  EXPECT_EQ(koi.text, "Привет, мой заказ так и не пришёл. Я жду уже три недели, верните деньги, пожалуйста.\n");
  // Western text stays as it was read before.
  ParsedMail latin = parsed("From: a@example.com\nContent-Type: text/plain\n\nCaf\xE9 cr\xE8me br\xFBl\xE9" "e, d\xE9j\xE0 pay\xE9" "e.\n");
  EXPECT_EQ(latin.text, "Café crème brûlée, déjà payée.\n");
}

TEST(ParseMailTest, LongSubjectIsKeptWhole) {
  std::string words;
  for (int i = 0; words.size() < 1500; ++i) words += "word" + std::to_string(i) + " ";
  words.pop_back();
  EXPECT_EQ(subject_of(words), words);
}

TEST(ParseMailTest, FormatFlowedIsUnwrapped) {
  ParsedMail mail = parsed(
      "From: a@example.com\nContent-Type: text/plain; format=flowed\n\nThis is \nflowed.\n> quoted \n> more\n-- \nsig\n");
  EXPECT_EQ(mail.text, "This is flowed.\n> quoted more\n-- \nsig\n");
}

TEST(ParseMailTest, AlternativePrefersPlainTextAndKeepsSanitisedHtml) {
  ParsedMail mail = parsed(
      "From: a@example.com\nMIME-Version: 1.0\nContent-Type: multipart/alternative; boundary=b\n\n"
      "--b\nContent-Type: text/plain; charset=utf-8\n\nplain version\n"
      "--b\nContent-Type: text/html; charset=utf-8\n\n<p onclick=x()>html <b>version</b></p><script>x</script>\n"
      "--b--\n");
  EXPECT_EQ(mail.text, "plain version");
  EXPECT_EQ(mail.html, "<p>html <b>version</b></p>");
  EXPECT_TRUE(mail.attachments.empty());
}

TEST(ParseMailTest, HtmlOnlyMailGetsTextFromTheHtml) {
  ParsedMail mail = parsed(
      "From: a@example.com\nContent-Type: text/html\n\n"
      "<html><head><meta charset=\"windows-1252\"><style>p{}</style></head>"
      "<body><p>Hello \x93you\x94</p><ul><li>one</li></ul><a href=\"https://example.com\">site</a></body></html>");
  EXPECT_EQ(mail.text, "Hello \xE2\x80\x9Cyou\xE2\x80\x9D\n\n- one\nsite <https://example.com>");
  EXPECT_NE(mail.html.find("<p>Hello"), std::string::npos);
}

TEST(ParseMailTest, EmptyPlainAlternativeLetsTheHtmlSpeak) {
  ParsedMail mail = parsed(
      "From: a@example.com\nContent-Type: multipart/alternative; boundary=b\n\n"
      "--b\nContent-Type: text/plain\n\n \n--b\nContent-Type: text/html\n\n<p>real text</p>\n--b--\n");
  EXPECT_EQ(mail.text, "real text");
}

namespace {

// mixed[ related[ alternative[plain, html with a cid image], the image ], a PDF ]
const char* const kNestedMail =
    "From: a@example.com\nSubject: nested\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=outer\n\n"
    "--outer\nContent-Type: multipart/related; boundary=rel; type=\"multipart/alternative\"\n\n"
    "--rel\nContent-Type: multipart/alternative; boundary=alt\n\n"
    "--alt\nContent-Type: text/plain; charset=us-ascii\n\nSee the logo.\n"
    "--alt\nContent-Type: text/html; charset=us-ascii\n\n<p>See <img src=\"cid:logo.1@example.com\"></p>\n"
    "--alt--\n"
    "--rel\nContent-Type: image/png\nContent-ID: <logo.1@example.com>\nContent-Transfer-Encoding: base64\n\n"
    "iVBORw0KGgo=\n"
    "--rel--\n"
    "--outer\nContent-Type: application/pdf; name=\"=?utf-8?q?R=C3=A9port.pdf?=\"\n"
    "Content-Disposition: attachment; filename*=utf-8''R%C3%A9port.pdf\nContent-Transfer-Encoding: base64\n\n"
    "JVBERi0xLjQK\n"
    "--outer--\n";

}  // namespace

TEST(ParseMailTest, NestedMultipartWithAttachmentAndInlineImage) {
  ParsedMail mail = parsed(kNestedMail);
  EXPECT_EQ(mail.text, "See the logo.");
  EXPECT_EQ(mail.html, "<p>See <img src=\"cid:logo.1@example.com\"></p>");
  ASSERT_EQ(mail.attachments.size(), 2u);

  const Attachment& image = mail.attachments[0];
  EXPECT_EQ(image.content_type, "image/png");
  EXPECT_EQ(image.content_id, "logo.1@example.com");
  EXPECT_TRUE(image.is_inline);
  EXPECT_EQ(image.data, std::string("\x89PNG\r\n\x1A\n", 8));
  EXPECT_EQ(image.size, 8);

  const Attachment* pdf = attachment_named(mail, "R\xC3\xA9port.pdf");
  ASSERT_NE(pdf, nullptr);
  EXPECT_EQ(pdf->content_type, "application/pdf");
  EXPECT_FALSE(pdf->is_inline);
  EXPECT_EQ(pdf->data, "%PDF-1.4\n");
  EXPECT_EQ(pdf->sha256, redress::crypto::sha256_hex("%PDF-1.4\n"));
  EXPECT_FALSE(pdf->dropped);
}

TEST(ParseMailTest, AttachmentsOverTheLimitAreDroppedButRecorded) {
  ParseLimits limits;
  limits.max_attachment_bytes = 8;  // the PNG (8 bytes) fits, the PDF (9) does not
  ParsedMail mail = parsed(kNestedMail, limits);
  ASSERT_EQ(mail.attachments.size(), 2u);
  EXPECT_FALSE(mail.attachments[0].dropped);
  const Attachment& pdf = mail.attachments[1];
  EXPECT_TRUE(pdf.dropped);
  EXPECT_EQ(pdf.size, 9);
  EXPECT_EQ(pdf.data, "");
  EXPECT_EQ(pdf.sha256, "");
  EXPECT_EQ(pdf.filename, "R\xC3\xA9port.pdf");
  EXPECT_TRUE(has_warning(mail, "dropped"));

  ParseLimits total;
  total.max_total_attachment_bytes = 10;  // 8 + 9 > 10: the second goes
  ParsedMail capped = parsed(kNestedMail, total);
  EXPECT_FALSE(capped.attachments[0].dropped);
  EXPECT_TRUE(capped.attachments[1].dropped);
}

TEST(ParseMailTest, PartAndDepthLimitsAreWarnings) {
  ParseLimits few;
  few.max_parts = 3;
  ParsedMail mail = parsed(kNestedMail, few);
  EXPECT_TRUE(has_warning(mail, "MIME parts"));
  ParseLimits shallow;
  shallow.max_depth = 1;
  ParsedMail flat = parsed(kNestedMail, shallow);
  EXPECT_TRUE(has_warning(flat, "nesting"));
}

TEST(ParseMailTest, MultipartWithoutPartsIsAWarningNotAFailure) {
  ParsedMail mail = parsed("From: a@example.com\nContent-Type: multipart/mixed; boundary=never\n\nraw\n--other--\n");
  EXPECT_EQ(mail.text, "");
  EXPECT_TRUE(has_warning(mail, "without parts"));
}

TEST(ParseMailTest, AttachedMessageIsAnAttachmentWithItsBytes) {
  ParsedMail mail = parsed(
      "From: a@example.com\nSubject: Fwd: inner\nContent-Type: multipart/mixed; boundary=b\n\n"
      "--b\nContent-Type: text/plain\n\nsee attached\n"
      "--b\nContent-Type: message/rfc822\nContent-Disposition: attachment; filename=\"inner.eml\"\n\n"
      "From: b@example.com\nSubject: inner\nMessage-ID: <inner@example.com>\n\ninner body\n"
      "--b--\n");
  EXPECT_EQ(mail.text, "see attached");
  ASSERT_EQ(mail.attachments.size(), 1u);
  const Attachment& a = mail.attachments[0];
  EXPECT_EQ(a.content_type, "message/rfc822");
  EXPECT_EQ(a.filename, "inner.eml");
  EXPECT_NE(a.data.find("Subject: inner"), std::string::npos);
  EXPECT_NE(a.data.find("inner body"), std::string::npos);
  EXPECT_EQ(a.sha256, redress::crypto::sha256_hex(a.data));
  EXPECT_FALSE(mail.bounce.has_value());
}

TEST(ParseMailTest, SignedAndEncryptedMail) {
  ParsedMail signed_mail = parsed(
      "From: a@example.com\nContent-Type: multipart/signed; protocol=\"application/pgp-signature\"; boundary=s\n\n"
      "--s\nContent-Type: text/plain\n\nsigned text\n"
      "--s\nContent-Type: application/pgp-signature; name=signature.asc\n\n-----BEGIN PGP SIGNATURE-----\n"
      "--s--\n");
  EXPECT_EQ(signed_mail.text, "signed text");
  ASSERT_EQ(signed_mail.attachments.size(), 1u);
  EXPECT_EQ(signed_mail.attachments[0].content_type, "application/pgp-signature");

  ParsedMail encrypted = parsed(
      "From: a@example.com\nContent-Type: multipart/encrypted; protocol=\"application/pgp-encrypted\"; boundary=e\n\n"
      "--e\nContent-Type: application/pgp-encrypted\n\nVersion: 1\n"
      "--e\nContent-Type: application/octet-stream\n\n-----BEGIN PGP MESSAGE-----\n"
      "--e--\n");
  EXPECT_EQ(encrypted.text, "");
  EXPECT_EQ(encrypted.attachments.size(), 2u);
  EXPECT_TRUE(has_warning(encrypted, "encrypted"));
}

// --- bounces --------------------------------------------------------------------------------

TEST(ParseMailTest, DeliveryStatusNotificationIsABounce) {
  ParsedMail mail = parsed(
      "From: MAILER-DAEMON@mx.example.com (Mail Delivery System)\nSubject: Undelivered Mail Returned to Sender\n"
      "Auto-Submitted: auto-replied\nContent-Type: multipart/report; report-type=delivery-status; boundary=r\n\n"
      "--r\nContent-Type: text/plain\n\nI'm sorry to have to inform you that your message could not be delivered.\n"
      "--r\nContent-Type: message/delivery-status\n\n"
      "Reporting-MTA: dns; mx.example.com\n\n"
      "Final-Recipient: rfc822; Gone@Example.net\nOriginal-Recipient: rfc822;alias@example.org\nAction: failed\n"
      "Status: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 <gone@example.net>: Recipient address rejected\n"
      "--r\nContent-Type: message/rfc822\n\n"
      "From: agent@helpdesk.example\nTo: alias@example.org\nMessage-ID: <ticket-42@helpdesk.example>\n"
      "Subject: Re: your ticket\n\nhello\n"
      "--r--\n");
  ASSERT_TRUE(mail.bounce.has_value());
  EXPECT_EQ(mail.bounce->status, "5.1.1");
  EXPECT_TRUE(mail.bounce->permanent);
  EXPECT_EQ(mail.bounce->failed_recipients, (std::vector<std::string>{"alias@example.org", "gone@example.net"}));
  EXPECT_EQ(mail.bounce->original_message_id, "ticket-42@helpdesk.example");
  EXPECT_NE(mail.text.find("could not be delivered"), std::string::npos);
  EXPECT_EQ(mail.auto_submitted, "auto-replied");
}

TEST(ParseMailTest, DelayReportWithReturnedHeadersIsATemporaryBounce) {
  ParsedMail mail = parsed(
      "From: postmaster@example.com\nContent-Type: multipart/report; report-type=delivery-status; boundary=r\n\n"
      "--r\nContent-Type: text/plain\n\ndelayed\n"
      "--r\nContent-Type: message/delivery-status\n\n"
      "Final-Recipient: rfc822; slow@example.net\nAction: delayed\nStatus: 4.4.1\n"
      "--r\nContent-Type: text/rfc822-headers\n\nFrom: a@example.com\nMessage-Id:\n <orig@example.com>\n"
      "--r--\n");
  ASSERT_TRUE(mail.bounce.has_value());
  EXPECT_FALSE(mail.bounce->permanent);
  EXPECT_EQ(mail.bounce->status, "4.4.1");
  EXPECT_EQ(mail.bounce->failed_recipients, (std::vector<std::string>{"slow@example.net"}));
  EXPECT_EQ(mail.bounce->original_message_id, "orig@example.com");
}

TEST(ParseMailTest, SuccessfulDeliveryReportIsNotABounce) {
  ParsedMail mail = parsed(
      "From: postmaster@example.com\nContent-Type: multipart/report; report-type=delivery-status; boundary=r\n\n"
      "--r\nContent-Type: text/plain\n\ndelivered\n"
      "--r\nContent-Type: message/delivery-status\n\nFinal-Recipient: rfc822; ok@example.net\nAction: delivered\n"
      "Status: 2.0.0\n--r--\n");
  EXPECT_FALSE(mail.bounce.has_value());
}

TEST(ParseMailTest, MailerDaemonTextBounceIsRecognised) {
  // A Postfix-style text bounce without a delivery-status part, the original attached.
  ParsedMail mail = parsed(
      "From: Mail Delivery Subsystem <MAILER-DAEMON@mx.example.com>\nSubject: Returned mail: see transcript\n"
      "Content-Type: multipart/mixed; boundary=m\n\n"
      "--m\nContent-Type: text/plain\n\nThis is the mail system.\n\n"
      "<nobody@example.net>: host mx.example.net said: 550 5.1.1 User unknown\n"
      "--m\nContent-Type: message/rfc822\n\nFrom: a@example.com\nMessage-ID: <sent-1@example.com>\n\nhi\n"
      "--m--\n");
  ASSERT_TRUE(mail.bounce.has_value());
  EXPECT_EQ(mail.bounce->failed_recipients, (std::vector<std::string>{"nobody@example.net"}));
  EXPECT_EQ(mail.bounce->status, "5.1.1");
  EXPECT_TRUE(mail.bounce->permanent);
  EXPECT_EQ(mail.bounce->original_message_id, "sent-1@example.com");
}

TEST(ParseMailTest, EximInlineBounceIsRecognised) {
  ParsedMail mail = parsed(
      "From: Mail Delivery System <Mailer-Daemon@mx.example.com>\nSubject: Mail delivery failed\n\n"
      "This message was created automatically by mail delivery software.\n\n"
      "A message that you sent could not be delivered to one or more of its\n"
      "recipients. This is a permanent error. The following address(es) failed:\n\n"
      "  lost@example.net\n    SMTP error from remote mail server after RCPT TO:<lost@example.net>:\n"
      "    550 No such user\n\n"
      "------ This is a copy of the message, including all the headers. ------\n\n"
      "From: a@example.com\nMessage-Id: <exim-orig@example.com>\nSubject: hi\n");
  ASSERT_TRUE(mail.bounce.has_value());
  EXPECT_EQ(mail.bounce->failed_recipients, (std::vector<std::string>{"lost@example.net"}));
  EXPECT_EQ(mail.bounce->original_message_id, "exim-orig@example.com");
  EXPECT_TRUE(mail.bounce->permanent);
}

TEST(ParseMailTest, OrdinaryMailFromAPersonIsNotABounce) {
  ParsedMail mail = parsed(
      "From: a@example.com\nSubject: delivery failed?\nContent-Type: multipart/mixed; boundary=m\n\n"
      "--m\nContent-Type: text/plain\n\nmy parcel could not be delivered, see the mail below\n"
      "--m\nContent-Type: message/rfc822\n\nFrom: shop@example.com\n\nyour parcel\n--m--\n");
  EXPECT_FALSE(mail.bounce.has_value());
}
