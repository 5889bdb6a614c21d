// The web UI's own rules, seen as a browser sees them (cookies, form posts, headers):
// sign-in and the redirect after it, CSRF on every form, who may open which page, the
// page headers (CSP without inline script, no caching), assets with cache headers,
// escaping of what customers write, mail HTML only inside a sandboxed frame, and the
// API's refusals shown on the page with nothing written. The browser tests (tests/
// browser) click through the seed stories; these check the edges a click never reaches.
#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <string>

#include "support/test_app.h"

namespace redress {
namespace {

using json = nlohmann::json;

std::string form_encode(const std::map<std::string, std::string>& fields) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (const auto& [k, v] : fields) {
    if (!out.empty()) out += '&';
    for (const std::string* part : {&k, &v}) {
      for (unsigned char c : *part) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.') {
          out += static_cast<char>(c);
        } else {
          out += '%';
          out += hex[c >> 4];
          out += hex[c & 15];
        }
      }
      if (part == &k) out += '=';
    }
  }
  return out;
}

// A browser: keeps the cookies the server sets and reads the CSRF token off each page.
class Browser {
 public:
  explicit Browser(test::TestApp& app) : client_(app.client()) {}

  test::TestResponse get(const std::string& target) {
    auto r = send("GET", target, "");
    if (auto token = token_in(r.body)) csrf_ = *token;
    return r;
  }
  test::TestResponse post(const std::string& target, std::map<std::string, std::string> fields, bool with_csrf = true) {
    if (with_csrf) fields.emplace("_csrf", csrf_);
    return send("POST", target, form_encode(fields), {{"Content-Type", "application/x-www-form-urlencoded"}});
  }
  // A form with files, as a browser sends a form with enctype="multipart/form-data".
  test::TestResponse post_files(const std::string& target, std::map<std::string, std::string> fields,
                                const std::vector<std::pair<std::string, std::string>>& files) {
    fields.emplace("_csrf", csrf_);
    const std::string boundary = "----redressTestBoundary7MA4YWxkTrZu0gW";
    std::string body;
    for (const auto& [name, value] : fields)
      body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n";
    for (const auto& [filename, bytes] : files)
      body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + filename +
              "\"\r\nContent-Type: application/pdf\r\n\r\n" + bytes + "\r\n";
    body += "--" + boundary + "--\r\n";
    return send("POST", target, body, {{"Content-Type", "multipart/form-data; boundary=" + boundary}});
  }
  void sign_in(const std::string& email, const std::string& password) {
    get("/login");
    auto r = post("/login", {{"email", email}, {"password", password}});
    ASSERT_EQ(r.status, 303) << r.body;
  }
  const std::string& csrf() const { return csrf_; }
  bool has_cookie(const std::string& name) const { return cookies_.contains(name); }

