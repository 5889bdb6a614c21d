// The admin pages as a browser uses them, on both engines: signed in through the login
// form (cookies and the _csrf field of each form), every page answers the admin and
// refuses an agent; forms write through the API, a refused form shows the API's error with
// its status and writes nothing; workflows are drawn as inline SVG; configured mailboxes
// and review connectors are listed without their secrets.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include "service/mail_intake_service.h"
#include "support/test_app.h"

namespace redress {
namespace {

using test::EngineParam;
using json = nlohmann::json;
using Fields = std::vector<std::pair<std::string, std::string>>;

std::string form_encode(const Fields& fields) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (const auto& [name, value] : fields) {
    if (!out.empty()) out += '&';
    for (const std::string* part : {&name, &value}) {
      for (unsigned char c : *part) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
          out += static_cast<char>(c);
        } else {
          out += '%';
          out += hex[c >> 4];
          out += hex[c & 15];
        }
      }
      if (part == &name) out += '=';
    }
  }
  return out;
}

size_t count_of(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
  return n;
}

// Cookies kept between requests, and the _csrf field of the last page's forms.
class Browser {
 public:
  explicit Browser(const test::TestApp& app) : client_(app.client()) {}

  test::TestResponse get(const std::string& target) {
    auto r = client_->request("GET", target, "", headers());
    keep(r);
    return r;
  }

  // Posts a form as the browser would: with the _csrf token of the page it was on.
  test::TestResponse post(const std::string& target, Fields fields) {
    fields.emplace_back("_csrf", csrf_);
    auto h = headers();
    h.emplace_back("Content-Type", "application/x-www-form-urlencoded");
    auto r = client_->request("POST", target, form_encode(fields), h);
    keep(r);
    return r;
  }

  void sign_in(const std::string& email, const std::string& password) {
    ASSERT_EQ(get("/login").status, 200);
    auto r = post("/login", {{"email", email}, {"password", password}});
    ASSERT_EQ(r.status, 303) << r.body;
    ASSERT_TRUE(cookies_.contains("redress_session"));
  }

 private:
  std::vector<std::pair<std::string, std::string>> headers() const {
    std::string cookie;
    for (const auto& [k, v] : cookies_) cookie += (cookie.empty() ? "" : "; ") + k + "=" + v;
    if (cookie.empty()) return {};
    return {{"Cookie", cookie}};
  }

