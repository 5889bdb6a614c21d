// The authorisation policy as one table: every routed endpoint x every role x (the
// customer's own ticket, another one), with the status each cell must answer, checked
// against the real server. A route added without rows, or a rule changed without its
// row, fails here; so does a refused request that still wrote something.
#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <ostream>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/crypto.h"
#include "store/job_store.h"
#include "store/mail_store.h"
#include "store/ticket_store.h"
#include "store/user_store.h"
#include "support/test_app.h"

namespace redress::test {
namespace {

using nlohmann::json;

enum class Role { kAnonymous, kAdmin, kAgent, kViewer, kCustomer };
constexpr std::array kRoles = {Role::kAnonymous, Role::kAdmin, Role::kAgent, Role::kViewer, Role::kCustomer};

std::string_view name_of(Role role) {
  switch (role) {
    case Role::kAnonymous: return "anonymous";
    case Role::kAdmin: return "admin";
    case Role::kAgent: return "agent";
    case Role::kViewer: return "viewer";
    case Role::kCustomer: return "customer";
  }
  return "?";
}

// What {id} names, seen from the customer. Tickets: the one they are a contact on, and
// one they are not. Contacts: their own contact record, and another. Users: the
// caller's own account (anonymous has none and asks for the customer's), and a
// bystander's. Jobs (no one owns them): a parked (failed) job, and one that does not
// exist.
enum class Target { kNone, kOwn, kOther };

std::string_view name_of(Target target) {
  switch (target) {
    case Target::kNone: return "-";
    case Target::kOwn: return "own";
    case Target::kOther: return "other";
  }
  return "?";
}

// For gtest's failure messages.
void PrintTo(Target target, std::ostream* os) { *os << name_of(target); }

struct Row {
  std::string_view method;
  std::string_view pattern;
  Target target;
  std::array<int, kRoles.size()> status;  // in the order of kRoles
};

// Derived from the rules in service/ (rights per role in domain/user.cc). Tickets a
// customer cannot see are 404 to them, like tickets that do not exist; a right missing
// on something they can see is 403. Operations endpoints and login need no account.
// clang-format off
constexpr Row kMatrix[] = {
  //  method    pattern                          target           anon admin agent viewer customer
  {"GET",    "/healthz",                       Target::kNone,  {200, 200, 200, 200, 200}},
  {"GET",    "/metrics",                       Target::kNone,  {200, 200, 200, 200, 200}},
  {"GET",    "/api/openapi.json",              Target::kNone,  {200, 200, 200, 200, 200}},
  // Each role logs in as itself (anonymous as the customer); a bearer token is ignored here.
  {"POST",   "/api/v1/session",                Target::kNone,  {200, 200, 200, 200, 200}},
  {"GET",    "/api/v1/session",                Target::kNone,  {401, 200, 200, 200, 200}},
  // Logout ends a cookie session; with none (bearer or anonymous) there is nothing to end.
  {"DELETE", "/api/v1/session",                Target::kNone,  {204, 204, 204, 204, 204}},
  // Sign-in links for customers: asking answers the same to everyone (the customer's
  // address here; portal_login_test covers the others). Using one ignores credentials:
  // "own" is a fresh link of the customer's, "other" a token no link has.
  {"POST",   "/api/v1/session/link",           Target::kNone,  {202, 202, 202, 202, 202}},
  {"POST",   "/api/v1/session/link/{token}",   Target::kOwn,   {200, 200, 200, 200, 200}},
  {"POST",   "/api/v1/session/link/{token}",   Target::kOther, {404, 404, 404, 404, 404}},
  {"POST",   "/api/v1/tickets",                Target::kNone,  {401, 201, 201, 403, 201}},
  {"GET",    "/api/v1/tickets",                Target::kNone,  {401, 200, 200, 200, 200}},
  {"GET",    "/api/v1/tickets/{id}",           Target::kOwn,   {401, 200, 200, 200, 200}},
  {"GET",    "/api/v1/tickets/{id}",           Target::kOther, {401, 200, 200, 200, 404}},
  {"PATCH",  "/api/v1/tickets/{id}",           Target::kOwn,   {401, 200, 200, 403, 403}},
  {"PATCH",  "/api/v1/tickets/{id}",           Target::kOther, {401, 200, 200, 403, 404}},
  {"GET",    "/api/v1/tickets/{id}/history",   Target::kOwn,   {401, 200, 200, 200, 403}},
  {"GET",    "/api/v1/tickets/{id}/history",   Target::kOther, {401, 200, 200, 200, 404}},
  // Messages (seed 003): staff with tickets.view_all read the whole thread; customers the
  // public part of their own tickets. Posting needs messages.use (viewers lack it) and, for
  // staff, tickets.write. These rows come before the PUT .../messaging rows below, which
  // leave the customer's ticket blocked: here it is still open to the customer's messages.
  {"GET",    "/api/v1/tickets/{id}/messages",   Target::kOwn,   {401, 200, 200, 200, 200}},
  {"GET",    "/api/v1/tickets/{id}/messages",   Target::kOther, {401, 200, 200, 200, 404}},
  {"POST",   "/api/v1/tickets/{id}/messages",   Target::kOwn,   {401, 201, 201, 403, 201}},
  {"POST",   "/api/v1/tickets/{id}/messages",   Target::kOther, {401, 201, 201, 403, 404}},
  // A file is read as its message is: own = a public mail's file on the customer's ticket.
  {"GET",    "/api/v1/attachments/{id}",        Target::kOwn,   {401, 200, 200, 200, 200}},
  {"GET",    "/api/v1/attachments/{id}",        Target::kOther, {401, 200, 200, 200, 404}},
  // messages.block is the admin's by default; agents get it as an extra right.
  {"PUT",    "/api/v1/tickets/{id}/messaging",  Target::kOwn,   {401, 200, 403, 403, 403}},
  {"PUT",    "/api/v1/tickets/{id}/messaging",  Target::kOther, {401, 200, 403, 403, 404}},
  {"GET",    "/api/v1/contacts",               Target::kNone,  {401, 200, 200, 200, 403}},
  {"POST",   "/api/v1/contacts",               Target::kNone,  {401, 201, 201, 403, 403}},
  {"GET",    "/api/v1/contacts/{id}",          Target::kOwn,   {401, 200, 200, 200, 403}},
  {"GET",    "/api/v1/contacts/{id}",          Target::kOther, {401, 200, 200, 200, 403}},
  {"PATCH",  "/api/v1/contacts/{id}",          Target::kOwn,   {401, 200, 200, 403, 403}},
  {"PATCH",  "/api/v1/contacts/{id}",          Target::kOther, {401, 200, 200, 403, 403}},
  {"GET",    "/api/v1/users",                  Target::kNone,  {401, 200, 200, 200, 403}},
  {"POST",   "/api/v1/users",                  Target::kNone,  {401, 201, 403, 403, 403}},
  {"GET",    "/api/v1/users/{id}",             Target::kOwn,   {401, 200, 200, 200, 200}},
  {"GET",    "/api/v1/users/{id}",             Target::kOther, {401, 200, 200, 200, 403}},
  {"GET",    "/api/v1/reasons",                Target::kNone,  {401, 200, 200, 200, 200}},
  {"POST",   "/api/v1/reasons",                Target::kNone,  {401, 201, 403, 403, 403}},
  // "own": the reason the tickets use; "other": none with that id. Only admins edit, and
  // the right is checked before the lookup.
  {"GET",    "/api/v1/reasons/{id}",           Target::kOwn,   {401, 200, 200, 200, 200}},
  {"GET",    "/api/v1/reasons/{id}",           Target::kOther, {401, 404, 404, 404, 404}},
  {"PATCH",  "/api/v1/reasons/{id}",           Target::kOwn,   {401, 200, 403, 403, 403}},
  {"PATCH",  "/api/v1/reasons/{id}",           Target::kOther, {401, 404, 403, 403, 403}},
  // Signed-link pages ignore credentials: only the link counts. "own": a link of the right
  // shape with a forged signature; "other": not a link at all.
  {"GET",    "/confirm/{token}",               Target::kOwn,   {404, 404, 404, 404, 404}},
  {"GET",    "/confirm/{token}",               Target::kOther, {404, 404, 404, 404, 404}},
  {"POST",   "/confirm/{token}",               Target::kOwn,   {404, 404, 404, 404, 404}},
  {"POST",   "/confirm/{token}",               Target::kOther, {404, 404, 404, 404, 404}},
  {"GET",    "/api/v1/workflows",              Target::kNone,  {401, 200, 200, 200, 200}},
  // "close" without a note from new_request: the workflow lets any agent run it, so staff
  // with tickets.write get past the permission check to 422 (public_reply, and reason on
  // the other ticket, missing) and nothing changes; viewers and customers may not (403).
  {"POST",   "/api/v1/tickets/{id}/transitions",      Target::kOwn,   {401, 422, 422, 403, 403}},
  {"POST",   "/api/v1/tickets/{id}/transitions",      Target::kOther, {401, 422, 422, 403, 404}},
  // PUT gives the role "assignee" to the agent (the admin's call writes, the agent's is
  // then a no-op); DELETE clears it (the admin's call writes, the agent's is a no-op).
  {"PUT",    "/api/v1/tickets/{id}/assignees/{role}", Target::kOwn,   {401, 200, 200, 403, 403}},
  {"PUT",    "/api/v1/tickets/{id}/assignees/{role}", Target::kOther, {401, 200, 200, 403, 404}},
  {"DELETE", "/api/v1/tickets/{id}/assignees/{role}", Target::kOwn,   {401, 200, 200, 403, 403}},
  {"DELETE", "/api/v1/tickets/{id}/assignees/{role}", Target::kOther, {401, 200, 200, 403, 404}},
  {"GET",    "/api/v1/jobs",                          Target::kNone,  {401, 200, 403, 403, 403}},
  // The admin right is checked before the job is looked up: no one else learns whether it exists.
  {"POST",   "/api/v1/jobs/{id}/retry",               Target::kOwn,   {401, 200, 403, 403, 403}},
  {"POST",   "/api/v1/jobs/{id}/retry",               Target::kOther, {401, 404, 403, 403, 403}},
  // The test server runs without --dev-clock: the endpoint does not exist for anyone logged in.
  {"POST",   "/api/v1/dev/clock",                     Target::kNone,  {401, 404, 404, 404, 404}},
  // The matrix sends JSON: the account with mail.intake (the admin) gets past the right
  // check to 415; mail_intake_test covers real mail.
  {"POST",   "/api/v1/inbound/mail",                  Target::kNone,  {401, 415, 403, 403, 403}},
  // A review platform authenticates with its [[review_sources]] token, never a user's:
  // every account's token is refused like no token at all. reviews_test covers sources.
  {"POST",   "/api/v1/inbound/reviews",               Target::kNone,  {401, 401, 401, 401, 401}},
  // With a CC address there is always someone to mail; customers may not send mail (403
  // on their own ticket, 404 on another's).
  {"POST",   "/api/v1/tickets/{id}/acknowledgement",  Target::kOwn,   {401, 202, 202, 403, 403}},
  {"POST",   "/api/v1/tickets/{id}/acknowledgement",  Target::kOther, {401, 202, 202, 403, 404}},
  {"GET",    "/api/v1/mail/failed",                   Target::kNone,  {401, 200, 403, 403, 403}},
  // The kept mail has no sender: retrying refuses it again (422); the right comes first.
  {"POST",   "/api/v1/mail/failed/{id}/retry",        Target::kOwn,   {401, 422, 403, 403, 403}},
  {"POST",   "/api/v1/mail/failed/{id}/retry",        Target::kOther, {401, 404, 403, 403, 403}},
  // Everyone may change their own name, language and signature; the rest is the admin's.
  {"PATCH",  "/api/v1/users/{id}",                    Target::kOwn,   {401, 200, 200, 200, 200}},
  {"PATCH",  "/api/v1/users/{id}",                    Target::kOther, {401, 200, 403, 403, 403}},
  // Response templates: staff read them, templates.manage (the admin's) writes them;
  // customers are refused whatever the id. "own" is a template, "other" one that does not exist.
  {"GET",    "/api/v1/templates",                     Target::kNone,  {401, 200, 200, 200, 403}},
  {"POST",   "/api/v1/templates",                     Target::kNone,  {401, 201, 403, 403, 403}},
  {"GET",    "/api/v1/templates/{id}",                Target::kOwn,   {401, 200, 200, 200, 403}},
  {"GET",    "/api/v1/templates/{id}",                Target::kOther, {401, 404, 404, 404, 403}},
  {"PATCH",  "/api/v1/templates/{id}",                Target::kOwn,   {401, 200, 403, 403, 403}},
  {"PATCH",  "/api/v1/templates/{id}",                Target::kOther, {401, 404, 403, 403, 403}},
  // Reports need reports.view: viewers' and admins' by default, not agents'.
  {"GET",    "/api/v1/reports",                       Target::kNone,  {401, 200, 403, 200, 403}},
  {"GET",    "/api/v1/reports/summary",               Target::kNone,  {401, 200, 403, 200, 403}},
  // The preview reads like GET: staff see it rendered with sample values.
  {"GET",    "/api/v1/templates/{id}/preview",        Target::kOwn,   {401, 200, 200, 200, 403}},
  {"GET",    "/api/v1/templates/{id}/preview",        Target::kOther, {401, 404, 404, 404, 403}},
  // The configured mailboxes and review sources (never their secrets) are the admin's to see.
  {"GET",    "/api/v1/mailboxes",                     Target::kNone,  {401, 200, 403, 403, 403}},
  {"GET",    "/api/v1/review-sources",                Target::kNone,  {401, 200, 403, 403, 403}},
  // Last, because they change who may act on the two tickets. The admin takes each
  // ticket, so the agent finds it taken (409); tickets.take is checked before the lookup.
  // Then the admin removes their assignment and the agent's release is a no-op.
  {"GET",    "/api/v1/queue",                         Target::kNone,  {401, 200, 200, 403, 403}},
  {"POST",   "/api/v1/tickets/{id}/take",             Target::kOwn,   {401, 200, 409, 403, 403}},
  {"POST",   "/api/v1/tickets/{id}/take",             Target::kOther, {401, 200, 409, 403, 403}},
  {"DELETE", "/api/v1/tickets/{id}/take",             Target::kOwn,   {401, 200, 200, 403, 403}},
  {"DELETE", "/api/v1/tickets/{id}/take",             Target::kOther, {401, 200, 200, 403, 404}},
  // Each staff caller with tickets.take is handed an unclaimed ticket (there are several).
  {"POST",   "/api/v1/queue/next",                    Target::kNone,  {401, 200, 200, 403, 403}},
  // The notification routing table is the admin's to read and to replace. Last in the
  // table: the admin's PUT replaces the routing rows no later cell depends on.
  {"GET",    "/api/v1/routing",                       Target::kNone,  {401, 200, 403, 403, 403}},
  {"PUT",    "/api/v1/routing",                       Target::kNone,  {401, 200, 403, 403, 403}},
};
// clang-format on

struct Cell {
  std::string target;
  std::string body;
};

class AuthzMatrixTest : public ::testing::Test {
 protected:
  void SetUp() override {
    REDRESS_START_TEST_APP(EngineParam::kSqlite, app_);
    admin_ = app_->add_user("admin@example.com", "admin");
    agent_ = app_->add_user("agent@example.com", "agent");
    viewer_ = app_->add_user("viewer@example.com", "viewer");
    customer_ = app_->add_user("carla@example.com", "customer");
    bystander_ = app_->add_user("bystander@example.com", "agent");

    auto reason = app_->call(admin_.token, "POST", "/api/v1/reasons",
                             R"({"workflow":"support-request","code":"billing","labels":{"en":"Billing"}})");
    ASSERT_EQ(reason.status, 201) << reason.body;
    reason_id_ = reason.json()["id"].get<int64_t>();

    auto other_contact = app_->call(agent_.token, "POST", "/api/v1/contacts",
                                    R"({"name":"Olga Other","email":"olga@example.net"})");
    ASSERT_EQ(other_contact.status, 201) << other_contact.body;
    other_contact_id_ = other_contact.json()["id"].get<int64_t>();

    auto own = app_->call(agent_.token, "POST", "/api/v1/tickets",
                          json{{"workflow", "support-request"},
                               {"subject", "Invoice charged twice"},
                               {"reason", reason_id_},
                               {"contacts", {{{"email", customer_.user.email}, {"name", "Carla"}, {"main", true}}}}}
                              .dump());
    ASSERT_EQ(own.status, 201) << own.body;
    own_ticket_id_ = own.json()["id"].get<int64_t>();
    own_contact_id_ = own.json()["main_contact"]["id"].get<int64_t>();

    auto other = app_->call(agent_.token, "POST", "/api/v1/tickets",
                            json{{"workflow", "support-request"},
                                 {"subject", "Printer on fire"},
                                 {"contacts", {{{"id", other_contact_id_}, {"main", true}}}}}
                                .dump());
    ASSERT_EQ(other.status, 201) << other.body;
    other_ticket_id_ = other.json()["id"].get<int64_t>();
    other_ticket_number_ = other.json()["number"].get<std::string>();

    // A job parked after its only attempt failed, for retry to find.
    auto parked = app_->db().transact_value<int64_t>(store::TxMode::kWrite, [&](store::Connection& c)
                                                         -> Result<int64_t> {
      store::JobStore jobs(c);
      const auto now = app_->clock().now();
      store::NewJob job;
      job.kind = "matrix.test";
      job.due_at = now;
      job.max_attempts = 1;
      auto id = REDRESS_TRY(jobs.enqueue(job, now));
      if (!id) return fail(Error::internal("the job was not enqueued"));
      REDRESS_CHECK(jobs.claim("matrix", now, 1, std::chrono::seconds(60)));
      REDRESS_CHECK(jobs.fail(*id, "matrix", "boom", now, now));
      return *id;
    });
    ASSERT_TRUE(parked) << parked.error().message;

    auto tmpl = app_->call(admin_.token, "POST", "/api/v1/templates",
                           R"({"name":"Matrix","language":"en","subject":"About {{ticket.number}}","body":"Hello"})");
    ASSERT_EQ(tmpl.status, 201) << tmpl.body;
    template_id_ = tmpl.json()["id"].get<int64_t>();
    parked_job_id_ = *parked;

    // A mail refused for having no sender, kept in the failed list.
    auto refused = service::MailIntakeService(app_->context()).ingest("Subject: nobody\r\n\r\nbody\r\n", {"", "api"});
    ASSERT_FALSE(refused);
    failed_mail_id_ = std::stoll(refused.error().fields.at("failed_mail"));

    own_attachment_id_ = attach(own_ticket_id_, "public", "invoice.pdf", "application/pdf", "%PDF-1.4 own");
    other_attachment_id_ = attach(other_ticket_id_, "public", "photo.png", "image/png", "\x89PNG other");
  }

