// Customers sign in to the portal with a one-time link by mail, on both engines, with the
// mail checked as the SMTP capture server received it: it arrives in the customer's
// language, its link signs in once and for 20 minutes, and asking for one answers the same
// for any address, mailing only customers.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/crypto.h"
#include "support/mail_reading.h"
#include "support/mail_servers.h"
#include "support/test_app.h"

namespace redress {
namespace {

using test::EngineParam;
using json = nlohmann::json;

constexpr const char* kLinkPrefix = "https://desk.example.com/login/link/";

class PortalLoginTest : public ::testing::TestWithParam<EngineParam> {
 protected:
  void SetUp() override {
    REDRESS_REQUIRE_SMTP(smtp_url_, smtp_dir_);
    sender_ = test::unique_sender();
    Settings s = test::smtp_settings(smtp_url_, sender_);
    s.server.base_url = "https://desk.example.com";
    REDRESS_START_TEST_APP(GetParam(), app_, s);
    inbox_ = test::CapturedInbox(smtp_dir_, sender_);
    admin_ = app_->add_user("admin@example.com", "admin");
    agent_ = app_->add_user("alice@example.com", "agent");
    ann_ = app_->add_user("ann@client.example", "customer");
    auto jeanne = app_->call(admin_.token, "POST", "/api/v1/users",
                             json{{"email", "jeanne@client.example"}, {"name", "Jeanne Dupont"}, {"role", "customer"},
                                  {"language", "fr"}}
                                 .dump());
    ASSERT_EQ(jeanne.status, 201) << jeanne.body;
  }

  test::TestResponse ask_link(const std::string& email) {
    return app_->call("", "POST", "/api/v1/session/link", json{{"email", email}}.dump());
  }

  test::TestResponse use_link(const std::string& token, const std::string& method = "POST") {
    return app_->call("", method, "/api/v1/session/link/" + token);
  }

  // Runs due jobs (the mail deliveries) and returns the mails delivered since last asked.
  std::vector<test::CapturedMessage> new_mails() {
    EXPECT_TRUE(app_->runner().run_due_once());
    return inbox_.since_last();
  }

  // Asks a link for email and returns its token, read from the one mail that came of it.
  std::string link_token(const std::string& email) {
    auto asked = ask_link(email);
    EXPECT_EQ(asked.status, 202) << asked.body;
    auto mails = new_mails();
    EXPECT_EQ(mails.size(), 1u);
    if (mails.empty()) return "";
    return token_in(test::text_of(mails[0].raw));
  }

  static std::string token_in(const std::string& text) {
    const auto at = text.find(kLinkPrefix);
    if (at == std::string::npos) {
      ADD_FAILURE() << "no link in:\n" << text;
      return "";
    }
    size_t end = at + std::string(kLinkPrefix).size();
    while (end < text.size() && (std::isalnum(static_cast<unsigned char>(text[end])) || text[end] == '-' || text[end] == '_'))
      ++end;
    return text.substr(at + std::string(kLinkPrefix).size(), end - at - std::string(kLinkPrefix).size());
  }

