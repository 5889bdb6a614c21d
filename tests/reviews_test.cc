// The reviews channel (seed 004) end to end on both engines: a review posted by its
// platform becomes one request (however often and however concurrently it is posted),
// only the source's own token lets it in, and staff replies go back to the platform's
// webhook, signed, retried and recorded, instead of being mailed.
#include <gtest/gtest.h>

#include <atomic>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "core/crypto.h"
#include "support/test_app.h"
#include "support/webhook_receiver.h"

namespace redress {
namespace {

using test::EngineParam;
using json = nlohmann::json;
using test::WebhookReceiver;

constexpr const char* kToken = "critizr-token-0123456789";
constexpr const char* kSilentToken = "silent-token-0123456789";
constexpr const char* kSecret = "webhook-secret";

class ReviewsTest : public ::testing::TestWithParam<EngineParam> {
 protected:
  void SetUp() override {
    receiver_ = std::make_unique<WebhookReceiver>();
    Settings s;
    ReviewSourceSettings critizr;
    critizr.name = "critizr";
    critizr.token = kToken;
    critizr.language = "fr";
    critizr.reply_url = receiver_->url();
    critizr.reply_secret = kSecret;
    critizr.reply_timeout_seconds = 5;
    ReviewSourceSettings silent;  // takes reviews, cannot take replies
    silent.name = "silent";
    silent.token = kSilentToken;
    s.review_sources = {critizr, silent};
    REDRESS_START_TEST_APP(GetParam(), app_, s);
    agent_ = app_->add_user("agent@example.com", "agent");
  }

  test::TestResponse post_review(const json& body, const std::string& token = kToken) {
    std::vector<std::pair<std::string, std::string>> headers = {{"Content-Type", "application/json"}};
    if (!token.empty()) headers.emplace_back("Authorization", "Bearer " + token);
    return app_->client()->request("POST", "/api/v1/inbound/reviews", body.dump(), headers);
  }

  static json review(const std::string& external_id, const json& extra = json::object()) {
    json body = {{"source", "critizr"},
                 {"external_id", external_id},
                 {"author", {{"name", "Jane Doe"}, {"email", "jane@example.com"}}},
                 {"rating", 2},
                 {"text", "The parcel came two weeks late and the box was crushed, nobody answered my calls."},
                 {"url", "https://critizr.example/r/" + external_id}};
    for (auto& [k, v] : extra.items()) body[k] = v;
    return body;
  }

  // Posts a review that must make a new request; its path.
  std::string new_review_ticket(const std::string& external_id, const json& extra = json::object()) {
    auto r = post_review(review(external_id, extra));
    EXPECT_EQ(r.status, 201) << r.body;
    return "/api/v1/tickets/" + std::to_string(r.json()["ticket"]["id"].get<int64_t>());
  }

  json get(const std::string& path) {
    auto r = app_->call(agent_.token, "GET", path);
    EXPECT_EQ(r.status, 200) << path << ": " << r.body;
    return r.json();
  }

  // The last message of a ticket's thread as staff see it.
  json last_message(const std::string& path) {
    const json items = get(path + "/messages")["items"];
    return items.empty() ? json() : items.back();
  }

  test::TestResponse reply(const std::string& path, const std::string& body, const std::string& visibility = "public") {
    return app_->call(agent_.token, "POST", path + "/messages",
                      json{{"body", body}, {"visibility", visibility}}.dump());
  }

  int64_t count_where(const std::string& sql) {
    int64_t n = -1;
    auto r = app_->db().transact(store::TxMode::kRead, [&](store::Connection& c) -> Result<void> {
      n = REDRESS_TRY(c.query_one(sql))->integer(0);
      return {};
    });
    EXPECT_TRUE(r) << r.error().message;
    return n;
  }

  std::unique_ptr<WebhookReceiver> receiver_;
  std::unique_ptr<test::TestApp> app_;
  test::TestUser agent_;
};

TEST_P(ReviewsTest, ReviewFromAStrangerBecomesANewRequestWithNoContact) {
  auto r = post_review(review("cz-1"));
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json()["outcome"], "created");
  const std::string path = "/api/v1/tickets/" + std::to_string(r.json()["ticket"]["id"].get<int64_t>());

