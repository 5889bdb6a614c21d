#pragma once
// Thin wrappers over libsodium: random secrets, SHA-256, argon2id password hashes.
#include <optional>
#include <string>
#include <string_view>

namespace redress::crypto {

// Call once before any other function (idempotent, thread-safe).
void init();

// URL-safe base64 of n random bytes.
std::string random_token(size_t n_bytes = 32);
std::string sha256_hex(std::string_view data);
// HMAC-SHA-256 of data under key, as lower-case hex.
std::string hmac_sha256_hex(std::string_view key, std::string_view data);
// Standard base64 (with padding), for storing bytes in a text column.
std::string base64_encode(std::string_view bytes);
// nullopt when text is not valid base64.
std::optional<std::string> base64_decode(std::string_view text);
// Compares in time independent of where the strings differ.
bool constant_time_equal(std::string_view a, std::string_view b);

enum class PasswordCost { kInteractive, kModerate, kMin };
PasswordCost parse_password_cost(std::string_view text);  // unknown -> kInteractive
// An argon2id string with salt and parameters, as crypto_pwhash_str makes it.
std::string hash_password(std::string_view password, PasswordCost cost);
bool verify_password(std::string_view hash, std::string_view password);

}  // namespace redress::crypto