 private:
  static std::optional<std::string> token_in(const std::string& html) {
    static const std::regex re(R"re(name="_csrf" value="([^"]+)")re");
    std::smatch m;
    if (std::regex_search(html, m, re)) return m[1].str();
    return std::nullopt;
  }

  test::TestResponse send(const std::string& method, const std::string& target, const std::string& body,
                          std::vector<std::pair<std::string, std::string>> headers = {}) {
    std::string cookie;
    for (const auto& [k, v] : cookies_) cookie += (cookie.empty() ? "" : "; ") + k + "=" + v;
    if (!cookie.empty()) headers.emplace_back("Cookie", cookie);
    auto r = client_->request(method, target, body, headers);
    for (auto [it, end] = r.headers.equal_range("set-cookie"); it != end; ++it) {
      const std::string& c = it->second;
      const auto eq = c.find('='), semi = c.find(';');
      const std::string name = c.substr(0, eq), value = c.substr(eq + 1, semi - eq - 1);
      if (value.empty() || c.find("Max-Age=0") != std::string::npos) {
        cookies_.erase(name);
      } else {
        cookies_[name] = value;
      }
    }
    return r;
  }

  std::unique_ptr<test::HttpClient> client_;
  std::map<std::string, std::string> cookies_;
  std::string csrf_;
};

class WebTest : public ::testing::Test {
 protected:
  void SetUp() override {
    REDRESS_START_TEST_APP(test::EngineParam::kSqlite, app_);
    admin_ = app_->add_user("admin@example.com", "admin");
    agent_ = app_->add_user("agent@example.com", "agent");
    customer_ = app_->add_user("carla@example.com", "customer");
  }

  // A support request from the customer, through the API as the portal would make it.
  std::string customer_request(const std::string& subject, const std::string& description) {
    auto r = app_->call(customer_.token, "POST", "/api/v1/tickets",
                        json{{"workflow", "support-request"}, {"subject", subject}, {"description", description}}.dump());
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json().value("number", "");
  }

  std::unique_ptr<test::TestApp> app_;
  test::TestUser admin_, agent_, customer_;
};

TEST_F(WebTest, AnonymousVisitorsAreSentToTheLoginWithTheirDestination) {
  Browser b(*app_);
  auto r = b.get("/desk/tickets?q=parcel");
  EXPECT_EQ(r.status, 303);
  EXPECT_EQ(r.header("location").value_or(""), "/login?next=/desk/tickets%3Fq%3Dparcel");
  EXPECT_EQ(b.get("/").header("location").value_or(""), "/login");
  auto login = b.get("/login");
  EXPECT_EQ(login.status, 200);
  EXPECT_NE(login.body.find("<form method=\"post\" action=\"/login\""), std::string::npos);
  EXPECT_TRUE(b.has_cookie("redress_form"));  // the login form's CSRF token, double-submitted
}

TEST_F(WebTest, SigningInGoesToTheAskedPageOrTheHomeOfTheRole) {
  Browser agent(*app_);
  agent.get("/login?next=/desk/mine");
  auto r = agent.post("/login", {{"email", "agent@example.com"}, {"password", agent_.password}, {"next", "/desk/mine"}});
  EXPECT_EQ(r.status, 303);
  EXPECT_EQ(r.header("location").value_or(""), "/desk/mine");
  EXPECT_TRUE(agent.has_cookie("redress_session"));
  EXPECT_EQ(agent.get("/desk/mine").status, 200);

  // Another site as "next" is ignored: signing in never sends a person elsewhere.
  Browser customer(*app_);
  customer.get("/login");
  r = customer.post("/login", {{"email", "carla@example.com"}, {"password", customer_.password}, {"next", "//evil.example/x"}});
  EXPECT_EQ(r.header("location").value_or(""), "/portal");
}

// Issue 24: "/%09/evil.example/" went out as "Location: /\t/evil.example/", which browsers
// follow off-site (they drop the tab); CR, LF and NUL gave 500.
TEST_F(WebTest, NextThatABrowserWouldReadAsAnotherSiteGoesHome) {
  Browser agent(*app_);
  agent.sign_in("agent@example.com", agent_.password);
  const std::string home = agent.get("/").header("location").value_or("");
  ASSERT_FALSE(home.empty());
  for (const std::string next : {"/%09/evil.example/", "/%09%5Cevil.example/", "/%5C%5Cevil.example", "//evil.example",
                                 "/%0d%0aSet-Cookie:%20x=1", "/%0aevil", "/%00", "%20//evil.example", "https://evil.example/",
                                 "/desk%09", "/x%7F"}) {
    auto r = agent.get("/login?next=" + next);
    EXPECT_EQ(r.status, 303) << next << ": " << r.body;
    EXPECT_EQ(r.header("location").value_or(""), home) << next;
  }
  // Paths of this site still work, query included.
  EXPECT_EQ(agent.get("/login?next=/desk/tickets%3Fq%3Dparcel").header("location").value_or(""), "/desk/tickets?q=parcel");

  // Signing in with such a "next" goes home too, and the form does not carry it on.
  Browser customer(*app_);
  auto form = customer.get("/login?next=/%09/evil.example/");
  EXPECT_EQ(form.body.find("evil.example"), std::string::npos);
  auto r = customer.post("/login", {{"email", "carla@example.com"}, {"password", customer_.password},
                                    {"next", "/\t/evil.example/"}});
  EXPECT_EQ(r.status, 303);
  EXPECT_EQ(r.header("location").value_or(""), "/portal");
}

TEST_F(WebTest, AWrongPasswordShowsTheFormAgainWithoutSigningIn) {
  Browser b(*app_);
  b.get("/login");
  auto r = b.post("/login", {{"email", "agent@example.com"}, {"password", "wrong"}});
  EXPECT_EQ(r.status, 401);
  EXPECT_NE(r.body.find("Wrong e-mail or password."), std::string::npos);
  EXPECT_NE(r.body.find("value=\"agent@example.com\""), std::string::npos);  // kept, the password not
  EXPECT_FALSE(b.has_cookie("redress_session"));
}

TEST_F(WebTest, LoginFormWithoutItsTokenIsRefused) {
  Browser b(*app_);
  b.get("/login");
  auto r = b.post("/login", {{"email", "agent@example.com"}, {"password", agent_.password}, {"_csrf", "forged"}}, false);
  EXPECT_EQ(r.status, 403);
  EXPECT_FALSE(b.has_cookie("redress_session"));
}

TEST_F(WebTest, EveryFormPostNeedsTheSessionsCsrfTokenAndNothingIsWrittenWithout) {
  const std::string number = customer_request("Parcel lost", "Never arrived.");
  Browser b(*app_);
  b.sign_in("agent@example.com", agent_.password);
  b.get("/desk/tickets/" + number);
  const auto before = app_->count("messages");
  auto forged = b.post("/desk/tickets/" + number + "/message", {{"body", "hi"}, {"_csrf", "forged"}}, false);
  EXPECT_EQ(forged.status, 403);
  EXPECT_NE(forged.body.find("This form has expired"), std::string::npos);
  auto missing = b.post("/desk/tickets/" + number + "/message", {{"body", "hi"}}, false);
  EXPECT_EQ(missing.status, 403);
  EXPECT_EQ(app_->count("messages"), before);

  auto ok = b.post("/desk/tickets/" + number + "/message", {{"body", "We are looking into it."}, {"visibility", "public"}});
  EXPECT_EQ(ok.status, 303);
  EXPECT_EQ(app_->count("messages"), before + 1);
}

TEST_F(WebTest, PagesSayWhoMayOpenThem) {
  Browser customer(*app_);
  customer.sign_in("carla@example.com", customer_.password);
  EXPECT_EQ(customer.get("/desk").status, 403);
  EXPECT_EQ(customer.get("/admin").status, 403);
  EXPECT_EQ(customer.get("/reports").status, 403);
  EXPECT_EQ(customer.get("/portal").status, 200);

  Browser agent(*app_);
  agent.sign_in("agent@example.com", agent_.password);
  EXPECT_EQ(agent.get("/portal").status, 403);
  EXPECT_EQ(agent.get("/admin").status, 403);
  EXPECT_EQ(agent.get("/reports").status, 403);  // agents see reports only with reports.view
  EXPECT_EQ(agent.get("/desk").status, 200);
  EXPECT_EQ(agent.get("/no/such/page").status, 404);
}

TEST_F(WebTest, PagesForbidInlineScriptFramingAndCaching) {
  Browser b(*app_);
  b.sign_in("agent@example.com", agent_.password);
  auto r = b.get("/desk");
  ASSERT_EQ(r.status, 200);
  const std::string csp = r.header("content-security-policy").value_or("");
  EXPECT_NE(csp.find("script-src 'self'"), std::string::npos);
  EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos);
  EXPECT_EQ(csp.find("unsafe-eval"), std::string::npos);
  EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos);
  EXPECT_EQ(r.header("cache-control").value_or(""), "no-store");
  EXPECT_EQ(r.header("x-frame-options").value_or(""), "DENY");
  // No inline script element in the page itself: every <script> has a src (or is data).
  static const std::regex inline_script(R"(<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>)");
  EXPECT_FALSE(std::regex_search(r.body, inline_script));
}