  const json t = get(path);
  EXPECT_EQ(t["number"], r.json()["ticket"]["number"]);
  EXPECT_EQ(t["workflow"], "support-request");
  EXPECT_EQ(t["status"]["id"], "new_request");
  EXPECT_EQ(t["channel"], "review");
  EXPECT_EQ(t["language"], "fr");  // the source's language
  EXPECT_EQ(t["subject"].get<std::string>().rfind("Review 2/5 from Jane D.: The parcel came", 0), 0u) << t["subject"];
  EXPECT_LE(t["subject"].get<std::string>().size(), 120u);
  // Nobody is created: the agent qualifies the request (seed 004).
  EXPECT_TRUE(t["contacts"].empty()) << t.dump();
  EXPECT_TRUE(t["main_contact"].is_null());
  EXPECT_EQ(app_->count("contacts"), 0);
  EXPECT_FALSE(t["customer_waiting_since"].is_null());
  EXPECT_EQ(t["review"]["source"], "critizr");
  EXPECT_EQ(t["review"]["external_id"], "cz-1");
  EXPECT_EQ(t["review"]["rating"], 2);
  EXPECT_EQ(t["review"]["url"], "https://critizr.example/r/cz-1");
  EXPECT_EQ(t["review"]["author"], (json{{"name", "Jane Doe"}, {"email", "jane@example.com"}}));

  const json items = get(path + "/messages")["items"];
  ASSERT_EQ(items.size(), 1u) << items.dump();
  EXPECT_EQ(items[0]["kind"], "review");
  EXPECT_EQ(items[0]["visibility"], "public");
  const std::string body = items[0]["body"];
  EXPECT_NE(body.find("Rating: 2/5"), std::string::npos) << body;
  EXPECT_NE(body.find("the box was crushed"), std::string::npos) << body;
  EXPECT_FALSE(items[0].contains("delivery"));

  std::vector<std::string> kinds;
  const json history = get(path + "/history");
  for (const auto& e : history["items"]) kinds.push_back(e["kind"]);
  EXPECT_EQ(kinds, (std::vector<std::string>{"ticket.created", "review.received"}));

  // Full-text search finds it like any request.
  const json found = get("/api/v1/tickets?channel=review");
  ASSERT_EQ(found["items"].size(), 1u) << found.dump();
}

TEST_P(ReviewsTest, ReviewFromAKnownContactIsTheirsAndInTheReviewsLanguage) {
  auto contact = app_->call(agent_.token, "POST", "/api/v1/contacts",
                            json{{"name", "Jane Doe"}, {"email", "jane@example.com"}}.dump());
  ASSERT_EQ(contact.status, 201) << contact.body;
  const int64_t jane = contact.json()["id"];

  const std::string path =
      new_review_ticket("cz-2", {{"author", {{"name", "J. Doe"}, {"email", "JANE@Example.com"}}},
                                 {"language", "en"},
                                 {"rating", 4.5},
                                 {"created_at", "2026-11-01T08:30:00Z"}});
  const json t = get(path);
  ASSERT_TRUE(t["main_contact"].is_object()) << t.dump();
  EXPECT_EQ(t["main_contact"]["id"], jane);
  EXPECT_EQ(t["contacts"].size(), 1u);
  EXPECT_EQ(t["language"], "en");
  EXPECT_EQ(t["review"]["rating"], 4.5);
  EXPECT_EQ(t["review"]["received_at"], "2026-11-01T08:30:00.000Z");
  EXPECT_EQ(app_->count("contacts"), 1);
  const json first = get(path + "/messages")["items"][0];
  EXPECT_EQ(first["author"]["type"], "contact");
  EXPECT_EQ(first["author"]["id"], jane);
}

TEST_P(ReviewsTest, SameReviewPostedAgainGivesTheSameRequest) {
  auto first = post_review(review("cz-3"));
  ASSERT_EQ(first.status, 201) << first.body;
  auto again = post_review(review("cz-3", {{"text", "Edited on the platform later"}}));
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.json()["outcome"], "duplicate");
  EXPECT_EQ(again.json()["ticket"], first.json()["ticket"]);
  EXPECT_EQ(app_->count("tickets"), 1);
  EXPECT_EQ(app_->count("messages"), 1);
  // The same external id from another source is another review.
  auto other = post_review(review("cz-3", {{"source", "silent"}}), kSilentToken);
  EXPECT_EQ(other.status, 201) << other.body;
  EXPECT_EQ(app_->count("tickets"), 2);
}

