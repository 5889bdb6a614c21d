#include "domain/action_link.h"

#include <gtest/gtest.h>

#include "core/crypto.h"

namespace redress::domain {
namespace {

const TimePoint kNow = from_micros(1'795'000'000'000'000);
const std::string kSecret = "a-secret-of-the-server";

class ActionLinkTest : public ::testing::Test {
 protected:
  void SetUp() override { crypto::init(); }
  ActionLink link{42, 7, "confirm", kNow + std::chrono::hours(24 * 7)};
};

TEST_F(ActionLinkTest, SignedLinkVerifiesToWhatWasSigned) {
  const auto token = sign_action_link(kSecret, link);
  const auto check = verify_action_link(kSecret, token, kNow);
  EXPECT_EQ(check.problem, LinkProblem::kNone);
  EXPECT_EQ(check.link.ticket_id, 42);
  EXPECT_EQ(check.link.contact_id, 7);
  EXPECT_EQ(check.link.transition, "confirm");
  EXPECT_EQ(check.link.expires_at, link.expires_at);
  EXPECT_EQ(token.find_first_not_of("0123456789abcdefghijklmnopqrstuvwxyz_-."), std::string::npos) << token;
}

TEST_F(ActionLinkTest, ExpiresAtTheSecondItNames) {
  const auto token = sign_action_link(kSecret, link);
  EXPECT_EQ(verify_action_link(kSecret, token, link.expires_at - std::chrono::seconds(1)).problem, LinkProblem::kNone);
  const auto late = verify_action_link(kSecret, token, link.expires_at);
  EXPECT_EQ(late.problem, LinkProblem::kExpired);
  EXPECT_EQ(late.link.ticket_id, 42) << "an expired link still says which ticket it was for";
}

TEST_F(ActionLinkTest, AnyEditedPartIsForged) {
  const auto token = sign_action_link(kSecret, link);
  // Each part changed in turn, keeping the shape valid: another ticket, another contact,
  // another transition, a later expiry, another signature.
  const std::vector<std::string> edits = {
      "43" + token.substr(2),
      token.substr(0, 3) + "8" + token.substr(4),
      sign_action_link(kSecret, link).replace(5, 7, "decline"),
  };
  for (const auto& edited : edits) {
    EXPECT_EQ(verify_action_link(kSecret, edited, kNow).problem, LinkProblem::kForged) << edited;
  }
  ActionLink later = link;
  later.expires_at += std::chrono::hours(24 * 365);
  const auto relabelled = sign_action_link(kSecret, later).substr(0, sign_action_link(kSecret, later).size() - 64) +
                          token.substr(token.size() - 64);
  EXPECT_EQ(verify_action_link(kSecret, relabelled, kNow).problem, LinkProblem::kForged);
  std::string flipped = token;
  flipped.back() = flipped.back() == '0' ? '1' : '0';
  EXPECT_EQ(verify_action_link(kSecret, flipped, kNow).problem, LinkProblem::kForged);
  EXPECT_EQ(verify_action_link("another-secret", token, kNow).problem, LinkProblem::kForged);
}

TEST_F(ActionLinkTest, MalformedTokensAreRefusedBeforeAnyCrypto) {
  const std::string sig(64, 'a');
  for (const std::string& bad : std::vector<std::string>{"", "abc", "1.2.confirm.3", "0.7.confirm.1795604800." + sig,
                                "x.7.confirm.1795604800." + sig, "42.7.Confirm!.1795604800." + sig,
                                "42.7.confirm.1795604800." + sig.substr(1), "42.7.confirm.1795604800." + sig + ".9"}) {
    EXPECT_EQ(verify_action_link(kSecret, bad, kNow).problem, LinkProblem::kMalformed) << bad;
  }
}

}  // namespace
}  // namespace redress::domain