  // A message on the ticket carrying one file, as mail intake writes them; its id.
  int64_t attach(int64_t ticket_id, const std::string& visibility, const std::string& name, const std::string& type,
                 const std::string& bytes) {
    auto id = app_->db().transact_value<int64_t>(store::TxMode::kWrite, [&](store::Connection& c) -> Result<int64_t> {
      domain::Message m;
      m.ticket_id = ticket_id;
      m.kind = visibility == "public" ? "mail_in" : "note";
      m.visibility = visibility;
      m.body = "see the file";
      m.created_at = app_->clock().now();
      if (visibility != "public") m.author_user_id = agent_.user.id;
      auto message = REDRESS_TRY(store::TicketStore(c).add_message(m));
      store::MailStore mails(c);
      store::AttachmentRecord a;
      a.message_id = message.id;
      a.blob_sha256 = REDRESS_TRY(mails.put_blob(bytes, app_->clock().now()));
      a.filename = name;
      a.content_type = type;
      a.size = static_cast<int64_t>(bytes.size());
      return REDRESS_TRY(mails.add_attachment(a)).id;
    });
    EXPECT_TRUE(id) << id.error().message;
    return id ? *id : 0;
  }

  const TestUser* user_of(Role role) const {
    switch (role) {
      case Role::kAnonymous: return nullptr;
      case Role::kAdmin: return &admin_;
      case Role::kAgent: return &agent_;
      case Role::kViewer: return &viewer_;
      case Role::kCustomer: return &customer_;
    }
    return nullptr;
  }