TEST_P(ReviewsTest, EightConcurrentPostsOfOneReviewMakeOneRequest) {
  constexpr int kPosts = 8;
  std::vector<test::TestResponse> responses(kPosts);
  std::vector<std::thread> threads;
  const std::string body = review("cz-race").dump();
  for (int i = 0; i < kPosts; ++i) {
    threads.emplace_back([&, i] {
      test::HttpClient client("127.0.0.1", app_->port());
      responses[i] = client.request("POST", "/api/v1/inbound/reviews", body,
                                    {{"Content-Type", "application/json"}, {"Authorization", std::string("Bearer ") + kToken}});
    });
  }
  for (auto& t : threads) t.join();
  int created = 0, repeated = 0;
  std::set<std::string> tickets;
  for (const auto& r : responses) {
    if (r.status == 201) ++created;
    if (r.status == 200) ++repeated;
    if (r.status == 200 || r.status == 201) tickets.insert(r.json()["ticket"].dump());
    EXPECT_TRUE(r.status == 200 || r.status == 201) << r.status << " " << r.body;
  }
  EXPECT_EQ(created, 1);
  EXPECT_EQ(repeated, kPosts - 1);
  EXPECT_EQ(tickets.size(), 1u);
  EXPECT_EQ(app_->count("tickets"), 1);
  EXPECT_EQ(app_->count("reviews"), 1);
  EXPECT_EQ(app_->count("messages"), 1);
}

TEST_P(ReviewsTest, OnlyTheSourcesOwnTokenIsAccepted) {
  const int64_t events = app_->count("events");
  struct Case {
    std::string what;
    json body;
    std::string token;
  };
  const std::vector<Case> cases = {
      {"no token", review("cz-4"), ""},
      {"wrong token", review("cz-4"), "not-the-token-at-all"},
      {"another source's token", review("cz-4"), kSilentToken},
      {"unknown source", review("cz-4", {{"source", "trustpilot"}}), kToken},
      {"a user's API token", review("cz-4"), agent_.token},
  };
  std::string message;
  for (const auto& c : cases) {
    auto r = post_review(c.body, c.token);
    EXPECT_EQ(r.status, 401) << c.what << ": " << r.body;
    const std::string said = r.json()["error"]["message"];
    if (message.empty()) message = said;
    // Which of source or token was wrong is not told.
    EXPECT_EQ(said, message) << c.what;
  }
  EXPECT_EQ(app_->count("tickets"), 0);
  EXPECT_EQ(app_->count("reviews"), 0);
  EXPECT_EQ(app_->count("events"), events);
}

TEST_P(ReviewsTest, InvalidReviewsAreRefusedNamingEveryField) {
  json bad = {{"source", "critizr"},
              {"external_id", std::string(201, 'x')},
              {"author", {{"name", "Jane"}, {"email", "not-an-address"}}},
              {"rating", 7},
              {"url", "ftp://critizr.example/r/1"},
              {"created_at", "yesterday"},
              {"colour", "blue"}};
  auto r = post_review(bad);
  ASSERT_EQ(r.status, 422) << r.body;
  const json fields = r.json()["error"]["fields"];
  for (const char* f : {"external_id", "author.email", "rating", "url", "text", "created_at", "colour"})
    EXPECT_TRUE(fields.contains(f)) << f << " missing in " << r.body;

  auto no_id = post_review(review("", {{"rating", "two"}}));
  ASSERT_EQ(no_id.status, 422) << no_id.body;
  EXPECT_TRUE(no_id.json()["error"]["fields"].contains("external_id"));
  EXPECT_TRUE(no_id.json()["error"]["fields"].contains("rating"));

  auto blank = post_review(review("cz-5", {{"text", "   "}, {"rating", nullptr}}));
  ASSERT_EQ(blank.status, 422) << blank.body;
  EXPECT_EQ(blank.json()["error"]["fields"], (json{{"text", "required"}}));

  // With a real source's token, a missing source is named rather than refused as 401.
  json no_source = review("cz-5");
  no_source.erase("source");
  auto unnamed = post_review(no_source);
  ASSERT_EQ(unnamed.status, 422) << unnamed.body;
  EXPECT_TRUE(unnamed.json()["error"]["fields"].contains("source"));
  EXPECT_EQ(post_review(no_source, "not-a-token-at-all").status, 401);

  EXPECT_EQ(app_->count("tickets"), 0);
  // A null rating is fine.
  EXPECT_EQ(post_review(review("cz-6", {{"rating", nullptr}})).status, 201);
}

