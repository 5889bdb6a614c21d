#include "mail/threading.h"

#include <gtest/gtest.h>

#include "mail/loop_guard.h"

namespace redress::mail {
namespace {

TEST(Threading, SignedMessageIdNamesItsTicket) {
  const auto id = make_message_id(4217, "secret-one", "desk.example.org");
  EXPECT_TRUE(id.ends_with("@desk.example.org")) << id;
  EXPECT_EQ(signed_ticket_of(id, "secret-one"), 4217);
  EXPECT_NE(make_message_id(4217, "secret-one", "d.org"), make_message_id(4217, "secret-one", "d.org"));
}

TEST(Threading, ForgedOrForeignMessageIdsAreRefused) {
  const auto id = make_message_id(12, "secret-one", "d.org");
  EXPECT_EQ(signed_ticket_of(id, "another-secret"), std::nullopt);
  // Changing the ticket number breaks the signature.
  std::string forged = id;
  forged.replace(forged.find(".12.") + 1, 2, "13");
  EXPECT_EQ(signed_ticket_of(forged, "secret-one"), std::nullopt);
  EXPECT_EQ(signed_ticket_of("CAF=abc@mail.gmail.com", "secret-one"), std::nullopt);
  EXPECT_EQ(signed_ticket_of("redress.12.x@d.org", "secret-one"), std::nullopt);
  EXPECT_EQ(signed_ticket_of("redress.@", "secret-one"), std::nullopt);
  EXPECT_EQ(signed_ticket_of(id, ""), std::nullopt);
}

TEST(Threading, SubjectTagIsFoundAndAddedOnce) {
  EXPECT_EQ(subject_tag("Re: [#C-2026-000042] Broken heater"), "C-2026-000042");
  EXPECT_EQ(subject_tag("RE: AW: Broken heater [#S-7]"), "S-7");
  EXPECT_EQ(subject_tag("[#] nothing [# x] [#ok]"), "ok");
  EXPECT_EQ(subject_tag("no tag here [C-1]"), std::nullopt);
  EXPECT_EQ(tagged_subject("Broken heater", "C-2026-000042"), "[#C-2026-000042] Broken heater");
  EXPECT_EQ(tagged_subject("Re: [#C-2026-000042] Broken heater", "C-2026-000042"),
            "Re: [#C-2026-000042] Broken heater");
}

TEST(LoopGuard, AutomatedMailIsRecognised) {
  ParsedMail person;
  EXPECT_EQ(automated_mail_reason(person), "");
  person.auto_submitted = "no";
  EXPECT_EQ(automated_mail_reason(person), "");
  ParsedMail m;
  m.auto_submitted = "auto-replied";
  EXPECT_EQ(automated_mail_reason(m), "auto_submitted");
  m = {};
  m.precedence = "bulk";
  EXPECT_EQ(automated_mail_reason(m), "precedence");
  m = {};
  m.list_id = "<users.lists.example.org>";
  EXPECT_EQ(automated_mail_reason(m), "list_id");
  m = {};
  m.return_path = "<>";
  EXPECT_EQ(automated_mail_reason(m), "null_return_path");
}

TEST(LoopGuard, AutomatedAddressesAreRecognised) {
  const std::set<std::string> own = {"support@desk.example.org"};
  EXPECT_EQ(automated_address_reason("jane@example.com", own), "");
  EXPECT_EQ(automated_address_reason("Support@Desk.Example.org", own), "own_address");
  EXPECT_EQ(automated_address_reason("MAILER-DAEMON@mx.example.com", own), "robot_address");
  EXPECT_EQ(automated_address_reason("postmaster@example.com", own), "robot_address");
  EXPECT_EQ(automated_address_reason("no-reply@shop.example", own), "robot_address");
  EXPECT_EQ(automated_address_reason("users-request@lists.example", own), "list_address");
  EXPECT_EQ(automated_address_reason("", own), "no_address");
  EXPECT_EQ(automated_address_reason("bouncer@example.com", own), "");
}

TEST(LoopGuard, XAutoreplyAndExchangeSuppressionAreAutomated) {
  ParsedMail m;
  m.x_autoreply = "yes";
  EXPECT_EQ(automated_mail_reason(m), "x_autoreply");
  m = {};
  m.x_auto_response_suppress = "all";
  EXPECT_EQ(automated_mail_reason(m), "x_auto_response_suppress");
  m.x_auto_response_suppress = "dr, oof, autoreply";
  EXPECT_EQ(automated_mail_reason(m), "x_auto_response_suppress");
  // Receipts only: the sender still welcomes an answer.
  m.x_auto_response_suppress = "dr, rn, nrn";
  EXPECT_EQ(automated_mail_reason(m), "");
}

TEST(LoopGuard, OwnAddressWithASubaddressIsOurs) {
  const std::set<std::string> own = {"support@desk.example.org"};
  EXPECT_EQ(automated_address_reason("support+fr@desk.example.org", own), "own_address");
  EXPECT_EQ(automated_address_reason("Support+Urgent+x@Desk.Example.org", own), "own_address");
  EXPECT_EQ(automated_address_reason("support+fr@other.example.org", own), "");
  EXPECT_EQ(automated_address_reason("supporter@desk.example.org", own), "");
}

}  // namespace
}  // namespace redress::mail
