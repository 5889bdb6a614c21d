#include "core/crypto.h"

#include <gtest/gtest.h>

#include <set>

namespace redress::crypto {
namespace {

TEST(CryptoTest, HashedPasswordVerifies) {
  auto hash = hash_password("correct horse battery staple", PasswordCost::kMin);
  EXPECT_TRUE(hash.starts_with("$argon2id$")) << hash;
  EXPECT_TRUE(verify_password(hash, "correct horse battery staple"));
}

TEST(CryptoTest, WrongPasswordDoesNotVerify) {
  auto hash = hash_password("correct horse battery staple", PasswordCost::kMin);
  EXPECT_FALSE(verify_password(hash, "correct horse battery stapler"));
  EXPECT_FALSE(verify_password(hash, ""));
}

TEST(CryptoTest, SamePasswordHashesDifferentlyEachTime) {
  auto a = hash_password("s3cret-pass", PasswordCost::kMin);
  auto b = hash_password("s3cret-pass", PasswordCost::kMin);
  EXPECT_NE(a, b);
  EXPECT_TRUE(verify_password(a, "s3cret-pass"));
  EXPECT_TRUE(verify_password(b, "s3cret-pass"));
}

TEST(CryptoTest, GarbageHashDoesNotVerify) {
  EXPECT_FALSE(verify_password("", "anything"));
  EXPECT_FALSE(verify_password("not a hash", "not a hash"));
}

TEST(CryptoTest, PasswordCostParsesKnownNamesAndFallsBackToInteractive) {
  EXPECT_EQ(parse_password_cost("min"), PasswordCost::kMin);
  EXPECT_EQ(parse_password_cost("moderate"), PasswordCost::kModerate);
  EXPECT_EQ(parse_password_cost("interactive"), PasswordCost::kInteractive);
  EXPECT_EQ(parse_password_cost("whatever"), PasswordCost::kInteractive);
}

TEST(CryptoTest, RandomTokenOf32BytesIs43UrlSafeCharacters) {
  auto token = random_token();
  EXPECT_EQ(token.size(), 43u);  // 32 bytes in unpadded base64
  EXPECT_EQ(token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
            std::string::npos)
      << token;
  EXPECT_EQ(random_token(3).size(), 4u);
  EXPECT_EQ(random_token(16).size(), 22u);
}

TEST(CryptoTest, RandomTokensDoNotRepeat) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) seen.insert(random_token());
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(CryptoTest, Sha256OfAbcMatchesTheKnownVector) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(CryptoTest, Sha256OfEmptyInputMatchesTheKnownVector) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(CryptoTest, ConstantTimeEqualComparesContentAndLength) {
  EXPECT_TRUE(constant_time_equal("token-a", "token-a"));
  EXPECT_FALSE(constant_time_equal("token-a", "token-b"));
  EXPECT_FALSE(constant_time_equal("token", "token-a"));
  EXPECT_TRUE(constant_time_equal("", ""));
}

}  // namespace
}  // namespace redress::crypto

TEST(Crypto, HmacMatchesRfc4231TestCase2) {
  EXPECT_EQ(redress::crypto::hmac_sha256_hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(Crypto, Base64RoundTripsBinaryAndRejectsJunk) {
  std::string bytes("\0\x01\xff\x80 text", 9);
  auto encoded = redress::crypto::base64_encode(bytes);
  EXPECT_EQ(redress::crypto::base64_decode(encoded), bytes);
  EXPECT_EQ(redress::crypto::base64_encode("ab"), "YWI=");
  EXPECT_FALSE(redress::crypto::base64_decode("not base64!").has_value());
}