TEST_P(ReviewsTest, StaffReplyGoesToThePlatformSignedAndIsNotMailed) {
  // Jane is a known contact: the routing table's support_reply row would mail her.
  auto contact = app_->call(agent_.token, "POST", "/api/v1/contacts",
                            json{{"name", "Jane Doe"}, {"email", "jane@example.com"}}.dump());
  ASSERT_EQ(contact.status, 201) << contact.body;
  const std::string path = new_review_ticket("cz-7");
  const json t = get(path);
  ASSERT_FALSE(t["main_contact"].is_null());

  auto posted = reply(path, "We are sorry, Jane: a new parcel left today.");
  ASSERT_EQ(posted.status, 201) << posted.body;
  const int64_t message_id = posted.json()["id"];
  EXPECT_EQ(posted.json()["delivery"]["status"], "pending") << posted.body;
  EXPECT_EQ(count_where("SELECT COUNT(*) FROM jobs WHERE kind = 'mail.send'"), 0);
  EXPECT_EQ(count_where("SELECT COUNT(*) FROM mail_messages WHERE direction = 'out'"), 0);
  json pending = last_message(path);
  EXPECT_EQ(pending["delivery"]["status"], "pending");
  EXPECT_EQ(pending["delivery"]["attempts"], 0);
  EXPECT_EQ(pending["delivery"]["channel"], "review");

  auto ran = app_->runner().run_due_once();
  ASSERT_TRUE(ran) << ran.error().message;
  const auto got = receiver_->received();
  ASSERT_EQ(got.size(), 1u);
  const auto& hook = got[0];
  EXPECT_EQ(hook.method, "POST");
  EXPECT_EQ(hook.target, "/hooks/redress");
  EXPECT_EQ(hook.headers.at("content-type"), "application/json");
  const std::string timestamp = hook.headers.at("x-redress-timestamp");
  EXPECT_EQ(std::stoll(timestamp), to_micros(app_->clock().now()) / 1'000'000);
  EXPECT_EQ(hook.headers.at("x-redress-signature"), "sha256=" + crypto::hmac_sha256_hex(kSecret, timestamp + "." + hook.body));
  const json sent = json::parse(hook.body);
  EXPECT_EQ(sent["source"], "critizr");
  EXPECT_EQ(sent["external_id"], "cz-7");
  EXPECT_EQ(sent["ticket"], t["number"]);
  EXPECT_EQ(sent["message_id"], message_id);
  EXPECT_EQ(sent["body"], "We are sorry, Jane: a new parcel left today.");
  EXPECT_EQ(sent["author"], "Support");  // [messages] author_display = team
  EXPECT_EQ(sent["sent_at"], posted.json()["created_at"]);

  const json delivered = last_message(path);
  EXPECT_EQ(delivered["delivery"]["status"], "delivered");
  EXPECT_EQ(delivered["delivery"]["attempts"], 1);
  EXPECT_FALSE(delivered["delivery"]["delivered_at"].is_null());
  EXPECT_TRUE(delivered["delivery"]["last_error"].is_null());
  EXPECT_EQ(count_where("SELECT COUNT(*) FROM jobs WHERE kind = 'mail.send'"), 0);

  // A customer who is the contact reads the reply, without our delivery internals.
  auto jane = app_->add_user("jane@example.com", "customer");
  auto theirs = app_->call(jane.token, "GET", path + "/messages");
  ASSERT_EQ(theirs.status, 200) << theirs.body;
  const json their_thread = theirs.json();
  ASSERT_EQ(their_thread["items"].size(), 2u) << theirs.body;
  for (const auto& m : their_thread["items"]) EXPECT_FALSE(m.contains("delivery")) << m.dump();
  auto ticket = app_->call(jane.token, "GET", path);
  EXPECT_TRUE(ticket.json()["review"].is_null()) << ticket.body;

  // Internal notes stay internal: no delivery, no webhook.
  ASSERT_EQ(reply(path, "Refund approved by Paul.", "internal").status, 201);
  EXPECT_FALSE(last_message(path).contains("delivery"));
  ASSERT_TRUE(app_->runner().run_due_once());
  EXPECT_EQ(receiver_->received().size(), 1u);

  // The same reply on a mail-style request is mailed, as before.
  auto plain = app_->call(agent_.token, "POST", "/api/v1/tickets",
                          json{{"workflow", "support-request"},
                               {"subject", "By phone"},
                               {"contacts", {{{"email", "jane@example.com"}, {"main", true}}}}}
                              .dump());
  ASSERT_EQ(plain.status, 201) << plain.body;
  ASSERT_EQ(reply("/api/v1/tickets/" + std::to_string(plain.json()["id"].get<int64_t>()), "Hello").status, 201);
  EXPECT_EQ(count_where("SELECT COUNT(*) FROM jobs WHERE kind = 'mail.send'"), 1);
}

