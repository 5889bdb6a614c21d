#include "mail/language.h"

#include <gtest/gtest.h>

namespace redress::mail {
namespace {

const std::vector<std::string> kDesk = {"en", "fr"};

TEST(DetectLanguage, FrenchAndEnglishComplaints) {
  auto fr = detect_language("Bonjour, ma commande n'est jamais arrivée. J'attends depuis trois semaines et personne ne "
                            "répond au téléphone. Merci de me rembourser.",
                            kDesk);
  ASSERT_TRUE(fr);
  EXPECT_EQ(fr->code, "fr");
  auto en = detect_language("Hello, my order never arrived. I have been waiting for three weeks and nobody answers "
                            "the phone. Please refund me.",
                            kDesk);
  ASSERT_TRUE(en);
  EXPECT_EQ(en->code, "en");
}

TEST(DetectLanguage, AShortFrenchMailIsFrenchToo) {
  auto fr = detect_language("Bonjour, ma commande n'est jamais arrivée", kDesk);
  ASSERT_TRUE(fr);
  EXPECT_EQ(fr->code, "fr");
}

TEST(DetectLanguage, QuotedLinesDoNotCount) {
  // A French reply above our English acknowledgement.
  auto fr = detect_language("Toujours rien reçu, je suis très mécontente de votre service client.\n\n"
                            "> Hello, we have received your request and will answer it shortly.\n"
                            "> Your request number is C-2026-000123. Please keep it in the subject.\n"
                            "> Kind regards, the support team of ACME and its partners.\n",
                            kDesk);
  ASSERT_TRUE(fr);
  EXPECT_EQ(fr->code, "fr");
}

TEST(DetectLanguage, NothingWhenTooShortOrNotADeskLanguage) {
  EXPECT_FALSE(detect_language("OK", kDesk));
  EXPECT_FALSE(detect_language("", kDesk));
  EXPECT_FALSE(detect_language("Hallo, meine Bestellung ist nie angekommen. Ich warte seit drei Wochen und niemand "
                               "antwortet am Telefon. Bitte erstatten Sie mir den Betrag.",
                               kDesk));
  auto de = detect_language("Hallo, meine Bestellung ist nie angekommen. Ich warte seit drei Wochen und niemand "
                            "antwortet am Telefon. Bitte erstatten Sie mir den Betrag.",
                            {"de", "en"});
  ASSERT_TRUE(de);
  EXPECT_EQ(de->code, "de");
}

TEST(DetectLanguage, InvalidUtf8IsNoAnswerNotACrash) {
  EXPECT_FALSE(detect_language(std::string("caf\xC3\x28 \xFF\xFE", 8), kDesk));
}

}  // namespace
}  // namespace redress::mail