  std::string token_of(Role role) const {
    const TestUser* u = user_of(role);
    return u ? u->token : "";
  }

  int64_t id_for(const Row& row, Role role) const {
    const bool own = row.target == Target::kOwn;
    const std::string_view p = row.pattern;
    if (p.starts_with("/api/v1/tickets/")) return own ? own_ticket_id_ : other_ticket_id_;
    if (p.starts_with("/api/v1/contacts/")) return own ? own_contact_id_ : other_contact_id_;
    if (p.starts_with("/api/v1/users/")) {
      const TestUser* self = user_of(role);
      return own ? (self ? self : &customer_)->user.id : bystander_.user.id;
    }
    if (p.starts_with("/api/v1/jobs/")) return own ? parked_job_id_ : 999999;
    if (p.starts_with("/api/v1/reasons/")) return own ? reason_id_ : 999999;
    if (p.starts_with("/api/v1/mail/failed/")) return own ? failed_mail_id_ : 999999;
    if (p.starts_with("/api/v1/templates/")) return own ? template_id_ : 999999;
    if (p.starts_with("/api/v1/attachments/")) return own ? own_attachment_id_ : other_attachment_id_;
    ADD_FAILURE() << "no id to put into " << p << "; teach id_for about it";
    return 0;
  }

  // A body that is valid for the route, unique each time so that earlier cells (a user
  // or reason already made) cannot turn a later one into a 409.
  std::string body_for(const Row& row, Role role) {
    const std::string n = std::to_string(++serial_);
    const std::string_view m = row.method;
    const std::string_view p = row.pattern;
    if (m == "POST" && p == "/api/v1/session") {
      const TestUser& who = user_of(role) ? *user_of(role) : customer_;
      return json{{"email", who.user.email}, {"password", who.password}}.dump();
    }
    if (m == "POST" && p == "/api/v1/tickets")
      return json{{"workflow", "support-request"}, {"subject", "Matrix ticket " + n}, {"reason", reason_id_}}.dump();
    if (m == "PATCH" && p == "/api/v1/tickets/{id}") return json{{"fields", {{"matrix_step", n}}}}.dump();
    if (m == "PUT" && p == "/api/v1/tickets/{id}/messaging") return json{{"blocked", serial_ % 2 == 0}}.dump();
    // Staff write internal notes: a public reply would meet the "close" transition's
    // public_reply requirement and change what the transitions rows below answer.
    if (m == "POST" && p == "/api/v1/tickets/{id}/messages") {
      json message = {{"body", "Matrix message " + n}};
      if (role != Role::kCustomer) message["visibility"] = "internal";
      return message.dump();
    }
    if (m == "POST" && p == "/api/v1/contacts")
      return json{{"name", "Contact " + n}, {"email", "contact-" + n + "@example.org"}}.dump();
    if (m == "POST" && p == "/api/v1/users")
      return json{{"email", "user-" + n + "@example.org"}, {"name", "User " + n}, {"role", "agent"}}.dump();
    if (m == "POST" && p == "/api/v1/reasons")
      return json{{"workflow", "support-request"}, {"code", "matrix-" + n}, {"labels", {{"en", "Matrix " + n}}}}.dump();
    if (m == "POST" && p == "/api/v1/tickets/{id}/transitions") return json{{"transition", "close"}}.dump();
    if (m == "PUT" && p == "/api/v1/tickets/{id}/assignees/{role}") return json{{"user", agent_.user.email}}.dump();
    if (m == "POST" && p == "/api/v1/jobs/{id}/retry") return "";  // takes no body
    if (m == "POST" && p == "/api/v1/dev/clock") return json{{"advance_seconds", 3600}}.dump();
    if (m == "POST" && p == "/api/v1/inbound/mail") return "From: a@example.org\r\nSubject: x\r\n\r\nbody\r\n";
    if (m == "POST" && p == "/api/v1/inbound/reviews")
      return json{{"source", "critizr"}, {"external_id", "matrix-" + n}, {"rating", 3}, {"text", "Fine"}}.dump();
    if (m == "POST" && p == "/api/v1/tickets/{id}/acknowledgement")
      return json{{"cc", {"copy-" + n + "@example.org"}}}.dump();
    if (m == "POST" && p == "/api/v1/mail/failed/{id}/retry") return "";  // takes no body
    if (m == "PATCH" && p == "/api/v1/users/{id}") return json{{"name", "Renamed " + n}}.dump();
    if (m == "PATCH" && p == "/api/v1/contacts/{id}") return json{{"phone", "+1 555 0100 " + n}}.dump();
    if (m == "PATCH" && p == "/api/v1/reasons/{id}") return json{{"labels", {{"en", "Matrix reason " + n}}}}.dump();
    if (m == "POST" && p == "/confirm/{token}") return "";  // a form with no fields
    if (m == "POST" && p == "/api/v1/session/link") return json{{"email", customer_.user.email}}.dump();
    if (m == "POST" && p == "/api/v1/session/link/{token}") return "";  // the token is the whole request
    if (m == "POST" && p == "/api/v1/templates")
      return json{{"name", "Template " + n}, {"language", "en"}, {"subject", "Re {{ticket.number}}"}, {"body", "Hi"}}
          .dump();
    if (m == "PATCH" && p == "/api/v1/templates/{id}") return json{{"name", "Renamed " + n}}.dump();
    if (m == "POST" && (p == "/api/v1/tickets/{id}/take" || p == "/api/v1/queue/next")) return "";  // no body
    if (m == "PUT" && p == "/api/v1/routing")
      return json{{"rules", {{{"workflow", "*"}, {"event", "assigned"}, {"to", {"assignee"}}, {"template", "assigned"}}}}}
          .dump();
    if (m != "GET" && m != "DELETE") ADD_FAILURE() << "no body for " << m << " " << p << "; teach body_for about it";
    return "";
  }