TEST_P(ReviewsTest, PlatformOutageIsRetriedUntilDelivered) {
  const std::string path = new_review_ticket("cz-8");
  receiver_->answer_next({500});
  ASSERT_EQ(reply(path, "Sorry for the delay.").status, 201);
  ASSERT_TRUE(app_->runner().run_due_once());
  json after_first = last_message(path)["delivery"];
  EXPECT_EQ(after_first["status"], "pending");
  EXPECT_EQ(after_first["attempts"], 1);
  EXPECT_NE(after_first["last_error"].get<std::string>().find("500"), std::string::npos) << after_first;

  // Not before its backoff.
  ASSERT_EQ(*app_->runner().run_due_once(), 0);
  app_->clock().advance(std::chrono::minutes(1));
  ASSERT_EQ(*app_->runner().run_due_once(), 1);
  const json done = last_message(path)["delivery"];
  EXPECT_EQ(done["status"], "delivered");
  EXPECT_EQ(done["attempts"], 2);
  ASSERT_EQ(receiver_->received().size(), 2u);
  // Each attempt is signed afresh with its own timestamp.
  const auto second = receiver_->received()[1];
  EXPECT_EQ(second.headers.at("x-redress-signature"),
            "sha256=" + crypto::hmac_sha256_hex(kSecret, second.headers.at("x-redress-timestamp") + "." + second.body));
}

TEST_P(ReviewsTest, PlatformRefusalFailsTheDeliveryForGood) {
  const std::string path = new_review_ticket("cz-9");
  receiver_->answer_next({404});
  ASSERT_EQ(reply(path, "Here is our answer.").status, 201);
  ASSERT_TRUE(app_->runner().run_due_once());
  const json failed = last_message(path)["delivery"];
  EXPECT_EQ(failed["status"], "failed");
  EXPECT_EQ(failed["attempts"], 1);
  EXPECT_NE(failed["last_error"].get<std::string>().find("404"), std::string::npos) << failed;
  EXPECT_TRUE(failed["delivered_at"].is_null());
  EXPECT_EQ(count_where("SELECT COUNT(*) FROM jobs WHERE kind = 'review.reply' AND status = 'failed'"), 1);
  app_->clock().advance(std::chrono::hours(2));
  ASSERT_EQ(*app_->runner().run_due_once(), 0);
  EXPECT_EQ(receiver_->received().size(), 1u);
}

TEST_P(ReviewsTest, ReplyOnAReviewWhoseSourceTakesNoRepliesIsAConflict) {
  auto r = post_review(review("sl-1", {{"source", "silent"}}), kSilentToken);
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string path = "/api/v1/tickets/" + std::to_string(r.json()["ticket"]["id"].get<int64_t>());
  const int64_t messages = app_->count("messages");
  const int64_t events = app_->count("events");
  auto refused = reply(path, "Thanks for your review");
  ASSERT_EQ(refused.status, 409) << refused.body;
  EXPECT_EQ(refused.json()["error"]["code"], "no_reply_connector");
  EXPECT_EQ(app_->count("messages"), messages);
  EXPECT_EQ(app_->count("events"), events);
  EXPECT_EQ(app_->count("message_deliveries"), 0);
  // Notes are still fine.
  EXPECT_EQ(reply(path, "Call them instead", "internal").status, 201);
}

INSTANTIATE_TEST_SUITE_P(Engines, ReviewsTest, ::testing::Values(EngineParam::kSqlite, EngineParam::kPostgres),
                         [](const auto& info) { return test::engine_name(info.param); });

}  // namespace
}  // namespace redress