TEST_F(WebTest, AssetsAreCachedForAYearAtTheirVersionedAddress) {
  Browser b(*app_);
  auto page = b.get("/login");
  static const std::regex css(R"re(href="(/assets/redress\.css\?v=([0-9a-f]+))")re");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(page.body, m, css));
  auto r = b.get(m[1].str());
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.header("content-type").value_or(""), "text/css; charset=utf-8");
  EXPECT_EQ(r.header("cache-control").value_or(""), "public, max-age=31536000, immutable");
  const std::string etag = r.header("etag").value_or("");
  EXPECT_EQ(etag, "\"" + m[2].str() + "\"");
  // Without the version (an old link) it must be revalidated; a matching ETag is 304.
  auto unversioned = b.get("/assets/redress.css");
  EXPECT_EQ(unversioned.header("cache-control").value_or(""), "no-cache");
  auto client = app_->client();
  auto again = client->request("GET", "/assets/redress.css", "", {{"If-None-Match", etag}});
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
  EXPECT_EQ(b.get("/assets/nothing.js").status, 404);
}

TEST_F(WebTest, PagesAndAssetsTravelGzippedWhenTheBrowserAccepts) {
  Browser b(*app_);
  b.sign_in("agent@example.com", agent_.password);
  auto plain = b.get("/desk");
  auto client = app_->client();
  auto css_plain = client->request("GET", "/assets/redress.css");
  auto css_gz = client->request("GET", "/assets/redress.css", "", {{"Accept-Encoding", "gzip, deflate, br"}});
  EXPECT_EQ(css_gz.header("content-encoding").value_or(""), "gzip");
  EXPECT_FALSE(css_plain.header("content-encoding").has_value());
  EXPECT_LT(css_gz.body.size() * 3, css_plain.body.size());
  EXPECT_EQ(static_cast<unsigned char>(css_gz.body[0]), 0x1f);
  auto refused = client->request("GET", "/assets/redress.css", "", {{"Accept-Encoding", "gzip;q=0"}});
  EXPECT_EQ(refused.body, css_plain.body);
  EXPECT_FALSE(plain.header("content-encoding").has_value());
}

