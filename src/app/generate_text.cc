#include "app/generate_text.h"

#include <array>
#include <span>
#include <vector>

namespace redress::app::generated {
namespace {

struct Name {
  const char* written;
  const char* ascii;  // for addresses
};

constexpr std::array<Name, 16> kFirstFr = {{{"Claire", "claire"},     {"Éloïse", "eloise"},  {"Hélène", "helene"},
                                            {"François", "francois"}, {"Jean-Pierre", "jp"}, {"Amélie", "amelie"},
                                            {"Léa", "lea"},           {"Mathéo", "matheo"},  {"Chloé", "chloe"},
                                            {"Gaëlle", "gaelle"},     {"Noël", "noel"},      {"Céline", "celine"},
                                            {"Jérôme", "jerome"},     {"Inès", "ines"},      {"Loïc", "loic"},
                                            {"Benoît", "benoit"}}};
constexpr std::array<Name, 12> kLastFr = {{{"Dubois", "dubois"},   {"Lefèvre", "lefevre"}, {"Garnier", "garnier"},
                                           {"Martin", "martin"},   {"Roux", "roux"},       {"Petit", "petit"},
                                           {"Moreau", "moreau"},   {"Fontaine", "fontaine"}, {"Mercier", "mercier"},
                                           {"Bérard", "berard"},   {"Lemaître", "lemaitre"}, {"Château", "chateau"}}};
constexpr std::array<Name, 16> kFirstEn = {{{"Tom", "tom"},     {"Priya", "priya"},   {"Grace", "grace"},
                                            {"Ahmed", "ahmed"}, {"Olivia", "olivia"}, {"Lars", "lars"},
                                            {"Marta", "marta"}, {"James", "james"},   {"Aisha", "aisha"},
                                            {"Noah", "noah"},   {"Emily", "emily"},   {"Kenji", "kenji"},
                                            {"Sofia", "sofia"}, {"Daniel", "daniel"}, {"Zoe", "zoe"},
                                            {"Oliver", "oliver"}}};
constexpr std::array<Name, 12> kLastEn = {{{"Baker", "baker"},     {"Natarajan", "natarajan"}, {"Hopper", "hopper"},
                                           {"Benali", "benali"},   {"Chen", "chen"},           {"Eriksson", "eriksson"},
                                           {"Kowalska", "kowalska"}, {"O'Brien", "obrien"},    {"Patel", "patel"},
                                           {"Walker", "walker"},   {"Okafor", "okafor"},       {"Schmidt", "schmidt"}}};

constexpr std::array<const char*, 12> kCompanyWords = {"Northwind", "Maison", "Atelier", "Bluewater", "Les Jardins",
                                                       "Harbour",   "Boulangerie", "Redwood", "Comptoir", "Summit",
                                                       "Fromagerie", "Kestrel"};
constexpr std::array<const char*, 6> kCompanyKinds = {"Traders", "SARL", "Logistics", "& Fils", "Ltd", "SAS"};

template <typename T>
const T& pick(Rng& rng, std::span<const T> items) {
  return items[std::uniform_int_distribution<size_t>(0, items.size() - 1)(rng)];
}

template <typename T, size_t N>
const T& pick(Rng& rng, const std::array<T, N>& items) {
  return pick(rng, std::span<const T>(items));
}

// Per reason and language: subjects, then sentences a customer writes. "{o}" is the order.
struct Topic {
  const char* reason;
  std::vector<const char*> subjects_en, subjects_fr, sentences_en, sentences_fr;
};

const std::vector<Topic>& topics() {
  static const std::vector<Topic> kTopics = {
      {"delivery",
       {"Where is my order {o}?", "Parcel {o} has not arrived", "Delivery left at the wrong address",
        "Tracking for order {o} shows nothing new"},
       {"Où en est ma commande {o} ?", "Colis {o} toujours pas livré", "Livraison à la mauvaise adresse",
        "Suivi de la commande {o} bloqué"},
       {"My parcel for order {o} has not arrived yet.", "Tracking says delivered, but nothing reached us.",
        "The carrier left a note but never came back.", "I was promised delivery within three days, it has been ten.",
        "The parcel went to my neighbour's address instead."},
       {"Mon colis pour la commande {o} n'est toujours pas arrivé.",
        "Le suivi indique livré, mais nous n'avons rien reçu.", "Le transporteur a laissé un avis sans repasser.",
        "On m'avait promis une livraison sous trois jours, cela fait dix jours.",
        "Le colis a été déposé chez un voisin que je ne connais pas."}},
      {"billing",
       {"Invoice {o} shows the wrong VAT number", "Charged twice for order {o}", "Refund not received",
        "Please send the invoice for order {o}"},
       {"Facture {o} : mauvais numéro de TVA", "Prélevé deux fois pour la commande {o}", "Remboursement non reçu",
        "Demande de facture pour la commande {o}"},
       {"Our VAT number changed in March, please reissue invoice {o}.",
        "I see two identical charges on my card statement.", "The refund you announced never reached my account.",
        "Our accountant needs the invoice for order {o} before the end of the month."},
       {"Notre numéro de TVA a changé en mars, merci de rééditer la facture {o}.",
        "Je vois deux prélèvements identiques sur mon relevé.", "Le remboursement annoncé n'est jamais arrivé.",
        "Notre comptable a besoin de la facture de la commande {o} avant la fin du mois."}},
      {"damaged",
       {"Damaged parcel, order {o}", "Broken glasses in my delivery", "Item arrived scratched"},
       {"Colis endommagé, commande {o}", "Verres cassés à la livraison", "Article arrivé rayé"},
       {"The box arrived crushed and two glasses were broken.", "The table top has a deep scratch along the edge.",
        "I attach photos of the damaged packaging for order {o}."},
       {"Le carton est arrivé écrasé, deux verres cassés.", "Le plateau de la table a une rayure profonde.",
        "Je joins des photos de l'emballage abîmé pour la commande {o}."}},
      {"account",
       {"Cannot reset my password", "Locked out of my account", "Change the email address of my account"},
       {"Impossible de réinitialiser mon mot de passe", "Compte bloqué", "Changer l'adresse mail de mon compte"},
       {"The reset link says it expired straight away.", "After three attempts my account was locked.",
        "I no longer use my old address, please change it."},
       {"Le lien de réinitialisation dit qu'il a expiré tout de suite.",
        "Après trois essais mon compte a été bloqué.", "Je n'utilise plus mon ancienne adresse, merci de la changer."}},
      {"quality",
       {"Product not as described", "Rude driver at delivery", "The colour does not match the picture"},
       {"Produit non conforme à la description", "Livreur impoli", "La couleur ne correspond pas à la photo"},
       {"The colour does not match the picture at all.", "The driver shouted at my elderly mother.",
        "The fabric feels much thinner than the sample we were sent."},
       {"La couleur ne correspond pas du tout à la photo.", "Le livreur a crié sur ma mère âgée.",
        "Le tissu est bien plus fin que l'échantillon reçu."}},
      {"service",
       {"Repeated late deliveries to our warehouse", "No answer from after-sales", "Damaged pallets from the depot"},
       {"Retards répétés à notre entrepôt", "Qualité du service après-vente", "Palettes abîmées au dépôt"},
       {"This is the fifth late delivery this month.", "Three calls to after-sales went unanswered this week.",
        "Pallets keep arriving with broken corners."},
       {"C'est le cinquième retard de livraison ce mois-ci.", "Trois appels au service après-vente sans réponse.",
        "Les palettes arrivent encore avec les coins cassés."}},
  };
  return kTopics;
}

const Topic& topic_of(Rng& rng, const std::string& reason) {
  for (const auto& t : topics()) {
    if (reason == t.reason) return t;
  }
  return pick(rng, std::span<const Topic>(topics()));
}

std::string with_order(std::string text, int64_t order) {
  const std::string mark = "{o}";
  for (auto at = text.find(mark); at != std::string::npos; at = text.find(mark, at)) {
    text.replace(at, mark.size(), std::to_string(order));
  }
  return text;
}

const std::vector<const char*> kClosingEn = {"Thank you for your help.", "Kind regards.", "Please call me back.",
                                             "This is urgent for us.", "Best wishes."};
const std::vector<const char*> kClosingFr = {"Merci de votre aide.", "Cordialement.", "Merci de me rappeler.",
                                             "C'est urgent pour nous.", "Bien à vous."};
const std::vector<const char*> kRepliesEn = {
    "We are sorry for the trouble. We have asked the carrier to look into it and will come back to you within two "
    "working days.",
    "Thank you for your patience. A replacement has been sent today and should reach you this week.",
    "We have issued a corrected invoice; you will find it in your customer area.",
    "Could you send us a photo of the label on the parcel? It will help us file the claim.",
    "The refund has been approved and will appear on your statement within five days."};
const std::vector<const char*> kRepliesFr = {
    "Nous sommes désolés pour ce désagrément. Nous avons demandé au transporteur une enquête et revenons vers vous "
    "sous deux jours ouvrés.",
    "Merci de votre patience. Un remplacement est parti aujourd'hui et devrait arriver cette semaine.",
    "Nous avons émis une facture rectifiée, disponible dans votre espace client.",
    "Pourriez-vous nous envoyer une photo de l'étiquette du colis ? Elle nous aidera pour la réclamation.",
    "Le remboursement est validé et apparaîtra sur votre relevé sous cinq jours."};
const std::vector<const char*> kNotesEn = {"Called the carrier: investigation opened.",
                                           "Customer is a key account, handle with care.",
                                           "Checked the warehouse log, the parcel left on time.",
                                           "Waiting for the supplier's answer.", "Refund approved by finance."};
const std::vector<const char*> kNotesFr = {"Appel au transporteur : enquête ouverte.",
                                           "Client important, à traiter avec soin.",
                                           "Vérifié le journal de l'entrepôt, le colis est parti à l'heure.",
                                           "En attente de la réponse du fournisseur.",
                                           "Remboursement validé par la comptabilité."};

}  // namespace

Person person(int64_t id) {
  Rng rng(static_cast<uint64_t>(id) * 0x9E3779B97F4A7C15ULL);
  const bool fr = std::uniform_int_distribution<int>(0, 99)(rng) < 45;
  const Name& first = fr ? pick(rng, kFirstFr) : pick(rng, kFirstEn);
  const Name& last = fr ? pick(rng, kLastFr) : pick(rng, kLastEn);
  Person p;
  p.name = std::string(first.written) + " " + last.written;
  p.email = std::string(first.ascii) + "." + last.ascii + "." + std::to_string(id) + (fr ? "@example.fr" : "@example.com");
  p.language = fr ? "fr" : "en";
  return p;
}

std::string company(int64_t id) {
  Rng rng(static_cast<uint64_t>(id) * 0xC2B2AE3D27D4EB4FULL);
  return std::string(pick(rng, kCompanyWords)) + " " + pick(rng, kCompanyKinds) + " " + std::to_string(id);
}

std::string subject(Rng& rng, const std::string& reason, const std::string& language, int64_t order) {
  const Topic& t = topic_of(rng, reason);
  return with_order(language == "fr" ? pick(rng, std::span<const char* const>(t.subjects_fr))
                                     : pick(rng, std::span<const char* const>(t.subjects_en)),
                    order);
}

std::string customer_message(Rng& rng, const std::string& reason, const std::string& language, int64_t order) {
  const Topic& t = topic_of(rng, reason);
  const bool fr = language == "fr";
  const auto& sentences = fr ? t.sentences_fr : t.sentences_en;
  std::string out = fr ? "Bonjour,\n\n" : "Hello,\n\n";
  const int count = std::uniform_int_distribution<int>(1, 3)(rng);
  for (int i = 0; i < count; ++i) {
    out += with_order(pick(rng, std::span<const char* const>(sentences)), order);
    out += ' ';
  }
  out += "\n\n";
  out += pick(rng, std::span<const char* const>(fr ? kClosingFr : kClosingEn));
  return out;
}

std::string agent_reply(Rng& rng, const std::string& language, const std::string& customer_name,
                        const std::string& agent_name) {
  const bool fr = language == "fr";
  return std::string(fr ? "Bonjour " : "Hello ") + customer_name + ",\n\n" +
         pick(rng, std::span<const char* const>(fr ? kRepliesFr : kRepliesEn)) + "\n\n" + agent_name +
         (fr ? "\nService client" : "\nCustomer service");
}

std::string internal_note(Rng& rng, const std::string& language) {
  return pick(rng, std::span<const char* const>(language == "fr" ? kNotesFr : kNotesEn));
}

}  // namespace redress::app::generated
