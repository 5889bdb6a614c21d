#include "app/demo.h"

#include "service/account_service.h"
#include "service/directory_service.h"
#include "service/template_service.h"
#include "service/ticket_service.h"
#include "service/transition_service.h"
#include "store/user_store.h"

namespace redress::app {
namespace {

constexpr const char* kPassword = "redress-demo";

struct DemoTicket {
  const char* workflow;
  const char* subject;
  const char* description;
  const char* contact_name;
  const char* contact_email;
  const char* language;
  const char* reason;
  const char* channel;
};

const DemoTicket kTickets[] = {
    {"support-request", "Où en est ma commande ?", "Commande 58211 passée il y a dix jours, toujours pas livrée.",
     "Claire Dubois", "claire.dubois@example.fr", "fr", "delivery", "mail"},
    {"support-request", "Invoice shows the wrong VAT number", "Our VAT number changed in March; please reissue.",
     "Tom Baker", "tom.baker@example.co.uk", "en", "billing", "mail"},
    {"support-request", "Réclamation : colis endommagé", "Le carton est arrivé écrasé, deux verres cassés.",
     "Éloïse Lefèvre", "eloise.lefevre@example.fr", "fr", "damaged", "portal"},
    {"support-request", "Cannot reset my password", "The reset link says it expired straight away.",
     "Priya Natarajan", "priya@example.in", "en", "account", "mail"},
    {"support-request", "Demande de facture", "Pouvez-vous m'envoyer la facture de janvier ?",
     "Jean-Pierre Martin", "jp.martin@example.fr", "fr", "billing", "mail"},
    {"support-request", "Delivery left at wrong address", "Tracking says delivered, but not to us.",
     "Grace Hopper", "grace@example.org", "en", "delivery", "phone"},
    {"customer-complaint", "Rude driver at delivery", "The driver shouted at my elderly mother.",
     "Marta Kowalska", "marta.k@example.pl", "en", "", "staff"},
    {"customer-complaint", "Produit non conforme à la description", "La couleur ne correspond pas du tout.",
     "Hélène Garnier", "helene.garnier@example.fr", "fr", "", "portal"},
    {"customer-complaint", "Charged twice for one order", "Two identical charges on my card statement.",
     "Ahmed Benali", "ahmed.benali@example.com", "en", "", "mail"},
    {"complaint-investigation", "Repeated late deliveries to our warehouse", "Five late deliveries this month.",
     "Olivia Chen", "olivia.chen@example.com", "en", "", "staff"},
    {"complaint-investigation", "Qualité du service après-vente", "Trois appels sans réponse en une semaine.",
     "François Petit", "francois.petit@example.fr", "fr", "", "staff"},
    {"complaint-investigation", "Damaged pallets from the Lyon depot", "Pallets arrive with broken corners.",
     "Lars Eriksson", "lars@example.se", "en", "", "mail"},
};

struct DemoReason {
  const char* workflow;
  const char* code;
  const char* en;
  const char* fr;
};

const DemoReason kReasons[] = {
    {"support-request", "delivery", "Delivery", "Livraison"},
    {"support-request", "billing", "Billing", "Facturation"},
    {"support-request", "damaged", "Damaged goods", "Produit endommagé"},
    {"support-request", "account", "Account access", "Accès au compte"},
    {"customer-complaint", "quality", "Product quality", "Qualité produit"},
    {"complaint-investigation", "service", "Service failure", "Défaut de service"},
};

// Response templates for the reasons above, so that "reply with a template" shows something.
struct DemoTemplate {
  const char* name;
  const char* language;
  const char* reason;  // "": fits every reason
  const char* subject;
  const char* body;
};

const DemoTemplate kTemplates[] = {
    {"Late delivery", "en", "delivery", "Your delivery {{ticket.number}}",
     "Hello {{contact.name}},\n\nWe are sorry your order is late. The carrier confirms it will reach you within "
     "three working days; you can follow it from your request: {{portal_url}}\n\n{{agent.signature}}"},
    {"Retard de livraison", "fr", "delivery", "Votre livraison {{ticket.number}}",
     "Bonjour {{contact.name}},\n\nNous sommes désolés du retard de votre commande. Le transporteur confirme une "
     "livraison sous trois jours ouvrés ; vous pouvez suivre votre demande ici : {{portal_url}}\n\n{{agent.signature}}"},
    {"Thank you", "en", "", "About your request {{ticket.number}}",
     "Hello {{contact.name}},\n\nThank you for writing to us.\n\n{{agent.signature}}"},
    {"Merci", "fr", "", "À propos de votre demande {{ticket.number}}",
     "Bonjour {{contact.name}},\n\nMerci de nous avoir écrit.\n\n{{agent.signature}}"},
};

}  // namespace

Result<std::vector<DemoLogin>> seed_demo(service::Context& ctx) {
  std::vector<DemoLogin> logins = {
      {"admin", "admin@demo.redress.example", kPassword},
      {"agent", "alice@demo.redress.example", kPassword},
      {"agent", "bruno@demo.redress.example", kPassword},
      {"viewer", "victor@demo.redress.example", kPassword},
      {"customer", "claire.dubois@example.fr", kPassword},
  };
  auto existing = ctx.db.transact_value<std::optional<domain::User>>(store::TxMode::kRead, [&](store::Connection& c) {
    return store::UserStore(c).find_by_email(logins[0].email);
  });
  if (!existing) return fail(std::move(existing).error());
  if (*existing) return logins;

  auto cli = service::Actor::cli();
  service::AccountService accounts(ctx);
  const char* names[] = {"Ada Admin", "Alice Martin", "Bruno Lefèvre", "Victor Viewer", "Claire Dubois"};
  const char* languages[] = {"en", "en", "fr", "en", "fr"};
  std::vector<domain::User> users;
  for (size_t i = 0; i < logins.size(); ++i) {
    service::NewUser u{logins[i].email, names[i], logins[i].role, i == 1 ? "tickets.release,reports.view" : "",
                       std::string(kPassword), languages[i]};
    users.push_back(REDRESS_TRY(accounts.create_user(cli, u)));
  }
  service::DirectoryService directory(ctx);
  for (const auto& r : kReasons) {
    REDRESS_CHECK(directory.create_reason(cli, {r.workflow, r.code, {{"en", r.en}, {"fr", r.fr}}, true}));
  }
  service::TemplateService templates(ctx);
  for (const auto& tm : kTemplates) {
    service::TemplateInput in{tm.name, tm.language, tm.subject, tm.body, std::vector<service::Ref>{}, true};
    if (*tm.reason) in.reasons->push_back(service::Ref{std::nullopt, tm.reason});
    REDRESS_CHECK(templates.create(cli, in));
  }
  for (size_t agent : {size_t{1}, size_t{2}}) {
    service::UserPatch sign;
    sign.signature = std::optional<std::string>(std::string(names[agent]) + "\nCustomer service");
    REDRESS_CHECK(accounts.update_user(cli, users[agent].id, sign));
  }
  service::TicketService tickets(ctx);
  // Three rounds over the samples make a few dozen tickets with varied numbers.
  for (int round = 0; round < 3; ++round) {
    for (size_t i = 0; i < std::size(kTickets); ++i) {
      const auto& d = kTickets[i];
      service::NewTicket t;
      t.workflow = d.workflow;
      t.subject = round == 0 ? d.subject : std::string(d.subject) + " (" + std::to_string(round + 1) + ")";
      t.description = d.description;
      t.channel = d.channel;
      t.contacts.push_back({std::nullopt, std::string(d.contact_email), std::string(d.contact_name), std::nullopt,
                            std::string(d.language), true});
      if (*d.reason) t.reason = service::Ref{std::nullopt, d.reason};
      if (std::string(d.workflow) == "customer-complaint" && round > 0)
        t.assignees["team_member"] = service::Ref{users[1 + (i % 2)].id, ""};
      if (std::string(d.workflow) == "complaint-investigation")
        t.assignees["investigator"] = service::Ref{users[1 + (round % 2)].id, ""};
      t.customer = service::Ref{std::nullopt, i % 3 == 0 ? "Maison Dubois SARL" : "Northwind Traders"};
      auto actor = service::Actor::of(users[1 + (i % 2)]);
      auto made = REDRESS_TRY(tickets.create(actor, t));
      // Move some tickets along their workflow so the desk shows every kind of status.
      const std::string key = std::to_string(made.ticket.id);
      service::TransitionService transitions(ctx);
      auto step = [&](const service::Actor& who, const std::string& id, nlohmann::json fields = nlohmann::json::object(),
                      std::string note = "") -> Result<void> {
        REDRESS_CHECK(transitions.run(who, key, {id, std::move(note), std::move(fields), {}}));
        return {};
      };
      const std::string wf = d.workflow;
      if (wf == "support-request" && round >= 1) {
        REDRESS_CHECK(step(actor, "open"));
        if (round == 2 && i % 2 == 0) {
          REDRESS_CHECK(step(actor, "postpone", {{"reopen_at", format_rfc3339(ctx.clock.now() + std::chrono::days(3))}}));
        }
      } else if (wf == "customer-complaint" && round >= 1) {
        REDRESS_CHECK(step(actor, "assign"));
        if (round == 2) REDRESS_CHECK(step(actor, "accept"));  // the team member is the creating agent
      } else if (wf == "complaint-investigation" && round >= 1) {
        REDRESS_CHECK(step(service::Actor::of(users[1 + (round % 2)]), "investigate"));
      }
    }
  }
  return logins;
}

}  // namespace redress::app