TEST_F(WebTest, WhatCustomersWriteIsShownAsTextNeverAsMarkup) {
  const std::string number = customer_request("<script>alert(1)</script> broken", "<img src=x onerror=alert(2)>");
  Browser b(*app_);
  b.sign_in("agent@example.com", agent_.password);
  auto r = b.get("/desk/tickets/" + number);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body.find("<script>alert(1)"), std::string::npos);
  EXPECT_EQ(r.body.find("<img src=x"), std::string::npos);
  EXPECT_NE(r.body.find("&lt;script&gt;alert(1)&lt;/script&gt; broken"), std::string::npos);
}

TEST_F(WebTest, MailHtmlIsShownOnlyInASandboxedFrame) {
  auto mail = std::string(
      "From: Dana <dana@example.com>\r\nTo: support@example.com\r\nSubject: Rich mail\r\n"
      "Message-ID: <rich-1@example.com>\r\nMIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
      "<p>Hello <b>team</b></p><script>alert(3)</script>\r\n");
  auto in = app_->client()->request("POST", "/api/v1/inbound/mail", mail,
                                    {{"Authorization", "Bearer " + admin_.token}, {"Content-Type", "message/rfc822"}});
  ASSERT_EQ(in.status / 100, 2) << in.body;
  const std::string number = in.json().value("ticket", json::object()).value("number", in.json().value("number", ""));
  ASSERT_FALSE(number.empty()) << in.body;
  Browser b(*app_);
  b.sign_in("agent@example.com", agent_.password);
  auto r = b.get("/desk/tickets/" + number);
  ASSERT_EQ(r.status, 200) << r.body;
  static const std::regex frame(R"re(<iframe class="mail-html" sandbox title="[^"]*" srcdoc="([^"]*)")re");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.body, m, frame)) << r.body;
  EXPECT_NE(m[1].str().find("&lt;b&gt;team&lt;/b&gt;"), std::string::npos);  // escaped into the attribute
  EXPECT_EQ(m[1].str().find("script"), std::string::npos);                    // sanitised away before that
  EXPECT_EQ(r.body.find("<b>team</b>"), std::string::npos);                    // never in the page itself
}

