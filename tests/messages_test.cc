// Messages on requests (seed 003) end to end on both engines: who reads which part of a
// thread, who may post what, the text-only rule, blocking, reopening a closed request,
// and how customers see the author of our messages in each [messages] author_display mode.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/crypto.h"
#include "mail/parse.h"
#include "store/mail_store.h"
#include "support/mail_samples.h"
#include "support/test_app.h"

namespace redress {
namespace {

using test::EngineParam;
using json = nlohmann::json;

class MessagesTest : public ::testing::TestWithParam<EngineParam> {
 protected:
  void SetUp() override { start({}); }

  // (Re)starts the server with these settings and the same cast of accounts.
  void start(Settings settings) {
    app_.reset();
    REDRESS_START_TEST_APP(GetParam(), app_, settings);
    admin_ = app_->add_user("admin@example.com", "admin");
    agent_ = app_->add_user("agent@example.com", "agent");
    viewer_ = app_->add_user("viewer@example.com", "viewer");
    customer_ = app_->add_user("carla@example.com", "customer");
    stranger_ = app_->add_user("otto@example.com", "customer");
  }

  // A ticket where the customer is the main contact and Olga a second one; its path.
  std::string new_ticket(const std::string& workflow = "support-request", const json& extra = json::object()) {
    json body = {{"workflow", workflow},
                 {"subject", "Parcel never arrived"},
                 {"contacts", json::array({{{"email", "carla@example.com"}, {"name", "Carla"}, {"main", true}},
                                           {{"email", "olga@example.com"}, {"name", "Olga"}}})}};
    for (auto& [k, v] : extra.items()) body[k] = v;
    auto r = app_->call(agent_.token, "POST", "/api/v1/tickets", body.dump());
    EXPECT_EQ(r.status, 201) << r.body;
    const json t = r.json();
    carla_contact_id_ = t["main_contact"]["id"].get<int64_t>();
    return "/api/v1/tickets/" + std::to_string(t["id"].get<int64_t>());
  }

  test::TestResponse post(const std::string& token, const std::string& path, const json& body) {
    return app_->call(token, "POST", path + "/messages", body.dump());
  }

  json thread(const std::string& token, const std::string& path, const std::string& query = "") {
    auto r = app_->call(token, "GET", path + "/messages" + query);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json();
  }

  json ticket(const std::string& path) { return app_->call(agent_.token, "GET", path).json(); }

  void transition(const std::string& path, const json& body) {
    auto r = app_->call(agent_.token, "POST", path + "/transitions", body.dump());
    ASSERT_EQ(r.status, 200) << body.dump() << ": " << r.body;
  }

  std::vector<json> history(const std::string& path) {
    const json h = app_->call(agent_.token, "GET", path + "/history").json();
    std::vector<json> out;
    for (const auto& e : h["items"]) out.push_back(e);
    return out;
  }

  // Asserts the documented error shape, the status and the code; returns the error.
  json expect_error(const test::TestResponse& r, int status, const std::string& code) {
    EXPECT_EQ(r.status, status) << r.body;
    const json j = r.json();
    EXPECT_TRUE(j.contains("error")) << r.body;
    if (!j.contains("error")) return json::object();
    EXPECT_EQ(j["error"]["code"], code) << r.body;
    EXPECT_TRUE(j["error"]["message"].is_string()) << r.body;
    return j["error"];
  }

