#pragma once
// Customers sign in to the portal with a one-time link sent by mail, instead of a
// password. The link ({base_url}/login/link/{token}) is valid for kSignInLinkLifetime and
// opens one session; only the token's hash is stored. Asking for a link answers the same
// whether or not the address has an account, so that it reveals none.
#include <chrono>
#include <string>

#include "service/account_service.h"
#include "service/context.h"

namespace redress::service {

inline constexpr std::chrono::minutes kSignInLinkLifetime{20};

class SignInLinkService {
 public:
  explicit SignInLinkService(Context& ctx) : ctx_(ctx) {}

  // When an active customer account has this email, stores a new link and queues its mail
  // (template sign_in_link, in the account's language) in one transaction, recording
  // "sign_in_link.sent" on the account. Any other address: nothing happens, and the result
  // is the same. Invalid naming `email` when it is not an email address.
  Result<void> request(const std::string& email);

  // Spends the link and opens a session (see open_session) in one transaction. NotFound
  // when no link has this token; Gone with reason "link_used" or "link_expired", or
  // "link_revoked" when the account is no longer an active customer's. Nothing is written
  // when it fails.
  Result<NewSession> redeem(const std::string& token);

 private:
  Context& ctx_;
};

}  // namespace redress::service