// Issue 17: a mail's files were invisible in the desk and the portal.
TEST_F(WebTest, ThreadsListEachMessagesFilesAndShowInlineImagesInTheMailFrame) {
  const std::string mail =
      "From: Carla <carla@example.com>\r\nTo: support@example.com\r\nSubject: Broken lamp\r\n"
      "Message-ID: <files-1@example.com>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=M\r\n\r\n"
      "--M\r\nContent-Type: multipart/related; boundary=R\r\n\r\n"
      "--R\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>See <img src=\"cid:lamp@x\" alt=\"lamp\"></p>\r\n"
      "--R\r\nContent-Type: image/png\r\nContent-ID: <lamp@x>\r\nContent-Disposition: inline; filename=lamp.png\r\n"
      "Content-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n--R--\r\n"
      "--M\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"facture mai.pdf\"\r\n"
      "Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--M--\r\n";
  auto in = app_->client()->request("POST", "/api/v1/inbound/mail", mail,
                                    {{"Authorization", "Bearer " + admin_.token}, {"Content-Type", "message/rfc822"}});
  ASSERT_EQ(in.status, 201) << in.body;
  const std::string number = in.json()["ticket"]["number"];
  auto thread = app_->call(agent_.token, "GET", "/api/v1/tickets/" + number + "/messages").json();
  const json files = thread["items"][0]["attachments"];
  ASSERT_EQ(files.size(), 2u) << thread.dump();
  const std::string png_url = "/api/v1/attachments/" + std::to_string(files[0]["id"].get<int64_t>());
  const std::string pdf_url = "/api/v1/attachments/" + std::to_string(files[1]["id"].get<int64_t>());

  Browser agent(*app_);
  agent.sign_in("agent@example.com", agent_.password);
  auto page = agent.get("/desk/tickets/" + number);
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("<a href=\"" + pdf_url + "\" download>facture mai.pdf</a>"), std::string::npos) << page.body;
  EXPECT_NE(page.body.find("<img src=\"" + png_url + "?disposition=inline\""), std::string::npos);
  // The mail's own cid: image points at the same door, inside the sandboxed frame.
  EXPECT_NE(page.body.find("src=&quot;" + png_url + "?disposition=inline&quot;"), std::string::npos) << page.body;
  EXPECT_EQ(page.body.find("cid:lamp@x"), std::string::npos);
  // The browser fetches it with the session cookie.
  auto bytes = agent.get(pdf_url);
  EXPECT_EQ(bytes.status, 200);
  EXPECT_EQ(bytes.body, "%PDF-1.4\n");

  // The customer (a contact: the mail was theirs) sees the same files in the portal, in French.
  ASSERT_EQ(app_->call(customer_.token, "PATCH", "/api/v1/users/" + std::to_string(customer_.user.id),
                       json{{"language", "fr"}}.dump())
                .status,
            200);
  Browser customer(*app_);
  customer.sign_in("carla@example.com", customer_.password);
  auto portal = customer.get("/portal/requests/" + number);
  ASSERT_EQ(portal.status, 200) << portal.body;
  EXPECT_NE(portal.body.find(">facture mai.pdf</a> <span class=\"muted\">9 octets</span>"), std::string::npos)
      << portal.body;
}

