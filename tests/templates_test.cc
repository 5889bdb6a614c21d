// Response templates (F13) end to end on both engines: admins write them per reason and
// language, agents list those that fit a ticket rendered for it and reply with one; the
// reply keeps its template and subject, and its mail (checked as the SMTP capture server
// received it) carries both. A variable without a value refuses the reply, writing nothing.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "support/mail_reading.h"
#include "support/mail_servers.h"
#include "support/test_app.h"

namespace redress {
namespace {

using test::EngineParam;
using json = nlohmann::json;

class TemplatesTest : public ::testing::TestWithParam<EngineParam> {
 protected:
  void SetUp() override { start({}); }

  void start(Settings settings) {
    app_.reset();
    settings.server.base_url = "https://desk.example.com";
    REDRESS_START_TEST_APP(GetParam(), app_, settings);
    admin_ = app_->add_user("admin@example.com", "admin");
    agent_ = app_->add_user("alice@example.com", "agent");
    other_agent_ = app_->add_user("bruno@example.com", "agent");
    customer_ = app_->add_user("jeanne@client.example", "customer");
    billing_ = reason("billing", "Facturation");
    delivery_ = reason("delivery", "Livraison");
  }

  test::TestResponse call(const test::TestUser& u, const std::string& method, const std::string& path,
                          const json& body = nullptr) {
    return app_->call(u.token, method, path, body.is_null() ? "" : body.dump());
  }

  int64_t reason(const std::string& code, const std::string& fr_label) {
    auto r = call(admin_, "POST", "/api/v1/reasons",
                  {{"workflow", "support-request"}, {"code", code}, {"labels", {{"en", code}, {"fr", fr_label}}}});
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json().value("id", int64_t{0});
  }

  json create_template(const json& body) {
    auto r = call(admin_, "POST", "/api/v1/templates", body);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json();
  }

  // A French request about billing from Jeanne, with its reopen date set.
  json new_ticket(const json& extra = json::object()) {
    json body = {{"workflow", "support-request"},
                 {"subject", "Facture en double"},
                 {"reason", billing_},
                 {"language", "fr"},
                 {"fields", {{"reopen_at", "2026-12-01"}}},
                 {"contacts", json::array({{{"email", "jeanne@client.example"}, {"name", "Jeanne Dupont"},
                                            {"language", "fr"}, {"main", true}}})}};
    for (auto& [k, v] : extra.items()) body[k] = v;
    auto r = call(agent_, "POST", "/api/v1/tickets", body);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json();
  }

  static std::string path(const json& t) { return "/api/v1/tickets/" + std::to_string(t["id"].get<int64_t>()); }

  void set_signature(const test::TestUser& u, const json& signature) {
    auto r = call(u, "PATCH", "/api/v1/users/" + std::to_string(u.user.id), {{"signature", signature}});
    ASSERT_EQ(r.status, 200) << r.body;
  }

  static std::vector<std::string> names(const json& page) {
    std::vector<std::string> out;
    for (const auto& t : page["items"]) out.push_back(t["name"]);
    return out;
  }

  std::vector<std::string> listed(const std::string& query) {
    auto r = call(agent_, "GET", "/api/v1/templates" + query);
    EXPECT_EQ(r.status, 200) << query << ": " << r.body;
    return names(r.json());
  }

  // The French billing template that uses every kind of variable.
  json full_template() {
    return create_template(
        {{"name", "Facture corrigée"},
         {"language", "fr"},
         {"reasons", {"billing"}},
         {"subject", "Votre demande {{ticket.number}} : {{reason.label}}"},
         {"body",
          "Bonjour {{contact.name}},\n\nNous avons corrigé votre facture ({{ticket.subject}}), relance le "
          "{{fields.reopen_at}}.\nSuivi : {{portal_url}}\nContact : {{contact.email}}\n\n{{agent.name}}\n"
          "{{agent.signature}}"}});
  }