  void keep(const test::TestResponse& r) {
    for (auto [it, end] = r.headers.equal_range("set-cookie"); it != end; ++it) {
      const std::string pair = it->second.substr(0, it->second.find(';'));
      const auto eq = pair.find('=');
      const std::string name = pair.substr(0, eq), value = pair.substr(eq + 1);
      if (value.empty()) {
        cookies_.erase(name);
      } else {
        cookies_[name] = value;
      }
    }
    static const std::regex field(R"re(name="_csrf" value="([^"]*)")re");
    std::smatch m;
    if (std::regex_search(r.body, m, field)) csrf_ = m[1];
  }

  std::unique_ptr<test::HttpClient> client_;
  std::map<std::string, std::string> cookies_;
  std::string csrf_;
};

// What the settings hold and no page may show.
constexpr const char* kSecrets[] = {"url-secret",        "mailbox-password-1",
                                    "/run/secrets/imap", "review-token-0123456789",
                                    "reply-secret-1",    "query-secret"};

Settings connector_settings() {
  Settings s;
  MailboxSettings box;
  box.name = "support";
  box.url = "imaps://bot:url-secret@mail.example.com:993";
  box.username = "bot@example.com";
  box.password = "mailbox-password-1";
  box.address = "support@example.com";
  box.workflow = "customer-complaint";
  s.mailboxes.push_back(box);
  MailboxSettings gate;
  gate.name = "gateway";
  gate.password_file = "/run/secrets/imap";
  s.mailboxes.push_back(gate);
  ReviewSourceSettings review;
  review.name = "critizr";
  review.token = "review-token-0123456789";
  review.language = "fr";
  review.reply_url = "https://hooks.example.com/reply?key=query-secret";
  review.reply_secret = "reply-secret-1";
  s.review_sources.push_back(review);
  return s;
}

class WebAdminTest : public ::testing::TestWithParam<EngineParam> {
 protected:
  void SetUp() override {
    REDRESS_START_TEST_APP(GetParam(), app_, connector_settings());
    admin_ = app_->add_user("admin@example.com", "admin");
    agent_ = app_->add_user("agent@example.com", "agent");
    reason_id_ = created(
        "/api/v1/reasons",
        {{"workflow", "support-request"}, {"code", "billing"}, {"labels", {{"en", "Billing"}, {"fr", "Facturation"}}}});
    // One text in two languages: the same name.
    auto text = [&](const char* language, const char* subject, const char* body) {
      return created("/api/v1/templates", {{"name", "Invoice fixed"},
                                           {"reasons", {reason_id_}},
                                           {"language", language},
                                           {"subject", subject},
                                           {"body", body}});
    };
    template_en_ = text("en", "Your request {{ticket.number}}", "Hello {{contact.name}}, about {{reason.label}}.");
    template_fr_ = text("fr", "Votre demande {{ticket.number}}", "Bonjour {{contact.name}}, motif : {{reason.label}}.");
  }

  // POSTs as the admin; the id of what was created.
  int64_t created(const std::string& target, const json& body) {
    auto r = api("POST", target, body);
    EXPECT_EQ(r.status, 201) << target << ": " << r.body;
    return r.json().value("id", int64_t{0});
  }

  test::TestResponse api(const std::string& method, const std::string& target, const json& body = nullptr) {
    return app_->call(admin_.token, method, target, body.is_null() ? "" : body.dump());
  }

  std::vector<std::string> pages() const {
    return {"/admin",
            "/admin/users",
            "/admin/users/" + std::to_string(agent_.user.id),
            "/admin/reasons",
            "/admin/reasons/" + std::to_string(reason_id_),
            "/admin/templates",
            "/admin/templates/" + std::to_string(template_en_),
            "/admin/routing",
            "/admin/mailboxes",
            "/admin/reviews",
            "/admin/mail",
            "/admin/workflows",
            "/admin/workflows/customer-complaint"};
  }

  std::unique_ptr<test::TestApp> app_;
  test::TestUser admin_, agent_;
  int64_t reason_id_ = 0, template_en_ = 0, template_fr_ = 0;
};

TEST_P(WebAdminTest, EveryPageAnswersTheAdminAndRefusesOthers) {
  Browser admin(*app_);
  admin.sign_in(admin_.user.email, admin_.password);
  Browser agent(*app_);
  agent.sign_in(agent_.user.email, agent_.password);
  Browser anonymous(*app_);
  for (const auto& target : pages()) {
    auto page = admin.get(target);
    EXPECT_EQ(page.status, 200) << target << "\n" << page.body;
    EXPECT_NE(page.body.find("<h1>"), std::string::npos) << target;
    EXPECT_NE(page.body.find("aria-current=\"page\">Admin"), std::string::npos) << target << ": under the Admin tab";
    // The page's CSP forbids inline styles and scripts: none is written.
    EXPECT_EQ(page.body.find(" style="), std::string::npos) << target;
    EXPECT_EQ(page.body.find("<script>"), std::string::npos) << target;
    // Every form carries the session's token.
    EXPECT_EQ(count_of(page.body, "<form method=\"post\""), count_of(page.body, "name=\"_csrf\"")) << target;

    EXPECT_EQ(agent.get(target).status, 403) << target;
    auto redirected = anonymous.get(target);
    EXPECT_EQ(redirected.status, 303) << target;
    EXPECT_EQ(redirected.header("Location").value_or(""), "/login?next=" + target) << target;
  }
  // Pages check the right, as the API does, not the role: an agent granted "admin" may.
  const auto ops = app_->add_user("ops@example.com", "agent", "admin");
  Browser granted(*app_);
  granted.sign_in(ops.user.email, ops.password);
  EXPECT_EQ(granted.get("/admin/users").status, 200);

  // An agent cannot post the forms either, and nothing is written.
  const int64_t users = app_->count("users"), events = app_->count("events");
  agent.get("/desk");  // a page with the agent's own token in its forms
  EXPECT_EQ(agent.post("/admin/users", {{"email", "x@example.com"}, {"name", "X"}, {"role", "admin"}}).status, 403);
  EXPECT_EQ(app_->count("users"), users);
  EXPECT_EQ(app_->count("events"), events);
}

TEST_P(WebAdminTest, CreatingAUserThroughTheFormCreatesIt) {
  Browser admin(*app_);
  admin.sign_in(admin_.user.email, admin_.password);
  ASSERT_EQ(admin.get("/admin/users").status, 200);
  auto created = admin.post("/admin/users", {{"name", "Zoé Martin"},
                                             {"email", "zoe@example.com"},
                                             {"role", "agent"},
                                             {"language", "fr"},
                                             {"password", "a long password"},
                                             {"rights", "reports.view"},
                                             {"rights", "messages.block"}});
  ASSERT_EQ(created.status, 303) << created.body;
  EXPECT_EQ(created.header("Location").value_or(""), "/admin/users?saved=1");

  json zoe;
  const json users = api("GET", "/api/v1/users").json();
  for (const auto& u : users["items"]) {
    if (u["email"] == "zoe@example.com") zoe = u;
  }
  ASSERT_TRUE(zoe.is_object()) << "the new user is listed by the API";
  EXPECT_EQ(zoe["name"], "Zoé Martin");
  EXPECT_EQ(zoe["role"], "agent");
  EXPECT_EQ(zoe["language"], "fr");
  const auto rights = zoe["rights"].get<std::vector<std::string>>();
  EXPECT_NE(std::ranges::find(rights, "reports.view"), rights.end());
  EXPECT_NE(std::ranges::find(rights, "messages.block"), rights.end());
  auto login = app_->call("", "POST", "/api/v1/session",
                          json{{"email", "zoe@example.com"}, {"password", "a long password"}}.dump());
  EXPECT_EQ(login.status, 200) << login.body;

  auto list = admin.get("/admin/users?saved=1");
  EXPECT_NE(list.body.find("Zoé Martin"), std::string::npos);
  EXPECT_NE(list.body.find("class=\"notice\""), std::string::npos);

  // Edited through its own page: a role, rights withdrawn, deactivated.
  const std::string page = "/admin/users/" + std::to_string(zoe["id"].get<int64_t>());
  ASSERT_EQ(admin.get(page).status, 200);
  auto saved = admin.post(
      page, {{"name", "Zoé Martin"}, {"role", "viewer"}, {"language", "en"}, {"rights", "tickets.view_all"}});
  ASSERT_EQ(saved.status, 303) << saved.body;
  auto after = api("GET", "/api/v1/users/" + std::to_string(zoe["id"].get<int64_t>())).json();
  EXPECT_EQ(after["role"], "viewer");
  EXPECT_EQ(after["language"], "en");
  EXPECT_EQ(after["active"], false);
  EXPECT_EQ(after["rights"], json::array({"tickets.view_all"}));
}

TEST_P(WebAdminTest, RefusedFormsShowTheApiErrorAndWriteNothing) {
  Browser admin(*app_);
  admin.sign_in(admin_.user.email, admin_.password);
  ASSERT_EQ(admin.get("/admin/users").status, 200);
  const int64_t users = app_->count("users"), events = app_->count("events");
  auto bad = admin.post("/admin/users", {{"name", "Kept Name"},
                                         {"email", "not an address"},
                                         {"role", "agent"},
                                         {"language", "en"},
                                         {"password", "short"}});
  EXPECT_EQ(bad.status, 422) << bad.body;
  EXPECT_NE(bad.body.find("class=\"error\" role=\"alert\""), std::string::npos);
  EXPECT_NE(bad.body.find("<strong>email</strong>"), std::string::npos) << bad.body;
  EXPECT_NE(bad.body.find("<strong>password</strong>"), std::string::npos) << bad.body;
  EXPECT_NE(bad.body.find("value=\"Kept Name\""), std::string::npos) << "the form keeps what was typed";
  EXPECT_EQ(app_->count("users"), users);

  // The admin cannot deactivate their own account.
  const std::string self = "/admin/users/" + std::to_string(admin_.user.id);
  ASSERT_EQ(admin.get(self).status, 200);
  auto own = admin.post(self, {{"name", admin_.user.name}, {"role", "admin"}, {"language", "en"}, {"rights", "admin"}});
  EXPECT_EQ(own.status, 422) << own.body;
  EXPECT_NE(own.body.find("<strong>active</strong>"), std::string::npos) << own.body;

  ASSERT_EQ(admin.get("/admin/reasons").status, 200);
  auto reason =
      admin.post("/admin/reasons", {{"workflow", "support-request"}, {"code", "billing"}, {"label_en", "Again"}});
  EXPECT_EQ(reason.status, 409) << reason.body;
  EXPECT_NE(reason.body.find("class=\"error\""), std::string::npos);

  ASSERT_EQ(admin.get("/admin/templates").status, 200);
  auto tmpl = admin.post("/admin/templates", {{"name", "Broken"},
                                              {"language", "en"},
                                              {"subject", "Hi {{contact.nmae}}"},
                                              {"body", "Hello"},
                                              {"active", "true"}});
  EXPECT_EQ(tmpl.status, 422) << tmpl.body;
  EXPECT_NE(tmpl.body.find("<strong>subject</strong>"), std::string::npos) << tmpl.body;
  EXPECT_NE(tmpl.body.find("Hi {{contact.nmae}}"), std::string::npos) << "the text typed stays in the form";

  const json routing_before = api("GET", "/api/v1/routing").json()["rules"];
  ASSERT_EQ(admin.get("/admin/routing").status, 200);
  auto not_json = admin.post("/admin/routing", {{"rules", "[{\"event\": "}});
  EXPECT_EQ(not_json.status, 400) << not_json.body;
  EXPECT_NE(not_json.body.find("class=\"error\""), std::string::npos);
  auto wrong = admin.post("/admin/routing",
                          {{"rules", R"([{"workflow":"*","event":"exploded","to":["taker"],"template":"assigned"}])"}});
  EXPECT_EQ(wrong.status, 422) << wrong.body;
  EXPECT_NE(wrong.body.find("rules[0].event"), std::string::npos) << wrong.body;
  EXPECT_EQ(api("GET", "/api/v1/routing").json()["rules"], routing_before);

  EXPECT_EQ(app_->count("events"), events);

  // A kept mail without a sender: retrying refuses it again, said on the page.
  auto refused = service::MailIntakeService(app_->context()).ingest("Subject: nobody\r\n\r\nbody\r\n", {"", "api"});
  ASSERT_FALSE(refused);
  const std::string failed = refused.error().fields.at("failed_mail");
  auto mail = admin.get("/admin/mail");
  ASSERT_EQ(mail.status, 200);
  EXPECT_NE(mail.body.find("/admin/mail/failed/" + failed + "/retry"), std::string::npos);
  const int64_t events_before_retry = app_->count("events");
  auto retried = admin.post("/admin/mail/failed/" + failed + "/retry", {});
  EXPECT_EQ(retried.status, 422) << retried.body;
  EXPECT_NE(retried.body.find("class=\"error\""), std::string::npos);
  EXPECT_EQ(app_->count("events"), events_before_retry);
}

std::string html_unescape(std::string s) {
  const std::pair<const char*, const char*> entities[] = {{"&quot;", "\""}, {"&apos;", "'"}, {"&#39;", "'"},
                                                          {"&lt;", "<"},    {"&gt;", ">"},   {"&amp;", "&"}};
  for (const auto& [entity, text] : entities) {
    for (auto at = s.find(entity); at != std::string::npos; at = s.find(entity, at + 1))
      s.replace(at, strlen(entity), text);
  }
  return s;
}

TEST_P(WebAdminTest, RoutingTableIsShownAndSavedBackFromItsText) {
  auto rule = api("PUT", "/api/v1/routing",
                  {{"rules",
                    {{{"workflow", "*"}, {"event", "assigned"}, {"to", {"assignee"}}, {"template", "assigned"}},
                     {{"workflow", "customer-complaint"},
                      {"event", "status_entered"},
                      {"status", "confirmation"},
                      {"to", {"main_contact"}},
                      {"cc", {"quality@example.com"}},
                      {"template", "confirmation_request"},
                      {"enabled", false}}}}});
  ASSERT_EQ(rule.status, 200) << rule.body;
  const json before = api("GET", "/api/v1/routing").json()["rules"];

  Browser admin(*app_);
  admin.sign_in(admin_.user.email, admin_.password);
  auto page = admin.get("/admin/routing");
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("<th scope=\"row\">Status entered</th>"), std::string::npos) << page.body;
  EXPECT_NE(page.body.find("<td>Confirmation</td>"), std::string::npos);
  EXPECT_NE(page.body.find("quality@example.com"), std::string::npos);
  const auto open = page.body.find('>', page.body.find("<textarea id=\"routing-rules\"")) + 1;
  const std::string text = html_unescape(page.body.substr(open, page.body.find("</textarea>", open) - open));
  EXPECT_EQ(text.find("\"\""), std::string::npos) << "members left at their default are not written: " << text;

  // Sent back as shown: the same table.
  auto saved = admin.post("/admin/routing", {{"rules", text}});
  ASSERT_EQ(saved.status, 303) << saved.body;
  json after = api("GET", "/api/v1/routing").json()["rules"];
  ASSERT_EQ(after.size(), before.size());
  for (size_t i = 0; i < after.size(); ++i) {
    for (const char* added : {"id", "updated_at"}) {
      after[i].erase(added);
    }
    json expected = before[i];
    for (const char* added : {"id", "updated_at"}) expected.erase(added);
    EXPECT_EQ(after[i], expected) << i;
  }
}

TEST_P(WebAdminTest, TemplatePageShowsThePreviewInEachLanguage) {
  Browser admin(*app_);
  admin.sign_in(admin_.user.email, admin_.password);
  auto page = admin.get("/admin/templates/" + std::to_string(template_en_));
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_NE(page.body.find("Hello Claire Dubois, about Billing."), std::string::npos) << page.body;
  EXPECT_NE(page.body.find("Bonjour Claire Dubois, motif : Facturation."), std::string::npos) << page.body;
  EXPECT_NE(page.body.find("href=\"/admin/templates/" + std::to_string(template_fr_) + "\""), std::string::npos);

  auto saved = admin.post("/admin/templates/" + std::to_string(template_en_), {{"name", "Invoice fixed"},
                                                                               {"language", "en"},
                                                                               {"subject", "Fixed: {{ticket.number}}"},
                                                                               {"body", "Dear {{contact.name}}"},
                                                                               {"active", "true"}});
  ASSERT_EQ(saved.status, 303) << saved.body;
  auto t = api("GET", "/api/v1/templates/" + std::to_string(template_en_)).json();
  EXPECT_EQ(t["body"], "Dear {{contact.name}}");
  EXPECT_EQ(t["reasons"], json::array()) << "no reason ticked: every reason";
}

TEST_P(WebAdminTest, WorkflowPageDrawsOneBoxPerStatus) {
  Browser admin(*app_);
  admin.sign_in(admin_.user.email, admin_.password);
  for (const auto& wf : app_->context().workflows.all()) {
    auto page = admin.get("/admin/workflows/" + wf.id);
    ASSERT_EQ(page.status, 200) << wf.id;
    ASSERT_EQ(count_of(page.body, "<svg "), 1u) << wf.id;
    EXPECT_EQ(count_of(page.body, "<rect class=\"wf-box "), wf.statuses.size()) << wf.id;
    for (const auto& t : wf.transitions) {
      EXPECT_NE(page.body.find("<code class=\"small\">" + t.id + "</code>"), std::string::npos) << wf.id << " " << t.id;
    }
  }
  EXPECT_EQ(admin.get("/admin/workflows/no-such-thing").status, 404);
}

TEST_P(WebAdminTest, ConnectorPagesNeverShowSecrets) {
  Browser admin(*app_);
  admin.sign_in(admin_.user.email, admin_.password);
  const auto mailboxes = admin.get("/admin/mailboxes");
  ASSERT_EQ(mailboxes.status, 200);
  EXPECT_NE(mailboxes.body.find("mail.example.com:993"), std::string::npos) << mailboxes.body;
  EXPECT_NE(mailboxes.body.find("bot@example.com"), std::string::npos);
  EXPECT_NE(mailboxes.body.find("gateway"), std::string::npos);
  const auto reviews = admin.get("/admin/reviews");
  ASSERT_EQ(reviews.status, 200);
  EXPECT_NE(reviews.body.find("critizr"), std::string::npos);
  EXPECT_NE(reviews.body.find("https://hooks.example.com/reply"), std::string::npos);
  const auto api_mailboxes = api("GET", "/api/v1/mailboxes");
  const auto api_sources = api("GET", "/api/v1/review-sources");
  ASSERT_EQ(api_mailboxes.status, 200);
  ASSERT_EQ(api_sources.status, 200);
  EXPECT_EQ(api_mailboxes.json()["items"][0]["workflow"], "customer-complaint");
  EXPECT_EQ(api_mailboxes.json()["items"][1]["polled"], false);
  EXPECT_EQ(api_sources.json()["items"][0]["reply_url"], "https://hooks.example.com/reply");
  for (const char* secret : kSecrets) {
    for (const auto* body : {&mailboxes.body, &reviews.body, &api_mailboxes.body, &api_sources.body}) {
      EXPECT_EQ(body->find(secret), std::string::npos) << secret << " shown in\n" << *body;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Engines, WebAdminTest, ::testing::Values(EngineParam::kSqlite, EngineParam::kPostgres),
                         [](const auto& info) { return test::engine_name(info.param); });

}  // namespace
}  // namespace redress