// Issue 17: agents attach files to a reply from the desk's form.
TEST_F(WebTest, TheReplyFormSendsFilesWithTheReply) {
  const std::string number = customer_request("Invoice charged twice", "Twice on my card.");
  Browser agent(*app_);
  agent.sign_in("agent@example.com", agent_.password);
  auto page = agent.get("/desk/tickets/" + number);
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("enctype=\"multipart/form-data\""), std::string::npos);
  EXPECT_NE(page.body.find("<input type=\"file\" id=\"reply-files\" name=\"file\" multiple>"), std::string::npos);
  const std::string pdf = std::string("%PDF-1.4\n\x00\x01\xFF" "credit note", 23);
  auto sent = agent.post_files("/desk/tickets/" + number + "/message", {{"body", "Here is the credit note."}, {"visibility", "public"}},
                               {{"avoir.pdf", pdf}});
  ASSERT_EQ(sent.status, 303) << sent.body.substr(0, 500);
  auto thread = app_->call(agent_.token, "GET", "/api/v1/tickets/" + number + "/messages").json();
  const json& last = thread["items"].back();
  EXPECT_EQ(last["body"], "Here is the credit note.");
  ASSERT_EQ(last["attachments"].size(), 1u) << thread.dump();
  EXPECT_EQ(last["attachments"][0]["filename"], "avoir.pdf");
  EXPECT_EQ(last["attachments"][0]["size"], 23);
  // Refused types come back on the page with the API's words, and nothing is posted.
  auto refused = agent.post_files("/desk/tickets/" + number + "/message", {{"body", "run this"}, {"visibility", "public"}},
                                  {{"setup.exe", "MZ"}});
  EXPECT_EQ(refused.status, 422) << refused.body.substr(0, 300);
  EXPECT_NE(refused.body.find("setup.exe"), std::string::npos);
  EXPECT_EQ(app_->call(agent_.token, "GET", "/api/v1/tickets/" + number + "/messages").json()["items"].size(),
            thread["items"].size());
}

TEST_F(WebTest, ACustomerSendsAPhotoWithANewPortalRequest) {
  Browser customer(*app_);
  customer.sign_in("carla@example.com", customer_.password);
  auto form = customer.get("/portal/new");
  ASSERT_EQ(form.status, 200);
  EXPECT_NE(form.body.find("enctype=\"multipart/form-data\""), std::string::npos);
  EXPECT_NE(form.body.find("<input type=\"file\" id=\"p-files\" name=\"file\" multiple"), std::string::npos);
  auto sent = customer.post_files("/portal/new",
                                  {{"workflow", "support-request"}, {"subject", "Crushed parcel"}, {"description", "Photo attached."}},
                                  {{"colis.pdf", "%PDF-1.4 photo"}});
  ASSERT_EQ(sent.status, 303) << sent.body.substr(0, 500);
  const std::string location = sent.header("location").value_or("");
  ASSERT_TRUE(location.starts_with("/portal/requests/")) << location;
  auto page = customer.get(location.substr(0, location.find('?')));
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body.find(">colis.pdf</a>"), std::string::npos) << page.body.substr(0, 3000);
}

TEST_F(WebTest, ARefusalIsShownOnThePageWithTheApisStatusAndNothingChanges) {
  const std::string number = customer_request("Invoice wrong", "VAT number.");
  Browser b(*app_);
  b.sign_in("agent@example.com", agent_.password);
  b.get("/desk/tickets/" + number);
  const auto events = app_->count("events");
  // Closing a support request needs a reason, a contact and a reply or a note.
  auto r = b.post("/desk/tickets/" + number + "/transition", {{"transition", "close"}});
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_NE(r.body.find("class=\"error\" role=\"alert\""), std::string::npos);
  EXPECT_NE(r.body.find("reason"), std::string::npos);
  EXPECT_EQ(app_->count("events"), events);
}

TEST_F(WebTest, TheQueueAndProcessNextOpenTheNextRequest) {
  const std::string number = customer_request("Where is my order", "Order 1234.");
  Browser b(*app_);
  b.sign_in("agent@example.com", agent_.password);
  auto queue = b.get("/desk");
  ASSERT_EQ(queue.status, 200);
  EXPECT_NE(queue.body.find(number), std::string::npos);
  auto next = b.post("/desk/next", {});
  EXPECT_EQ(next.status, 303);
  EXPECT_EQ(next.header("location").value_or(""), "/desk/tickets/" + number);
  auto page = b.get("/desk/tickets/" + number);
  EXPECT_NE(page.body.find("Taken by"), std::string::npos);
}

