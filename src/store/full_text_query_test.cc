// What a typed search becomes for each engine: whole words, the last one also as a prefix
// when it is long enough to be cheap, an address as one phrase.
#include <gtest/gtest.h>

#include "store/ticket_store.h"

namespace redress::store {
namespace {

TEST(FullTextQuery, EveryWordWholeAndTheLastAlsoAsAPrefix) {
  EXPECT_EQ(full_text_query(Engine::kSqlite, "facture erronee"), "\"facture\" AND \"erronee\"*");
  EXPECT_EQ(full_text_query(Engine::kPostgres, "facture erronee"), "facture & erronee:*");
  EXPECT_EQ(full_text_query(Engine::kSqlite, "rembour"), "\"rembour\"*");
}

TEST(FullTextQuery, AShortLastWordIsNotAPrefix) {
  // "fr"* would merge the lists of every word starting with fr.
  EXPECT_EQ(full_text_query(Engine::kSqlite, "colis fr"), "\"colis\" AND \"fr\"");
  EXPECT_EQ(full_text_query(Engine::kPostgres, "colis fr"), "colis & fr");
}

TEST(FullTextQuery, AnAddressIsOnePhrase) {
  EXPECT_EQ(full_text_query(Engine::kSqlite, "lea.roux.12@example.fr"), "\"lea roux 12 example fr\"");
  EXPECT_EQ(full_text_query(Engine::kPostgres, "lea.roux.12@example.fr"), "lea <-> roux <-> 12 <-> example <-> fr");
}

TEST(FullTextQuery, NothingSearchableGivesNothing) {
  EXPECT_EQ(full_text_query(Engine::kSqlite, " -- ?! "), "");
  EXPECT_EQ(full_text_query(Engine::kPostgres, "@"), "");
  // Quotes and operators never reach the engine: words are letters and digits only.
  EXPECT_EQ(full_text_query(Engine::kSqlite, R"(a"b OR c*)"), R"("a" AND "b" AND "OR" AND "c")");
}

}  // namespace
}  // namespace redress::store