  std::unique_ptr<test::TestApp> app_;
  test::TestUser admin_, agent_, viewer_, customer_, stranger_;
  int64_t carla_contact_id_ = 0;
};

TEST_P(MessagesTest, CustomerPostsOnOwnTicketAndReadsIt) {
  const auto path = new_ticket();
  auto r = post(customer_.token, path, {{"body", "  My zeppelin parcel is still missing.\r\nPlease help.  "}});
  ASSERT_EQ(r.status, 201) << r.body;
  const json m = r.json();
  EXPECT_EQ(m["kind"], "portal");
  EXPECT_EQ(m["visibility"], "public");
  EXPECT_EQ(m["body"], "My zeppelin parcel is still missing.\nPlease help.");  // trimmed, line ends as \n
  EXPECT_TRUE(m["html"].is_null());
  EXPECT_TRUE(m["created_at"].is_string());
  EXPECT_EQ(m["author"], (json{{"type", "contact"}, {"id", carla_contact_id_}, {"name", "Carla"}}));

  const json mine = thread(customer_.token, path);
  ASSERT_EQ(mine["items"].size(), 1u) << mine.dump();
  EXPECT_EQ(mine["items"][0]["id"], m["id"]);
  EXPECT_EQ(mine["items"][0]["body"], m["body"]);
  EXPECT_TRUE(mine["next_after"].is_null());
  const json staff = thread(agent_.token, path);
  ASSERT_EQ(staff["items"].size(), 1u);
  EXPECT_EQ(staff["items"][0]["author"], (json{{"type", "contact"}, {"id", carla_contact_id_}, {"name", "Carla"}}));

  // Recorded in the history, by the customer.
  const auto events = history(path);
  ASSERT_FALSE(events.empty());
  const json& last = events.back();
  EXPECT_EQ(last["kind"], "message.posted");
  EXPECT_EQ(last["actor"]["id"], customer_.user.id);
  EXPECT_EQ(last["data"]["message_id"], m["id"]);
  EXPECT_EQ(last["data"]["kind"], "portal");
  EXPECT_EQ(last["data"]["visibility"], "public");

  // The ticket's search document now holds the message.
  const json found = app_->call(agent_.token, "GET", "/api/v1/tickets?q=zeppelin").json();
  ASSERT_EQ(found["items"].size(), 1u) << found.dump();
  EXPECT_EQ("/api/v1/tickets/" + std::to_string(found["items"][0]["id"].get<int64_t>()), path);
}

TEST_P(MessagesTest, StaffNotesAreHiddenFromCustomersAndRepliesAreShown) {
  const auto path = new_ticket();
  auto note = post(agent_.token, path,
                   {{"body", "Customer called twice; courier says delivered."}, {"visibility", "internal"}});
  ASSERT_EQ(note.status, 201) << note.body;
  EXPECT_EQ(note.json()["kind"], "note");
  EXPECT_EQ(note.json()["visibility"], "internal");
  EXPECT_EQ(note.json()["author"], (json{{"type", "user"}, {"id", agent_.user.id}, {"name", agent_.user.name}}));
  auto reply = post(agent_.token, path, {{"body", "We have asked the courier."}, {"visibility", "public"}});
  ASSERT_EQ(reply.status, 201) << reply.body;
  EXPECT_EQ(reply.json()["kind"], "reply");
  auto portal = post(customer_.token, path, {{"body", "Thank you."}});
  ASSERT_EQ(portal.status, 201) << portal.body;

  const json staff = thread(agent_.token, path);
  ASSERT_EQ(staff["items"].size(), 3u);
  std::vector<std::string> kinds;
  for (const auto& m : staff["items"]) kinds.push_back(m["kind"]);
  EXPECT_EQ(kinds, (std::vector<std::string>{"note", "reply", "portal"}));  // oldest first
  EXPECT_EQ(thread(viewer_.token, path)["items"].size(), 3u);  // read_all: notes too

  auto as_customer = app_->call(customer_.token, "GET", path + "/messages");
  ASSERT_EQ(as_customer.status, 200);
  const json mine = as_customer.json();
  ASSERT_EQ(mine["items"].size(), 2u) << as_customer.body;
  EXPECT_EQ(mine["items"][0]["kind"], "reply");
  EXPECT_EQ(mine["items"][1]["kind"], "portal");
  EXPECT_EQ(as_customer.body.find("courier says"), std::string::npos) << as_customer.body;
  // Default author_display: the team, not the person.
  EXPECT_EQ(mine["items"][0]["author"], (json{{"type", "staff"}, {"name", "Support"}}));

  // A customer cannot write a note: a right, not a typo.
  const auto messages = app_->count("messages");
  const auto events = app_->count("events");
  auto internal = post(customer_.token, path, {{"body", "psst"}, {"visibility", "internal"}});
  expect_error(internal, 403, "right_missing");
  EXPECT_EQ(app_->count("messages"), messages);
  EXPECT_EQ(app_->count("events"), events);
}

TEST_P(MessagesTest, CustomersSeeOurAuthorAsTheSettingSays) {
  struct Mode {
    std::string display;
    json expected;  // the author of a staff reply, as the customer sees it
  };
  const std::vector<Mode> modes = {
      {"none", nullptr},
      {"team", {{"type", "staff"}, {"name", "Helpdesk"}}},
      {"full_name", {{"type", "staff"}, {"name", "User agent"}}},
      {"custom", {{"type", "staff"}, {"name", "Your ACME advisor"}}},
  };
  for (const auto& mode : modes) {
    SCOPED_TRACE("author_display = " + mode.display);
    Settings s;
    s.messages.author_display = mode.display;
    s.messages.team_name = "Helpdesk";
    s.messages.author_text = "Your ACME advisor";
    start(s);
    if (!app_) return;  // skipped
    const auto path = new_ticket();
    ASSERT_EQ(post(agent_.token, path, {{"body", "We are on it."}}).status, 201);
    ASSERT_EQ(post(customer_.token, path, {{"body", "Thanks!"}}).status, 201);

    const json mine = thread(customer_.token, path);
    ASSERT_EQ(mine["items"].size(), 2u);
    EXPECT_EQ(mine["items"][0]["author"], mode.expected);
    // Their own side is shown by name whatever the setting.
    EXPECT_EQ(mine["items"][1]["author"], (json{{"type", "contact"}, {"id", carla_contact_id_}, {"name", "Carla"}}));
    // Staff always see who wrote it.
    const json staff = thread(agent_.token, path);
    EXPECT_EQ(staff["items"][0]["author"], (json{{"type", "user"}, {"id", agent_.user.id}, {"name", "User agent"}}));
  }
}

TEST_P(MessagesTest, BadBodiesAre422NamingBodyAndWriteNothing) {
  const auto path = new_ticket();
  const std::string five_thousand_and_one(5001, 'a');
  std::string accented;  // 5001 characters, 10002 bytes
  for (int i = 0; i < 5001; ++i) accented += "\xC3\xA9";
  struct Case {
    json body;
    std::string why;
  };
  const std::vector<Case> cases = {
      {{{"body", ""}}, "is required"},
      {{{"body", " \n\t "}}, "is required"},
      {json::object(), "is required"},
      {{{"body", nullptr}}, "is required"},
      {{{"body", "<p>Hello</p>"}}, "text only: HTML is not accepted"},
      {{{"body", "Look: <img src=\"https://example.com/x.png\">"}}, "text only: HTML is not accepted"},
      {{{"body", "<script>alert(1)</script>"}}, "text only: HTML is not accepted"},
      {{{"body", "done </div>"}}, "text only: HTML is not accepted"},
      {{{"body", "hidden <!-- comment -->"}}, "text only: HTML is not accepted"},
      {{{"body", "screenshot: data:image/png;base64,iVBORw0KGgoAAAANSUhEUg=="}}, "images are not accepted"},
      {{{"body", "ring \x07 ring"}}, "control characters are not accepted (only line breaks and tabs)"},
      {{{"body", five_thousand_and_one}}, "too long: at most 5000 characters (this has 5001)"},
      {{{"body", accented}}, "too long: at most 5000 characters (this has 5001)"},
      {{{"body", 42}}, "must be a string"},
  };
  const auto messages = app_->count("messages");
  const auto events = app_->count("events");
  const auto version = ticket(path)["version"];
  for (const auto& c : cases) {
    for (const auto* who : {&customer_, &agent_}) {
      auto r = post(who->token, path, c.body);
      const json e = expect_error(r, 422, "invalid");
      ASSERT_TRUE(e.contains("fields")) << r.body;
      EXPECT_EQ(e["fields"]["body"], c.why) << who->user.email << " " << c.body.dump().substr(0, 80);
    }
  }
  // The other members are checked too, each named.
  expect_error(post(agent_.token, path, {{"body", "ok"}, {"visibility", "secret"}}), 422, "invalid");
  auto tmpl = post(agent_.token, path, {{"body", "ok"}, {"template", 7}});
  EXPECT_EQ(expect_error(tmpl, 422, "invalid")["fields"]["template"], "no such response template");
  auto both = post(agent_.token, path, {{"body", "<b>x</b>"}, {"visibility", "secret"}, {"template", 7}});
  const json fields = expect_error(both, 422, "invalid")["fields"];
  EXPECT_TRUE(fields.contains("body") && fields.contains("visibility") && fields.contains("template")) << both.body;
  // A template is named by its id.
  EXPECT_EQ(expect_error(post(agent_.token, path, {{"body", "ok"}, {"template", "greeting"}}), 422,
                         "invalid")["fields"]["template"],
            "must be an integer");
  expect_error(post(agent_.token, path, {{"body", "ok"}, {"subject", "x"}}), 422, "invalid");
  EXPECT_EQ(app_->count("messages"), messages);
  EXPECT_EQ(app_->count("events"), events);
  EXPECT_EQ(ticket(path)["version"], version);

  // What only looks like markup, and a text exactly at the limit in characters, pass.
  std::string at_limit;
  for (int i = 0; i < 5000; ++i) at_limit += "\xC3\xA9";
  const std::vector<std::string> fine = {"a < b, x<y and I <3 you; press <Enter>", at_limit};
  for (const auto& body : fine) {
    auto r = post(customer_.token, path, {{"body", body}});
    EXPECT_EQ(r.status, 201) << r.body.substr(0, 200);
  }
  // A null template is no template.
  EXPECT_EQ(post(agent_.token, path, {{"body", "Noted."}, {"template", nullptr}}).status, 201);
  EXPECT_EQ(app_->count("messages"), messages + 3);
}

TEST_P(MessagesTest, MaxLengthComesFromTheSettings) {
  Settings s;
  s.messages.max_length = 10;
  start(s);
  if (!app_) return;
  const auto path = new_ticket();
  EXPECT_EQ(post(customer_.token, path, {{"body", "0123456789"}}).status, 201);
  auto r = post(customer_.token, path, {{"body", "0123456789!"}});
  EXPECT_EQ(expect_error(r, 422, "invalid")["fields"]["body"], "too long: at most 10 characters (this has 11)");
}

TEST_P(MessagesTest, BlockedMessagingStopsCustomersOnly) {
  const auto path = new_ticket();
  ASSERT_EQ(app_->call(admin_.token, "PUT", path + "/messaging", json{{"blocked", true}}.dump()).status, 200);
  const auto messages = app_->count("messages");
  const auto events = app_->count("events");
  expect_error(post(customer_.token, path, {{"body", "Hello?"}}), 409, "messaging_blocked");
  EXPECT_EQ(app_->count("messages"), messages);
  EXPECT_EQ(app_->count("events"), events);
  // Staff keep talking, publicly or not.
  EXPECT_EQ(post(agent_.token, path, {{"body", "We will call you."}}).status, 201);
  EXPECT_EQ(post(agent_.token, path, {{"body", "Abusive caller."}, {"visibility", "internal"}}).status, 201);

  ASSERT_EQ(app_->call(admin_.token, "PUT", path + "/messaging", json{{"blocked", false}}.dump()).status, 200);
  auto again = post(customer_.token, path, {{"body", "Sorry about that."}});
  EXPECT_EQ(again.status, 201) << again.body;
  EXPECT_EQ(app_->count("messages"), messages + 3);
}

TEST_P(MessagesTest, CustomerMessageReopensAClosedSupportRequest) {
  const json new_reason = {{"workflow", "support-request"}, {"code", "delivery"}, {"labels", {{"en", "Delivery"}}}};
  auto reason = app_->call(admin_.token, "POST", "/api/v1/reasons", new_reason.dump());
  ASSERT_EQ(reason.status, 201) << reason.body;
  const auto path = new_ticket("support-request", {{"reason", "delivery"}});
  transition(path, {{"transition", "close"}, {"note", "Delivered to a neighbour."}});
  ASSERT_EQ(ticket(path)["status"]["id"], "closed");

  // Staff may add to a closed request without reopening it.
  EXPECT_EQ(post(agent_.token, path, {{"body", "Closing summary."}, {"visibility", "internal"}}).status, 201);
  EXPECT_EQ(post(agent_.token, path, {{"body", "Your parcel is with your neighbour."}}).status, 201);
  EXPECT_EQ(ticket(path)["status"]["id"], "closed");

  auto r = post(customer_.token, path, {{"body", "Which neighbour?"}});
  ASSERT_EQ(r.status, 201) << r.body;
  const json t = ticket(path);
  EXPECT_EQ(t["status"]["id"], "open");
  EXPECT_TRUE(t["closed_at"].is_null());

  // The history shows the system's reopening, then the message that caused it.
  const auto events = history(path);
  ASSERT_GE(events.size(), 2u);
  const json& reopened = events[events.size() - 2];
  EXPECT_EQ(reopened["kind"], "transition");
  EXPECT_EQ(reopened["from"], "closed");
  EXPECT_EQ(reopened["to"], "open");
  EXPECT_EQ(reopened["data"]["transition"], "reopen_closed");
  EXPECT_EQ(reopened["actor"]["label"], "system");
  EXPECT_EQ(events.back()["kind"], "message.posted");
  EXPECT_EQ(events.back()["data"]["message_id"], r.json()["id"]);
}

TEST_P(MessagesTest, CustomerOnAClosedComplaintIs409AndNothingChanges) {
  // customer-complaint has no system transition out of closed.
  const auto path = new_ticket("customer-complaint");
  transition(path, {{"transition", "assign"}, {"fields", {{"assignees", {{"team_member", "agent@example.com"}}}}}});
  transition(path, {{"transition", "accept"}});
  transition(path, {{"transition", "resolve"}, {"note", "Replaced the item."}});
  transition(path, {{"transition", "confirm"}});
  ASSERT_EQ(ticket(path)["status"]["id"], "closed");

  const auto messages = app_->count("messages");
  const auto events = app_->count("events");
  expect_error(post(customer_.token, path, {{"body", "It broke again."}}), 409, "ticket_closed");
  EXPECT_EQ(app_->count("messages"), messages);
  EXPECT_EQ(app_->count("events"), events);
  EXPECT_EQ(ticket(path)["status"]["id"], "closed");

  auto note = post(agent_.token, path, {{"body", "Customer says it broke again."}, {"visibility", "internal"}});
  EXPECT_EQ(note.status, 201) << note.body;
  EXPECT_EQ(ticket(path)["status"]["id"], "closed");
}

TEST_P(MessagesTest, OnlyContactsAndStaffWithTheRightsGetIn) {
  const auto path = new_ticket();
  ASSERT_EQ(post(agent_.token, path, {{"body", "Hello Carla."}}).status, 201);
  // Staff with messages.use but not tickets.write: posting changes the ticket, so no.
  auto reader = app_->add_user("reader@example.com", "viewer", "messages.use");
  const auto messages = app_->count("messages");
  const auto events = app_->count("events");

  // Another customer cannot tell this ticket from a missing one, even with a bad body.
  auto read = app_->call(stranger_.token, "GET", path + "/messages");
  auto missing = app_->call(stranger_.token, "GET", "/api/v1/tickets/999999/messages");
  expect_error(read, 404, "not_found");
  EXPECT_EQ(read.body, missing.body);
  expect_error(post(stranger_.token, path, {{"body", "Hi"}}), 404, "not_found");
  expect_error(post(stranger_.token, path, {{"body", "<p>"}}), 404, "not_found");

  // Viewers read (notes too) but may not post.
  EXPECT_EQ(thread(viewer_.token, path)["items"].size(), 1u);
  expect_error(post(viewer_.token, path, {{"body", "Hi"}}), 403, "right_missing");
  expect_error(post(reader.token, path, {{"body", "Hi"}}), 403, "right_missing");
  expect_error(app_->call("", "POST", path + "/messages", json{{"body", "Hi"}}.dump()), 401, "unauthenticated");
  EXPECT_EQ(app_->count("messages"), messages);
  EXPECT_EQ(app_->count("events"), events);
}

TEST_P(MessagesTest, ThreadPagesWithAfterAndLimit) {
  const auto path = new_ticket();
  std::vector<int64_t> ids;
  for (int i = 0; i < 5; ++i) {
    auto r = post(i % 2 ? customer_.token : agent_.token, path, {{"body", "Message " + std::to_string(i)}});
    ASSERT_EQ(r.status, 201) << r.body;
    ids.push_back(r.json()["id"].get<int64_t>());
  }
  std::vector<int64_t> seen;
  std::string query = "?limit=2";
  int pages = 0;
  for (; pages < 10; ++pages) {
    const json page = thread(agent_.token, path, query);
    for (const auto& m : page["items"]) seen.push_back(m["id"].get<int64_t>());
    if (page["next_after"].is_null()) break;
    query = "?limit=2&after=" + std::to_string(page["next_after"].get<int64_t>());
  }
  EXPECT_EQ(seen, ids);
  EXPECT_EQ(pages, 2);  // pages 0, 1, 2: 2 + 2 + 1

  auto bad = app_->call(agent_.token, "GET", path + "/messages?limit=0&after=first&order=desc");
  const json e = expect_error(bad, 422, "invalid");
  for (const char* f : {"limit", "after", "order"}) EXPECT_TRUE(e["fields"].contains(f)) << f << " " << bad.body;
  auto too_many = app_->call(agent_.token, "GET", path + "/messages?limit=501");
  EXPECT_EQ(expect_error(too_many, 422, "invalid")["fields"]["limit"], "an integer from 1 to 500");
}

TEST_P(MessagesTest, MailFromAContactShowsInTheThreadWithItsHtml) {
  const auto path = new_ticket();
  const std::string number = ticket(path)["number"];
  const std::string raw =
      "From: Carla <carla@example.com>\r\n"
      "To: support@localhost\r\n"
      "Subject: Re: [#" + number + "] Parcel never arrived\r\n"
      "Message-ID: <carla-1@example.com>\r\n"
      "MIME-Version: 1.0\r\n"
      "Content-Type: text/html; charset=utf-8\r\n"
      "\r\n"
      "<p>Still <b>nothing</b> here.</p>\r\n";
  auto client = app_->client();
  auto taken = client->request("POST", "/api/v1/inbound/mail", raw,
                               {{"Authorization", "Bearer " + admin_.token}, {"Content-Type", "message/rfc822"}});
  ASSERT_EQ(taken.status, 201) << taken.body;
  const json mine = thread(customer_.token, path);
  ASSERT_EQ(mine["items"].size(), 1u) << mine.dump();
  const json& m = mine["items"][0];
  EXPECT_EQ(m["kind"], "mail_in");
  EXPECT_NE(m["body"].get<std::string>().find("Still nothing here"), std::string::npos) << m.dump();
  ASSERT_TRUE(m["html"].is_string()) << m.dump();
  EXPECT_NE(m["html"].get<std::string>().find("<b>nothing</b>"), std::string::npos) << m.dump();
  EXPECT_EQ(m["author"], (json{{"type", "contact"}, {"id", carla_contact_id_}, {"name", "Carla"}}));
}

// Issue 17: agents could not attach a file to a reply.
TEST_P(MessagesTest, StaffAttachFilesToAReplyAndItsMailCarriesThem) {
  Settings s;
  s.messages.max_upload_bytes = 64 << 10;
  start(s);
  const std::string path = new_ticket();
  const std::string pdf = "%PDF-1.4\n" + test::noise((64 << 10) - 9, 4);  // exactly the limit
  const std::string png = "\x89PNG\r\n\x1a\n" + test::noise(3000, 5);
  json body = {{"body", "Please find the credit note attached."},
               {"attachments", json::array({{{"filename", "avoir n°12.pdf"}, {"content_type", "application/pdf"},
                                             {"content_base64", crypto::base64_encode(pdf)}},
                                            {{"filename", "label.png"}, {"content_type", "image/PNG"},
                                             {"content_base64", crypto::base64_encode(png)}}})}};
  auto r = post(agent_.token, path, body);
  ASSERT_EQ(r.status, 201) << r.body.substr(0, 500);
  const json posted = r.json();
  ASSERT_EQ(posted["attachments"].size(), 2u) << r.body.substr(0, 500);
  EXPECT_EQ(posted["attachments"][0]["filename"], "avoir n°12.pdf");
  EXPECT_EQ(posted["attachments"][0]["sha256"], crypto::sha256_hex(pdf));
  EXPECT_EQ(posted["attachments"][1]["content_type"], "image/png");

  // The customer sees them on the thread and downloads them intact.
  const json seen = thread(customer_.token, path);
  const json files = seen["items"].back()["attachments"];
  ASSERT_EQ(files.size(), 2u) << seen.dump().substr(0, 500);
  auto download = app_->call(customer_.token, "GET", "/api/v1/attachments/" + std::to_string(files[0]["id"].get<int64_t>()));
  ASSERT_EQ(download.status, 200);
  EXPECT_EQ(download.body, pdf);

  // The reply's mail carries both files.
  const int64_t ticket_id = std::stoll(path.substr(path.rfind('/') + 1));
  std::optional<std::string> raw;
  auto read = app_->db().transact(store::TxMode::kRead, [&](store::Connection& c) -> Result<void> {
    auto row = REDRESS_TRY(c.query_one(
        "SELECT raw_sha256 FROM mail_messages WHERE ticket_id = ? AND direction = 'out' AND purpose = 'reply'",
        {ticket_id}));
    if (!row) return fail(Error::not_found("reply mail"));
    raw = REDRESS_TRY(store::MailStore(c).blob(row->text(0)));
    return {};
  });
  ASSERT_TRUE(read) << read.error().message;
  ASSERT_TRUE(raw);
  auto mail = mail::parse_mail(*raw);
  ASSERT_TRUE(mail) << mail.error().message;
  ASSERT_EQ(mail->attachments.size(), 2u);
  EXPECT_EQ(mail->attachments[0].filename, "avoir n°12.pdf");
  EXPECT_EQ(mail->attachments[0].sha256, crypto::sha256_hex(pdf));
  EXPECT_EQ(mail->attachments[1].content_type, "image/png");
  EXPECT_NE(mail->text.find("credit note"), std::string::npos);
}

TEST_P(MessagesTest, FilesOverTheLimitOrOfRefusedTypesAreRefusedNamingTheFile) {
  Settings s;
  s.messages.max_upload_bytes = 64 << 10;
  start(s);
  const std::string path = new_ticket();
  const size_t before = thread(agent_.token, path)["items"].size();
  auto with_file = [](const std::string& name, const std::string& bytes) {
    return json{{"body", "see attached"},
                {"attachments", json::array({{{"filename", "fine.txt"}, {"content_base64", crypto::base64_encode("ok")}},
                                             {{"filename", name}, {"content_base64", crypto::base64_encode(bytes)}}})}};
  };
  auto big = post(agent_.token, path, with_file("scan.pdf", std::string((64 << 10) + 1, 'x')));
  EXPECT_EQ(big.status, 413) << big.body;
  EXPECT_NE(big.json()["error"]["fields"]["attachments[1]"].get<std::string>().find("scan.pdf"), std::string::npos)
      << big.body;
  auto exe = post(agent_.token, path, with_file("invoice.PDF.exe", "MZ"));
  EXPECT_EQ(exe.status, 422);
  EXPECT_NE(exe.json()["error"]["fields"]["attachments[1]"].get<std::string>().find(".exe"), std::string::npos);
  auto script = post(agent_.token, path, with_file("run.sh", "#!/bin/sh"));
  EXPECT_EQ(script.status, 422);
  auto bad = post(agent_.token, path,
                  {{"body", "x"}, {"attachments", json::array({{{"filename", "a.txt"}, {"content_base64", "%%%"}},
                                                               {{"content_base64", "b2s="}},
                                                               {{"filename", "../etc/passwd"}, {"content_base64", "b2s="}},
                                                               "not an object"})}});
  EXPECT_EQ(bad.status, 422) << bad.body;
  const json fields = bad.json()["error"]["fields"];
  EXPECT_TRUE(fields.contains("attachments[0].content_base64")) << bad.body;
  EXPECT_TRUE(fields.contains("attachments[1].filename")) << bad.body;
  EXPECT_TRUE(fields.contains("attachments[3]")) << bad.body;
  auto traversal = post(agent_.token, path, with_file("../etc/passwd", "x"));
  EXPECT_EQ(traversal.status, 422) << traversal.body;
  // The route's own limit (two files of the limit, base64): a body beyond it is read, not kept.
  auto huge = post(agent_.token, path, with_file("huge.bin", std::string(2 << 20, 'y')));
  EXPECT_EQ(huge.status, 413) << huge.body.substr(0, 300);
  // Customers' portal messages are text only (seed 003).
  auto customer = post(customer_.token, path, with_file("photo.jpg", "\xFF\xD8"));
  EXPECT_EQ(customer.status, 403) << customer.body;
  EXPECT_EQ(thread(agent_.token, path)["items"].size(), before);
  EXPECT_EQ(app_->count("attachments"), 0);
}

// The default limit at its boundary, through the real door (SQLite: once is enough).
TEST_P(MessagesTest, TheDefaultUploadLimitIsTwentyFiveMebibytes) {
  if (GetParam() != EngineParam::kSqlite) GTEST_SKIP() << "checked once, on SQLite";
  const std::string path = new_ticket();
  const std::string at_limit = test::noise(25 << 20, 6);
  auto ok = post(agent_.token, path,
                 {{"body", "the full scan"}, {"visibility", "internal"},
                  {"attachments", json::array({{{"filename", "scan.tif"}, {"content_base64", crypto::base64_encode(at_limit)}}})}});
  EXPECT_EQ(ok.status, 201) << ok.body.substr(0, 300);
  auto over = post(agent_.token, path,
                   {{"body", "the full scan"}, {"visibility", "internal"},
                    {"attachments", json::array({{{"filename", "scan2.tif"},
                                                  {"content_base64", crypto::base64_encode(at_limit + "z")}}})}});
  EXPECT_EQ(over.status, 413) << over.body.substr(0, 300);
  EXPECT_TRUE(over.json()["error"]["fields"].contains("attachments[0]")) << over.body.substr(0, 300);
}

INSTANTIATE_TEST_SUITE_P(Engines, MessagesTest, ::testing::Values(EngineParam::kSqlite, EngineParam::kPostgres),
                         [](const auto& info) { return test::engine_name(info.param); });

}  // namespace
}  // namespace redress