TEST_F(WebTest, TheCustomerWritesInThePortalAndSeesOnlyTheirRequests) {
  const std::string mine = customer_request("My parcel", "Lost.");
  Browser b(*app_);
  b.sign_in("carla@example.com", customer_.password);
  auto list = b.get("/portal");
  EXPECT_NE(list.body.find(mine), std::string::npos);
  auto page = b.get("/portal/requests/" + mine);
  ASSERT_EQ(page.status, 200);
  auto r = b.post("/portal/requests/" + mine + "/message", {{"body", "Any news?"}});
  EXPECT_EQ(r.status, 303);
  EXPECT_NE(b.get("/portal/requests/" + mine).body.find("Any news?"), std::string::npos);
  // Somebody else's request is the API's 404, as a page.
  auto other = app_->add_user("olga@example.com", "customer");
  auto theirs = app_->call(other.token, "POST", "/api/v1/tickets",
                           json{{"workflow", "support-request"}, {"subject", "Olga's"}, {"description", "x"}}.dump());
  ASSERT_EQ(theirs.status, 201);
  EXPECT_EQ(b.get("/portal/requests/" + theirs.json().value("number", "")).status, 404);
}

TEST_F(WebTest, TheUsersLanguageChoosesTheWords) {
  Browser b(*app_);
  b.sign_in("agent@example.com", agent_.password);
  b.get("/profile");
  auto r = b.post("/profile", {{"name", "Agent"}, {"language", "fr"}, {"signature", ""}});
  EXPECT_EQ(r.status, 303);
  auto queue = b.get("/desk");
  EXPECT_NE(queue.body.find("<html lang=\"fr\">"), std::string::npos);
  EXPECT_NE(queue.body.find("Traiter les tickets"), std::string::npos);
  // Before signing in, the browser's language.
  auto client = app_->client();
  auto login = client->request("GET", "/login", "", {{"Accept-Language", "fr-CH, fr;q=0.9, en;q=0.5"}});
  EXPECT_NE(login.body.find("Mot de passe"), std::string::npos);
}

TEST_F(WebTest, SigningOutEndsTheSession) {
  Browser b(*app_);
  b.sign_in("agent@example.com", agent_.password);
  b.get("/desk");
  auto r = b.post("/logout", {});
  EXPECT_EQ(r.status, 303);
  EXPECT_FALSE(b.has_cookie("redress_session"));
  EXPECT_EQ(b.get("/desk").status, 303);
}

TEST_F(WebTest, ASessionEndsAfterTwoIdleHoursAndLivesWhileUsedUpToItsLimit) {
  Browser idle(*app_), busy(*app_);
  idle.sign_in("agent@example.com", agent_.password);
  busy.sign_in("agent@example.com", agent_.password);
  // The busy agent opens a page every 90 minutes; the idle one does nothing for 2.5 hours.
  app_->clock().advance(std::chrono::minutes(90));
  EXPECT_EQ(busy.get("/desk").status, 200);
  app_->clock().advance(std::chrono::minutes(60));
  EXPECT_EQ(idle.get("/desk").status, 303);  // [auth] session_idle_minutes = 120 by default
  for (int i = 0; i < 6; ++i) {               // up to 10.5 hours after signing in
    EXPECT_EQ(busy.get("/desk").status, 200) << "after " << 150 + 90 * i << " minutes";
    app_->clock().advance(std::chrono::minutes(90));
  }
  // Used all along, it still ends session_ttl_hours (12) after signing in.
  app_->clock().advance(std::chrono::minutes(60));  // 12 h 30 min
  EXPECT_EQ(busy.get("/desk").status, 303);
}

TEST_F(WebTest, AnEndedSessionSendsBackToTheLoginSayingSo) {
  Browser b(*app_);
  b.sign_in("agent@example.com", agent_.password);
  EXPECT_EQ(b.get("/desk").status, 200);
  app_->clock().advance(std::chrono::hours(13));  // past [auth] session_ttl_hours (12)
  auto r = b.get("/desk/mine");
  EXPECT_EQ(r.status, 303);
  EXPECT_EQ(r.header("location").value_or(""), "/login?expired=1&next=/desk/mine");
  EXPECT_FALSE(b.has_cookie("redress_session"));  // the dead cookie is cleared
  auto login = b.get(r.header("location").value_or(""));
  EXPECT_NE(login.body.find("Your session has ended"), std::string::npos);
}

}  // namespace
}  // namespace redress
