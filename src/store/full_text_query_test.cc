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

TEST(FullTextQuery, PublicOnlyKeepsToWhatCustomersMayRead) {
  // SQLite: the public_text column alone; PostgreSQL: lexemes of weight D (internal notes
  // are indexed with weight C).
  EXPECT_EQ(full_text_query(Engine::kSqlite, "fraud", true), "public_text : (\"fraud\"*)");
  EXPECT_EQ(full_text_query(Engine::kSqlite, "colis fr", true), "public_text : (\"colis\" AND \"fr\")");
  EXPECT_EQ(full_text_query(Engine::kPostgres, "fraud", true), "fraud:*D");
  EXPECT_EQ(full_text_query(Engine::kPostgres, "colis fr", true), "colis:D & fr:D");
  EXPECT_EQ(full_text_query(Engine::kSqlite, "lea@example.fr", true), "public_text : (\"lea example fr\")");
  EXPECT_EQ(full_text_query(Engine::kPostgres, "lea@example.fr", true), "lea:D <-> example:D <-> fr:D");
  EXPECT_EQ(full_text_query(Engine::kSqlite, "?!", true), "");
}

TEST(SearchDocument, InternalNotesGoToTheirOwnPart) {
  const auto doc = search_document("C-2026-000042", "Parcel crushed", "Box arrived flat",
                                   {{"Carla Client", std::string("carla@example.com")}},
                                   {{"Sorry, we refund you", false}, {"fraudster? check chargeback", true}});
  EXPECT_NE(doc.public_text.find("Parcel crushed"), std::string::npos);
  EXPECT_NE(doc.public_text.find("000042"), std::string::npos);
  EXPECT_NE(doc.public_text.find("carla example com"), std::string::npos);
  EXPECT_NE(doc.public_text.find("we refund you"), std::string::npos);
  EXPECT_EQ(doc.public_text.find("fraudster"), std::string::npos);
  EXPECT_EQ(doc.internal_text, "fraudster? check chargeback");
}

TEST(SearchDocument, HugeTextsAreIndexedByTheirBeginning) {
  // 2 MB of distinct words would make a tsvector PostgreSQL refuses (over 1 MB).
  std::string log;
  for (int i = 0; log.size() < 2'000'000; ++i) log += "line" + std::to_string(i) + " ";
  std::vector<SearchBody> bodies(10, SearchBody{log, false});
  bodies.push_back({"é" + std::string(70'000, 'x'), true});
  const auto doc = search_document("C-1", "s", "d", {}, bodies);
  EXPECT_LE(doc.public_text.size(), 256u << 10);
  EXPECT_NE(doc.public_text.find("line0 "), std::string::npos);
  EXPECT_LE(doc.internal_text.size(), 64u << 10);
  EXPECT_TRUE(doc.internal_text.starts_with("é"));
}

}  // namespace
}  // namespace redress::store