  std::unique_ptr<test::TestApp> app_;
  test::TestUser admin_, agent_, other_agent_, customer_;
  int64_t billing_ = 0, delivery_ = 0;
};

TEST_P(TemplatesTest, AdminCreatesTemplatesThatStaffFilterByReasonAndLanguage) {
  const json a = create_template({{"name", "A billing en"}, {"language", "en"}, {"reasons", {billing_}},
                                  {"subject", "About {{ticket.number}}"}, {"body", "Hello {{contact.name}}"}});
  create_template({{"name", "B billing fr"}, {"language", "fr"}, {"reasons", {"billing"}},
                   {"subject", "Votre demande"}, {"body", "Bonjour"}});
  create_template({{"name", "C any en"}, {"language", "en"}, {"subject", "Hi"}, {"body", "Hello"}});
  create_template({{"name", "D delivery en"}, {"language", "en"}, {"reasons", {"delivery"}},
                   {"subject", "Parcel"}, {"body", "On its way"}});

  EXPECT_EQ(a["language"], "en");
  EXPECT_EQ(a["active"], true);
  EXPECT_EQ(a["created_by"], admin_.user.id);
  ASSERT_EQ(a["reasons"].size(), 1u);
  EXPECT_EQ(a["reasons"][0]["code"], "billing");
  EXPECT_FALSE(a.contains("rendered"));
  auto one = call(agent_, "GET", "/api/v1/templates/" + std::to_string(a["id"].get<int64_t>()));
  ASSERT_EQ(one.status, 200) << one.body;
  EXPECT_EQ(one.json(), a);

  EXPECT_EQ(listed(""), (std::vector<std::string>{"A billing en", "B billing fr", "C any en", "D delivery en"}));
  // A reason's templates are those for it and those for every reason.
  EXPECT_EQ(listed("?reason=billing&language=en"), (std::vector<std::string>{"A billing en", "C any en"}));
  EXPECT_EQ(listed("?reason=" + std::to_string(delivery_)), (std::vector<std::string>{"C any en", "D delivery en"}));
  EXPECT_EQ(listed("?language=fr"), std::vector<std::string>{"B billing fr"});

  auto bad = call(agent_, "GET", "/api/v1/templates?language=french&reason=nope&colour=red");
  EXPECT_EQ(bad.status, 422) << bad.body;
  EXPECT_TRUE(bad.json()["error"]["fields"].contains("colour")) << bad.body;

  // Recorded in the history, as the template's own entity.
  auto kinds = app_->db().transact_value<std::vector<std::string>>(
      store::TxMode::kRead, [](store::Connection& c) -> Result<std::vector<std::string>> {
        auto rows = REDRESS_TRY(c.query("SELECT kind FROM events WHERE entity = 'template' ORDER BY id"));
        std::vector<std::string> out;
        for (const auto& r : rows) out.push_back(r.text(0));
        return out;
      });
  ASSERT_TRUE(kinds) << kinds.error().message;
  EXPECT_EQ(*kinds, std::vector<std::string>(4, "template.created"));
}

TEST_P(TemplatesTest, TicketListsTheFittingTemplatesRenderedForIt) {
  set_signature(agent_, "Alice Martin\nService client ACME");
  const json t = new_ticket();
  const std::string number = t["number"];
  const json full = full_template();
  create_template({{"name", "Sans motif"}, {"language", "fr"}, {"subject", "Re: {{ticket.subject}}"},
                   {"body", "Bonjour {{contact.name}}"}});
  create_template({{"name", "English billing"}, {"language", "en"}, {"reasons", {"billing"}}, {"subject", "x"},
                   {"body", "y"}});
  create_template({{"name", "Livraison"}, {"language", "fr"}, {"reasons", {"delivery"}}, {"subject", "x"},
                   {"body", "y"}});
  create_template({{"name", "Ancienne"}, {"language", "fr"}, {"active", false}, {"subject", "x"}, {"body", "y"}});

  auto r = call(agent_, "GET", "/api/v1/templates?ticket=" + number);
  ASSERT_EQ(r.status, 200) << r.body;
  const json page = r.json();
  ASSERT_EQ(names(page), (std::vector<std::string>{"Facture corrigée", "Sans motif"}));
  const json& rendered = page["items"][0]["rendered"];
  EXPECT_EQ(rendered["subject"], "Votre demande " + number + " : Facturation");
  EXPECT_EQ(rendered["body"],
            "Bonjour Jeanne Dupont,\n\nNous avons corrigé votre facture (Facture en double), relance le 2026-12-01.\n"
            "Suivi : https://desk.example.com/portal/tickets/" + number + "\nContact : jeanne@client.example\n\n" +
            agent_.user.name + "\nAlice Martin\nService client ACME");
  EXPECT_EQ(rendered["missing"], json::array());
  EXPECT_EQ(page["items"][0]["body"], full["body"]) << "the template itself is unchanged";

  // Bruno has no signature: the placeholder stays and is listed.
  auto bruno = call(other_agent_, "GET", "/api/v1/templates?ticket=" + std::to_string(t["id"].get<int64_t>()));
  ASSERT_EQ(bruno.status, 200) << bruno.body;
  const json bruno_page = bruno.json();
  const json& his = bruno_page["items"][0]["rendered"];
  EXPECT_EQ(his["missing"], json::array({"agent.signature"}));
  EXPECT_NE(his["body"].get<std::string>().find("{{agent.signature}}"), std::string::npos) << his;

  // A ticket without reason or contact: only templates for every reason fit, and the
  // contact's variables have no value.
  const json bare = new_ticket({{"reason", nullptr}, {"contacts", json::array()}});
  auto plain = call(agent_, "GET", "/api/v1/templates?ticket=" + bare["number"].get<std::string>());
  ASSERT_EQ(plain.status, 200) << plain.body;
  ASSERT_EQ(names(plain.json()), std::vector<std::string>{"Sans motif"});
  EXPECT_EQ(plain.json()["items"][0]["rendered"]["missing"], json::array({"contact.name"}));

  EXPECT_EQ(call(agent_, "GET", "/api/v1/templates?ticket=999999").status, 404);
  EXPECT_EQ(call(agent_, "GET", "/api/v1/templates?ticket=" + number + "&include_inactive=true").status, 422);
}

TEST_P(TemplatesTest, PreviewRendersWithSampleValuesInTheTemplatesLanguageAndWritesNothing) {
  const json fr = full_template();
  const json en = create_template({{"name", "Facture corrigée"},
                                   {"language", "en"},
                                   {"subject", "About {{reason.label}}"},
                                   {"body", "Hello {{contact.name}}, see {{portal_url}}"}});
  const int64_t events_before = app_->count("events");

  auto r = call(agent_, "GET", "/api/v1/templates/" + std::to_string(fr["id"].get<int64_t>()) + "/preview");
  ASSERT_EQ(r.status, 200) << r.body;
  const json p = r.json();
  EXPECT_EQ(p["id"], fr["id"]);
  EXPECT_EQ(p["language"], "fr");
  const std::string number = p["values"]["ticket"]["number"];
  EXPECT_FALSE(number.empty());
  // The template's own reason, in its language; a value for every variable.
  EXPECT_EQ(p["subject"], "Votre demande " + number + " : Facturation");
  EXPECT_EQ(p["body"], "Bonjour Claire Dubois,\n\nNous avons corrigé votre facture (Colis arrivé abîmé), relance le "
                       "2026-12-01T09:00:00Z.\nSuivi : https://desk.example.com/portal/tickets/" + number +
                       "\nContact : claire.dubois@example.com\n\nSam Martin\nSam Martin\nService client");
  EXPECT_EQ(p["missing"], json::array());

  auto other = call(admin_, "GET", "/api/v1/templates/" + std::to_string(en["id"].get<int64_t>()) + "/preview");
  ASSERT_EQ(other.status, 200) << other.body;
  EXPECT_EQ(other.json()["subject"], "About Delivery") << "a template for every reason shows a sample reason";
  EXPECT_EQ(other.json()["body"], "Hello Claire Dubois, see https://desk.example.com/portal/tickets/" + number);

  EXPECT_EQ(call(customer_, "GET", "/api/v1/templates/" + std::to_string(fr["id"].get<int64_t>()) + "/preview").status,
            403);
  EXPECT_EQ(call(agent_, "GET", "/api/v1/templates/999999/preview").status, 404);
  EXPECT_EQ(app_->count("events"), events_before);
}

TEST_P(TemplatesTest, BadTemplatesAreRefusedNamingEachFieldAndNothingIsWritten) {
  const int64_t events_before = app_->count("events");
  auto r = call(admin_, "POST", "/api/v1/templates",
                {{"name", "  "},
                 {"language", "fra"},
                 {"reasons", json::array({billing_, "no-such-reason", 999999})},
                 {"subject", "Hello {{contact.nmae}}"},
                 {"body", "Dear {{contact.name}"}});
  ASSERT_EQ(r.status, 422) << r.body;
  const json fields = r.json()["error"]["fields"];
  EXPECT_TRUE(fields.contains("name")) << r.body;
  EXPECT_TRUE(fields.contains("language")) << r.body;
  EXPECT_FALSE(fields.contains("reasons[0]")) << r.body;
  EXPECT_NE(fields.value("reasons[1]", "").find("no-such-reason"), std::string::npos) << r.body;
  EXPECT_TRUE(fields.contains("reasons[2]")) << r.body;
  EXPECT_NE(fields.value("subject", "").find("contact.nmae"), std::string::npos) << r.body;
  EXPECT_NE(fields.value("body", "").find("mustache"), std::string::npos) << r.body;

  // A custom field no workflow of the template's reasons declares; a section.
  auto field = call(admin_, "POST", "/api/v1/templates",
                    {{"name", "x"}, {"language", "en"}, {"reasons", {billing_}}, {"subject", "{{fields.colour}}"},
                     {"body", "{{#agent.signature}}{{agent.signature}}{{/agent.signature}}"}});
  ASSERT_EQ(field.status, 422) << field.body;
  EXPECT_NE(field.json()["error"]["fields"].value("subject", "").find("fields.colour"), std::string::npos);
  EXPECT_NE(field.json()["error"]["fields"].value("body", "").find("sections"), std::string::npos);

  auto missing = call(admin_, "POST", "/api/v1/templates", json::object());
  ASSERT_EQ(missing.status, 422) << missing.body;
  for (const char* f : {"name", "language", "subject", "body"})
    EXPECT_TRUE(missing.json()["error"]["fields"].contains(f)) << f << ": " << missing.body;

  EXPECT_EQ(app_->count("response_templates"), 0);
  EXPECT_EQ(app_->count("response_template_reasons"), 0);
  EXPECT_EQ(app_->count("events"), events_before);

  // A PATCH is checked the same way, whole.
  const json ok = create_template({{"name", "ok"}, {"language", "en"}, {"subject", "s"}, {"body", "b"}});
  const std::string at = "/api/v1/templates/" + std::to_string(ok["id"].get<int64_t>());
  auto patch = call(admin_, "PATCH", at, {{"body", "{{agent.nickname}}"}, {"reasons", json::array({"billing", true})}});
  ASSERT_EQ(patch.status, 422) << patch.body;
  EXPECT_TRUE(patch.json()["error"]["fields"].contains("reasons[1]")) << patch.body;
  EXPECT_EQ(call(admin_, "GET", at).json()["body"], "b");
}

TEST_P(TemplatesTest, OnlyManagersWriteTemplatesAndCustomersSeeNone) {
  const json t = create_template({{"name", "n"}, {"language", "en"}, {"subject", "s"}, {"body", "b"}});
  const std::string at = "/api/v1/templates/" + std::to_string(t["id"].get<int64_t>());
  const json body = {{"name", "n2"}, {"language", "en"}, {"subject", "s"}, {"body", "b"}};
  EXPECT_EQ(call(agent_, "POST", "/api/v1/templates", body).status, 403);
  EXPECT_EQ(call(agent_, "PATCH", at, {{"name", "n3"}}).status, 403);
  EXPECT_EQ(call(customer_, "GET", "/api/v1/templates").status, 403);
  EXPECT_EQ(call(customer_, "GET", at).status, 403);
  EXPECT_EQ(call(customer_, "GET", "/api/v1/templates/999999").status, 403);
  EXPECT_EQ(call(agent_, "GET", "/api/v1/templates/999999").status, 404);

  // The right, not the role: an agent granted templates.manage writes them.
  auto granted = app_->add_user("writer@example.com", "agent", "templates.manage");
  EXPECT_EQ(call(granted, "POST", "/api/v1/templates", body).status, 201);
}

TEST_P(TemplatesTest, DeactivatedTemplateIsKeptButNeitherOfferedNorUsable) {
  set_signature(agent_, "Alice");
  const json t = new_ticket();
  const json full = full_template();
  const std::string at = "/api/v1/templates/" + std::to_string(full["id"].get<int64_t>());
  auto used = call(agent_, "POST", path(t) + "/messages", {{"template", full["id"]}});
  ASSERT_EQ(used.status, 201) << used.body;

  auto off = call(admin_, "PATCH", at, {{"active", false}});
  ASSERT_EQ(off.status, 200) << off.body;
  EXPECT_EQ(off.json()["active"], false);
  EXPECT_EQ(off.json()["name"], full["name"]) << "the rest is unchanged";
  EXPECT_TRUE(listed("").empty());
  EXPECT_TRUE(listed("?ticket=" + t["number"].get<std::string>()).empty());
  EXPECT_EQ(listed("?include_inactive=true"), std::vector<std::string>{"Facture corrigée"});

  const int64_t messages_before = app_->count("messages");
  auto refused = call(agent_, "POST", path(t) + "/messages", {{"template", full["id"]}});
  ASSERT_EQ(refused.status, 422) << refused.body;
  EXPECT_TRUE(refused.json()["error"]["fields"].contains("template")) << refused.body;
  EXPECT_EQ(app_->count("messages"), messages_before);

  // The reply written from it still names it.
  const json thread = call(agent_, "GET", path(t) + "/messages").json();
  ASSERT_EQ(thread["items"].size(), 1u) << thread;
  EXPECT_EQ(thread["items"][0]["template"], (json{{"id", full["id"]}, {"name", "Facture corrigée"}}));
}

TEST_P(TemplatesTest, ReplyWithTemplateIsStoredRenderedAndMailedWithItsSubject) {
  std::string smtp_url;
  std::filesystem::path smtp_dir;
  REDRESS_REQUIRE_SMTP(smtp_url, smtp_dir);
  const std::string sender = test::unique_sender();
  start(test::smtp_settings(smtp_url, sender));
  set_signature(agent_, "Alice Martin\nService client ACME");
  const json t = new_ticket();
  const std::string number = t["number"];
  const json full = full_template();
  ASSERT_TRUE(app_->runner().run_due_once());
  const size_t seen = test::captured_from(smtp_dir, sender).size();

  // The agent edits the text and leaves placeholders, which are filled in.
  const std::string edited = "Bonjour {{contact.name}},\n\nC'est corrigé : {{portal_url}}\n\n{{agent.signature}}";
  auto r = call(agent_, "POST", path(t) + "/messages", {{"template", full["id"]}, {"body", edited}});
  ASSERT_EQ(r.status, 201) << r.body;
  const json m = r.json();
  const std::string body = "Bonjour Jeanne Dupont,\n\nC'est corrigé : https://desk.example.com/portal/tickets/" +
                           number + "\n\nAlice Martin\nService client ACME";
  const std::string subject = "Votre demande " + number + " : Facturation";
  EXPECT_EQ(m["kind"], "reply");
  EXPECT_EQ(m["visibility"], "public");
  EXPECT_EQ(m["body"], body);
  EXPECT_EQ(m["subject"], subject);
  EXPECT_EQ(m["template"], (json{{"id", full["id"]}, {"name", "Facture corrigée"}}));
  const json thread = call(agent_, "GET", path(t) + "/messages").json();
  ASSERT_EQ(thread["items"].size(), 1u);
  EXPECT_EQ(thread["items"][0]["subject"], subject);
  EXPECT_EQ(thread["items"][0]["body"], body);
  EXPECT_EQ(call(customer_, "GET", path(t) + "/messages").json()["items"][0]["body"], body);

  ASSERT_TRUE(app_->runner().run_due_once());
  auto all = test::captured_from(smtp_dir, sender);
  ASSERT_EQ(all.size(), seen + 1) << "one reply mail";
  const auto& mail = all.back();
  EXPECT_EQ(mail.rcpt_tos, std::vector<std::string>{"jeanne@client.example"});
  const std::string header = test::header_of(mail.raw, "Subject");
  EXPECT_NE(header.find(subject), std::string::npos) << header;
  EXPECT_NE(header.find("[#" + number + "]"), std::string::npos) << header;
  const std::string text = test::text_of(mail.raw);
  for (const std::string& line : std::vector<std::string>{"Bonjour Jeanne Dupont,", "corrigé : https://desk.example.com/portal/tickets/" + number,
                                 "Alice Martin", "Service client ACME"})
    EXPECT_NE(text.find(line), std::string::npos) << line << " in:\n" << text;

  // Without a body, the template's own is sent; a free text reply keeps the shipped subject.
  auto as_written = call(agent_, "POST", path(t) + "/messages", {{"template", full["id"]}});
  ASSERT_EQ(as_written.status, 201) << as_written.body;
  EXPECT_NE(as_written.json()["body"].get<std::string>().find("relance le 2026-12-01"), std::string::npos);
  auto free = call(agent_, "POST", path(t) + "/messages", {{"body", "Autre chose."}});
  ASSERT_EQ(free.status, 201) << free.body;
  EXPECT_TRUE(free.json()["template"].is_null());
  EXPECT_TRUE(free.json()["subject"].is_null());
  ASSERT_TRUE(app_->runner().run_due_once());
  all = test::captured_from(smtp_dir, sender);
  ASSERT_EQ(all.size(), seen + 3);
  EXPECT_NE(test::header_of(all.back().raw, "Subject").find("Facture en double"), std::string::npos);
}

TEST_P(TemplatesTest, VariableWithoutValueRefusesTheReplyAndWritesNothing) {
  const json t = new_ticket();
  const json full = full_template();  // ends with {{agent.signature}}; Bruno has none
  const int64_t messages = app_->count("messages"), jobs = app_->count("jobs"), events = app_->count("events");
  auto r = call(other_agent_, "POST", path(t) + "/messages", {{"template", full["id"]}});
  ASSERT_EQ(r.status, 422) << r.body;
  const json error = r.json()["error"];
  EXPECT_EQ(error["code"], "missing_values");
  EXPECT_NE(error["fields"].value("body", "").find("agent.signature"), std::string::npos) << r.body;
  EXPECT_FALSE(error["fields"].contains("subject")) << r.body;
  EXPECT_EQ(error["details"]["missing"], "agent.signature");
  // An edited body that keeps an unknown variable is refused too, naming it.
  auto typo = call(agent_, "POST", path(t) + "/messages", {{"template", full["id"]}, {"body", "{{agent.nmae}}"}});
  ASSERT_EQ(typo.status, 422) << typo.body;
  EXPECT_NE(typo.json()["error"]["fields"].value("body", "").find("agent.nmae"), std::string::npos) << typo.body;
  EXPECT_EQ(app_->count("messages"), messages);
  EXPECT_EQ(app_->count("jobs"), jobs);
  EXPECT_EQ(app_->count("events"), events);

  // Writing the signature in by hand is fine.
  auto by_hand = call(other_agent_, "POST", path(t) + "/messages",
                      {{"template", full["id"]}, {"body", "Bonjour {{contact.name}},\n\nBruno"}});
  EXPECT_EQ(by_hand.status, 201) << by_hand.body;

  // Templates are for public staff replies.
  auto note = call(agent_, "POST", path(t) + "/messages", {{"template", full["id"]}, {"visibility", "internal"}});
  ASSERT_EQ(note.status, 422) << note.body;
  EXPECT_TRUE(note.json()["error"]["fields"].contains("visibility")) << note.body;
  EXPECT_EQ(call(customer_, "POST", path(t) + "/messages", {{"template", full["id"]}, {"body", "x"}}).status, 403);
  auto unknown = call(agent_, "POST", path(t) + "/messages", {{"template", 999999}});
  ASSERT_EQ(unknown.status, 422) << unknown.body;
  EXPECT_TRUE(unknown.json()["error"]["fields"].contains("template")) << unknown.body;
}

TEST_P(TemplatesTest, UsersEditTheirOwnSignatureButNothingElseOfTheirAccount) {
  const std::string mine = "/api/v1/users/" + std::to_string(agent_.user.id);
  auto r = call(agent_, "PATCH", mine, {{"signature", "Alice\nACME"}, {"name", "Alice M."}, {"language", "fr"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["signature"], "Alice\nACME");
  EXPECT_EQ(r.json()["name"], "Alice M.");
  EXPECT_EQ(call(agent_, "GET", "/api/v1/session").json()["user"]["signature"], "Alice\nACME");
  EXPECT_EQ(call(admin_, "GET", mine).json()["signature"], "Alice\nACME");

  EXPECT_EQ(call(agent_, "PATCH", mine, {{"role", "admin"}}).status, 403);
  EXPECT_EQ(call(agent_, "PATCH", mine, {{"signature", "x"}, {"rights", json::array()}}).status, 403);
  EXPECT_EQ(call(agent_, "PATCH", "/api/v1/users/" + std::to_string(other_agent_.user.id), {{"signature", "x"}}).status,
            403);
  auto html = call(agent_, "PATCH", mine, {{"signature", "<b>Alice</b>"}});
  ASSERT_EQ(html.status, 422) << html.body;
  EXPECT_TRUE(html.json()["error"]["fields"].contains("signature"));

  auto cleared = call(agent_, "PATCH", mine, {{"signature", nullptr}});
  ASSERT_EQ(cleared.status, 200) << cleared.body;
  EXPECT_TRUE(cleared.json()["signature"].is_null());
  // An admin sets anyone's.
  auto by_admin = call(admin_, "PATCH", mine, {{"signature", "Signed"}});
  ASSERT_EQ(by_admin.status, 200) << by_admin.body;
  EXPECT_EQ(by_admin.json()["signature"], "Signed");
}

INSTANTIATE_TEST_SUITE_P(Engines, TemplatesTest, ::testing::Values(EngineParam::kSqlite, EngineParam::kPostgres),
                         [](const auto& info) { return test::engine_name(info.param); });

}  // namespace
}  // namespace redress