  std::unique_ptr<test::TestApp> app_;
  test::TestUser admin_, agent_, ann_;
  std::string smtp_url_;
  std::filesystem::path smtp_dir_;
  std::string sender_;
  test::CapturedInbox inbox_;
};

TEST_P(PortalLoginTest, LinkArrivesInTheCustomersLanguageAndSignsInOnce) {
  // Any case and spacing of the address finds the account.
  auto asked = ask_link("  Jeanne@Client.EXAMPLE ");
  ASSERT_EQ(asked.status, 202) << asked.body;
  EXPECT_EQ(asked.json(), json::parse(R"({"status": "sent"})"));
  auto mails = new_mails();
  ASSERT_EQ(mails.size(), 1u);
  const auto& mail = mails[0];
  EXPECT_EQ(mail.rcpt_tos, std::vector<std::string>{"jeanne@client.example"});
  EXPECT_EQ(test::header_of(mail.raw, "Subject"), "Votre lien de connexion");
  EXPECT_NE(mail.raw.find("\r\nContent-Language: fr\r\n"), std::string::npos);
  EXPECT_EQ(test::header_of(mail.raw, "Auto-Submitted"), "auto-generated");
  // About an account, not a ticket: no [#NUMBER] (the subject above), no ticket header.
  EXPECT_EQ(test::header_of(mail.raw, "X-Redress-Ticket"), "");
  const std::string text = test::text_of(mail.raw);
  EXPECT_NE(text.find("Bonjour Jeanne Dupont"), std::string::npos) << text;
  EXPECT_NE(text.find("20 minutes"), std::string::npos) << text;
  const std::string token = token_in(text);
  ASSERT_GE(token.size(), 40u) << text;
  // Only the token's hash is kept.
  EXPECT_EQ(app_->count("sign_in_links"), 1);
  auto stored = app_->db().transact_value<int64_t>(store::TxMode::kRead, [&](store::Connection& c) -> Result<int64_t> {
    auto row = REDRESS_TRY(c.query_one("SELECT COUNT(*) FROM sign_in_links WHERE token_hash = ? AND token_hash <> ?",
                                       {crypto::sha256_hex(token), token}));
    return row->integer(0);
  });
  ASSERT_TRUE(stored);
  EXPECT_EQ(*stored, 1);

  // Opening the link (a mail scanner would) does not spend it: only POST does.
  EXPECT_EQ(use_link(token, "GET").status, 405);

  auto client = app_->client();
  auto signed_in = client->request("POST", "/api/v1/session/link/" + token);
  ASSERT_EQ(signed_in.status, 200) << signed_in.body;
  EXPECT_EQ(signed_in.json()["user"]["email"], "jeanne@client.example");
  EXPECT_EQ(signed_in.json()["user"]["role"], "customer");
  EXPECT_TRUE(signed_in.json()["csrf_token"].is_string());
  const std::string set_cookie = signed_in.header("set-cookie").value_or("");
  ASSERT_TRUE(set_cookie.starts_with("redress_session=")) << set_cookie;
  const std::string cookie = set_cookie.substr(0, set_cookie.find(';'));
  auto session = client->request("GET", "/api/v1/session", "", {{"Cookie", cookie}});
  ASSERT_EQ(session.status, 200) << session.body;
  EXPECT_EQ(session.json()["user"]["email"], "jeanne@client.example");
  EXPECT_EQ(session.json()["csrf_token"], signed_in.json()["csrf_token"]);

  auto again = use_link(token);
  EXPECT_EQ(again.status, 410) << again.body;
  EXPECT_EQ(again.json()["error"]["code"], "link_used");
  EXPECT_FALSE(again.header("set-cookie").has_value());

  // English for an English customer.
  ASSERT_EQ(ask_link("ann@client.example").status, 202);
  auto english = new_mails();
  ASSERT_EQ(english.size(), 1u);
  EXPECT_EQ(test::header_of(english[0].raw, "Subject"), "Your sign-in link");
  EXPECT_NE(english[0].raw.find("\r\nContent-Language: en\r\n"), std::string::npos);
  EXPECT_NE(test::text_of(english[0].raw).find("Hello User ann"), std::string::npos);
}

TEST_P(PortalLoginTest, SessionIsTheOnePasswordLoginGives) {
  const std::string token = link_token("ann@client.example");
  auto by_link = use_link(token);
  ASSERT_EQ(by_link.status, 200) << by_link.body;
  auto by_password = app_->call("", "POST", "/api/v1/session",
                                json{{"email", "ann@client.example"}, {"password", ann_.password}}.dump());
  ASSERT_EQ(by_password.status, 200) << by_password.body;
  json a = by_link.json(), b = by_password.json();
  EXPECT_NE(a["csrf_token"], b["csrf_token"]);
  a.erase("csrf_token");
  b.erase("csrf_token");
  EXPECT_EQ(a, b);  // same user, same expiry (the clock has not moved)
  auto attributes = [](const std::string& set_cookie) { return set_cookie.substr(set_cookie.find(';')); };
  EXPECT_EQ(attributes(by_link.header("set-cookie").value_or(";")), attributes(by_password.header("set-cookie").value_or(";")));
  // The history says how each session began.
  auto via = app_->db().transact_value<std::vector<std::string>>(
      store::TxMode::kRead, [&](store::Connection& c) -> Result<std::vector<std::string>> {
        auto rows = REDRESS_TRY(c.query(
            "SELECT kind, data FROM events WHERE entity = 'user' AND entity_id = ? AND kind <> 'user.created' "
            "AND kind <> 'token.created' ORDER BY id",
            {ann_.user.id}));
        std::vector<std::string> out;
        for (const auto& r : rows) out.push_back(r.text(0) + " " + json::parse(r.text(1)).value("via", ""));
        return out;
      });
  ASSERT_TRUE(via);
  EXPECT_EQ(*via, (std::vector<std::string>{"sign_in_link.sent ", "session.login sign_in_link", "session.login password"}));
}

TEST_P(PortalLoginTest, LinkExpiresAfterTwentyMinutes) {
  const std::string late = link_token("ann@client.example");
  const std::string in_time = link_token("ann@client.example");
  app_->clock().advance(std::chrono::minutes(19));
  EXPECT_EQ(use_link(in_time).status, 200);
  app_->clock().advance(std::chrono::minutes(1));
  auto expired = use_link(late);
  EXPECT_EQ(expired.status, 410) << expired.body;
  EXPECT_EQ(expired.json()["error"]["code"], "link_expired");
  // Refused without writing: the link stays unused.
  EXPECT_EQ(app_->count("sign_in_links WHERE used_at IS NULL"), 1);
}

TEST_P(PortalLoginTest, EveryAddressGetsTheSameAnswerButOnlyCustomersGetAMail) {
  auto deactivated = app_->call(admin_.token, "POST", "/api/v1/users",
                                json{{"email", "gone@client.example"}, {"name", "Gone"}, {"role", "customer"}}.dump());
  ASSERT_EQ(deactivated.status, 201);
  ASSERT_EQ(app_->call(admin_.token, "PATCH", "/api/v1/users/" + std::to_string(deactivated.json()["id"].get<int64_t>()),
                       json{{"active", false}}.dump())
                .status,
            200);
  const auto sent = ask_link("ann@client.example");
  for (const std::string email : {"nobody@client.example", "alice@example.com", "gone@client.example"}) {
    auto r = ask_link(email);
    EXPECT_EQ(r.status, sent.status) << email;
    EXPECT_EQ(r.body, sent.body) << email;
  }
  const auto mails = new_mails();
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_EQ(mails[0].rcpt_tos, std::vector<std::string>{"ann@client.example"});
  EXPECT_EQ(app_->count("sign_in_links"), 1);
}

TEST_P(PortalLoginTest, MalformedOrUnknownInputIsRefused) {
  for (const std::string body : {R"({"email":"not an address"})", R"({"email":""})", R"({})", R"({"email":"a@b.c","x":1})"}) {
    auto r = app_->call("", "POST", "/api/v1/session/link", body);
    EXPECT_EQ(r.status, 422) << body << ": " << r.body;
  }
  auto bad = ask_link("not an address");
  EXPECT_TRUE(bad.json()["error"]["fields"].contains("email")) << bad.body;
  EXPECT_EQ(new_mails().size(), 0u);
  auto unknown = use_link("no-such-link");
  EXPECT_EQ(unknown.status, 404) << unknown.body;
  EXPECT_EQ(app_->count("sessions"), 0);
}

TEST_P(PortalLoginTest, AskingIsRateLimitedPerAddress) {
  int limited_at = 0;
  for (int i = 1; i <= 12 && !limited_at; ++i) {
    if (ask_link("ann@client.example").status == 429) limited_at = i;
  }
  EXPECT_EQ(limited_at, 11);  // 10 a minute, as failed logins
  auto blocked = ask_link("ann@client.example");
  EXPECT_EQ(blocked.status, 429);
  EXPECT_TRUE(blocked.header("retry-after").has_value());
  // Apart from password logins: the customer can still log in with a password.
  EXPECT_EQ(app_->call("", "POST", "/api/v1/session",
                       json{{"email", "ann@client.example"}, {"password", ann_.password}}.dump())
                .status,
            200);
  app_->clock().advance(std::chrono::minutes(1));
  EXPECT_EQ(ask_link("ann@client.example").status, 202);
}

INSTANTIATE_TEST_SUITE_P(Engines, PortalLoginTest, ::testing::Values(EngineParam::kSqlite, EngineParam::kPostgres),
                         [](const auto& info) { return test::engine_name(info.param); });

}  // namespace
}  // namespace redress