  Cell cell_for(const Row& row, Role role) {
    Cell cell{std::string(row.pattern), body_for(row, role)};
    if (auto at = cell.target.find("{id}"); at != std::string::npos)
      cell.target.replace(at, 4, std::to_string(id_for(row, role)));
    // The one role of the support-request workflow both tickets follow.
    if (auto at = cell.target.find("{role}"); at != std::string::npos) cell.target.replace(at, 6, "assignee");
    if (auto at = cell.target.find("{token}"); at != std::string::npos) {
      std::string token = row.target == Target::kOwn ? "1.1.confirm.4102444800." + std::string(64, 'f') : "forged";
      if (row.pattern == "/api/v1/session/link/{token}")
        token = row.target == Target::kOwn ? fresh_sign_in_link() : "no-such-link";
      cell.target.replace(at, 7, token);
    }
    return cell;
  }

  // A link of the customer's, stored as the service stores one, unused and unexpired.
  std::string fresh_sign_in_link() {
    const std::string token = "matrix-link-" + std::to_string(++serial_);
    auto stored = app_->db().transact(store::TxMode::kWrite, [&](store::Connection& c) {
      const auto now = app_->clock().now();
      return store::UserStore(c).insert_sign_in_link(crypto::sha256_hex(token), customer_.user.id, now,
                                                     now + std::chrono::minutes(20));
    });
    EXPECT_TRUE(stored) << stored.error().message;
    return token;
  }

  std::unique_ptr<TestApp> app_;
  TestUser admin_, agent_, viewer_, customer_, bystander_;
  int64_t reason_id_ = 0;
  int64_t own_ticket_id_ = 0, other_ticket_id_ = 0;
  std::string other_ticket_number_;
  int64_t own_contact_id_ = 0, other_contact_id_ = 0;
  int64_t parked_job_id_ = 0;
  int64_t failed_mail_id_ = 0;
  int64_t own_attachment_id_ = 0, other_attachment_id_ = 0;
  int64_t template_id_ = 0;
  int serial_ = 0;
};

std::set<int64_t> ids_in(const json& page) {
  std::set<int64_t> ids;
  for (const auto& item : page["items"]) ids.insert(item["id"].get<int64_t>());
  return ids;
}

TEST_F(AuthzMatrixTest, EveryRouteAnswersEveryRoleAsThePolicySays) {
  for (const Row& row : kMatrix) {
    for (Role role : kRoles) {
      const Cell cell = cell_for(row, role);
      const int expected = row.status[static_cast<size_t>(role)];
      std::ostringstream where;
      where << name_of(role) << " " << row.method << " " << row.pattern << " [" << name_of(row.target)
            << "] as " << cell.target;

      const int64_t events_before = app_->count("events");
      const auto response = app_->call(token_of(role), std::string(row.method), cell.target, cell.body);
      EXPECT_EQ(response.status, expected) << where.str() << ": expected " << expected << ", got " << response.status
                                           << "\n  request body: " << cell.body << "\n  response: " << response.body;
      // Every change appends an event in the same transaction, so a refusal must leave none.
      if (expected >= 400) {
        EXPECT_EQ(app_->count("events"), events_before) << where.str() << " was refused but wrote events";
      }
    }
  }
}

TEST_F(AuthzMatrixTest, MatrixHasRowsForExactlyTheRoutedEndpoints) {
  using Endpoint = std::pair<std::string, std::string>;
  std::set<Endpoint> routed;
  for (const auto& route : app_->api().router().routes()) routed.emplace(route.method, route.pattern);

  std::map<Endpoint, std::multiset<Target>> rows;
  for (const Row& row : kMatrix) rows[{std::string(row.method), std::string(row.pattern)}].insert(row.target);

  for (const auto& endpoint : routed) {
    EXPECT_TRUE(rows.contains(endpoint)) << endpoint.first << " " << endpoint.second
                                         << " is routed but has no row in kMatrix";
  }
  for (const auto& [endpoint, targets] : rows) {
    EXPECT_TRUE(routed.contains(endpoint)) << endpoint.first << " " << endpoint.second
                                           << " has rows in kMatrix but is not routed";
    // A route with an {id} needs both the customer's own thing and another's; one
    // without needs a single row. No duplicates either way.
    const bool has_id = endpoint.second.find('{') != std::string::npos;
    const std::multiset<Target> want = has_id ? std::multiset<Target>{Target::kOwn, Target::kOther}
                                              : std::multiset<Target>{Target::kNone};
    EXPECT_EQ(targets, want) << endpoint.first << " " << endpoint.second << " has the wrong set of target rows";
  }
}

TEST_F(AuthzMatrixTest, CustomerListsOnlyTicketsTheyAreAContactOn) {
  const auto mine = app_->call(customer_.token, "GET", "/api/v1/tickets");
  ASSERT_EQ(mine.status, 200) << mine.body;
  const auto visible = ids_in(mine.json());
  EXPECT_TRUE(visible.contains(own_ticket_id_)) << mine.body;
  EXPECT_FALSE(visible.contains(other_ticket_id_)) << mine.body;

  const auto all = app_->call(viewer_.token, "GET", "/api/v1/tickets");
  ASSERT_EQ(all.status, 200) << all.body;
  EXPECT_TRUE(ids_in(all.json()).contains(own_ticket_id_)) << all.body;
  EXPECT_TRUE(ids_in(all.json()).contains(other_ticket_id_)) << all.body;
}

TEST_F(AuthzMatrixTest, CustomerFiltersCannotWidenTheirTicketList) {
  const std::vector<std::string> queries = {"?q=Printer", "?q=" + other_ticket_number_, "?status=new_request",
                                            "?workflow=support-request", "?limit=200"};
  for (const auto& query : queries) {
    // Each filter does match the other ticket, as staff can see.
    const auto staff = app_->call(viewer_.token, "GET", "/api/v1/tickets" + query);
    ASSERT_EQ(staff.status, 200) << query << ": " << staff.body;
    ASSERT_TRUE(ids_in(staff.json()).contains(other_ticket_id_)) << query << ": " << staff.body;

    const auto page = app_->call(customer_.token, "GET", "/api/v1/tickets" + query);
    ASSERT_EQ(page.status, 200) << query << ": " << page.body;
    EXPECT_FALSE(ids_in(page.json()).contains(other_ticket_id_)) << query << ": " << page.body;
  }
}

// Search is a read like any other: a customer's query matches only what the customer may
// read of their own tickets (subject, description, public messages, contacts), never a
// staff note, whole word or prefix.
TEST_F(AuthzMatrixTest, CustomerSearchMatchesOnlyTextTheyMayRead) {
  const std::string own = "/api/v1/tickets/" + std::to_string(own_ticket_id_);
  ASSERT_EQ(app_->call(agent_.token, "POST", own + "/messages",
                       json{{"body", "Suspected fraudster, chargeback pattern"}, {"visibility", "internal"}}.dump())
                .status,
            201);
  ASSERT_EQ(app_->call(agent_.token, "POST", own + "/messages",
                       json{{"body", "Refund of the duplicate payment is on its way"}, {"visibility", "public"}}.dump())
                .status,
            201);
  for (const std::string q : {"fraudster", "fraud", "chargeb", "suspected%20fraudster"}) {
    for (Role staff : {Role::kAdmin, Role::kAgent, Role::kViewer}) {
      const auto r = app_->call(token_of(staff), "GET", "/api/v1/tickets?q=" + q);
      ASSERT_EQ(r.status, 200) << q << ": " << r.body;
      EXPECT_TRUE(ids_in(r.json()).contains(own_ticket_id_)) << q << " as staff: " << r.body;
    }
    const auto mine = app_->call(customer_.token, "GET", "/api/v1/tickets?q=" + q);
    ASSERT_EQ(mine.status, 200) << q << ": " << mine.body;
    EXPECT_FALSE(ids_in(mine.json()).contains(own_ticket_id_)) << q << " as customer: " << mine.body;
  }
  for (const std::string q : {"invoice", "duplicate%20payment", "refun", "carla"}) {
    const auto mine = app_->call(customer_.token, "GET", "/api/v1/tickets?q=" + q);
    ASSERT_EQ(mine.status, 200) << q << ": " << mine.body;
    EXPECT_TRUE(ids_in(mine.json()).contains(own_ticket_id_)) << q << " as customer: " << mine.body;
  }
}

// A file of an internal note never reaches a customer, even on their own ticket; a taken
// ticket's files are its taker's (and release-right holders') like its thread.
TEST_F(AuthzMatrixTest, AttachmentsFollowTheirMessagesVisibilityAndTheTake) {
  const int64_t note_file = attach(own_ticket_id_, "internal", "risk.txt", "text/plain", "fraud score 0.9");
  const auto path = "/api/v1/attachments/" + std::to_string(note_file);
  const auto missing = app_->call(customer_.token, "GET", "/api/v1/attachments/999999");
  const auto as_customer = app_->call(customer_.token, "GET", path);
  EXPECT_EQ(as_customer.status, 404);
  EXPECT_EQ(as_customer.body, missing.body);
  EXPECT_EQ(as_customer.body.find("fraud"), std::string::npos);
  for (Role staff : {Role::kAdmin, Role::kAgent, Role::kViewer}) {
    const auto r = app_->call(token_of(staff), "GET", path);
    EXPECT_EQ(r.status, 200) << name_of(staff) << ": " << r.body;
    EXPECT_EQ(r.body, "fraud score 0.9");
  }
  // The customer's own public file, byte for byte, as a download.
  const auto own = app_->call(customer_.token, "GET", "/api/v1/attachments/" + std::to_string(own_attachment_id_));
  ASSERT_EQ(own.status, 200) << own.body;
  EXPECT_EQ(own.body, "%PDF-1.4 own");
  EXPECT_EQ(own.header("content-type").value_or(""), "application/pdf");
  EXPECT_EQ(own.header("x-content-type-options").value_or(""), "nosniff");
  EXPECT_TRUE(own.header("content-disposition").value_or("").starts_with("attachment; filename=\"invoice.pdf\""));
  // A text file is never shown inline.
  EXPECT_EQ(app_->call(agent_.token, "GET", path + "?disposition=inline").status, 422);
  EXPECT_EQ(app_->call(agent_.token, "GET", path + "?disposition=sideways").status, 422);

  // Taken by the agent: the bystander (an agent without tickets.release) is held back.
  ASSERT_EQ(app_->call(agent_.token, "POST", "/api/v1/tickets/" + std::to_string(own_ticket_id_) + "/take").status, 200);
  const auto held = app_->call(bystander_.token, "GET", "/api/v1/attachments/" + std::to_string(own_attachment_id_));
  EXPECT_EQ(held.status, 403) << held.body;
  EXPECT_EQ(app_->call(agent_.token, "GET", "/api/v1/attachments/" + std::to_string(own_attachment_id_)).status, 200);
  EXPECT_EQ(app_->call(customer_.token, "GET", "/api/v1/attachments/" + std::to_string(own_attachment_id_)).status, 200);

  // The thread lists the files with what the download needs.
  const auto thread = app_->call(customer_.token, "GET", "/api/v1/tickets/" + std::to_string(own_ticket_id_) + "/messages");
  ASSERT_EQ(thread.status, 200) << thread.body;
  const json page = thread.json();
  int listed = 0;
  for (const auto& m : page["items"]) {
    for (const auto& a : m["attachments"]) {
      ++listed;
      EXPECT_EQ(a["id"], own_attachment_id_);
      EXPECT_EQ(a["filename"], "invoice.pdf");
      EXPECT_EQ(a["size"], 12);
      EXPECT_EQ(a["sha256"], crypto::sha256_hex("%PDF-1.4 own"));
    }
  }
  EXPECT_EQ(listed, 1) << thread.body;  // the note's file is not listed to the customer
}

TEST_F(AuthzMatrixTest, CustomerCannotTellAnotherTicketFromAMissingOne) {
  const auto by_id = app_->call(customer_.token, "GET", "/api/v1/tickets/" + std::to_string(other_ticket_id_));
  const auto by_number = app_->call(customer_.token, "GET", "/api/v1/tickets/" + other_ticket_number_);
  const auto missing = app_->call(customer_.token, "GET", "/api/v1/tickets/999999");
  EXPECT_EQ(by_id.status, 404);
  EXPECT_EQ(by_number.status, 404);
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(by_id.body, missing.body);
  EXPECT_EQ(by_number.body, missing.body);
}

}  // namespace
}  // namespace redress::test
