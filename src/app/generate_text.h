#pragma once
// The words of generated tickets (redress generate): people, companies and what customers
// and agents write, in English and French, by reason. Varied enough that full-text search
// meets common words ("parcel", "commande"), rarer ones and unique ones (order numbers,
// names), as it does on a real desk.
#include <cstdint>
#include <random>
#include <string>

namespace redress::app::generated {

using Rng = std::mt19937_64;

struct Person {
  std::string name;   // as written, with accents
  std::string email;  // unique: the contact id is part of it
  std::string language;
};

// Contact number id, always the same person for the same id (so a contact can be written
// again on a later ticket without remembering every one generated).
Person person(int64_t id);
std::string company(int64_t id);

// What a ticket about reason (a reason code of the demo data, or "") says.
std::string subject(Rng& rng, const std::string& reason, const std::string& language, int64_t order);
std::string customer_message(Rng& rng, const std::string& reason, const std::string& language, int64_t order);
std::string agent_reply(Rng& rng, const std::string& language, const std::string& customer_name,
                        const std::string& agent_name);
std::string internal_note(Rng& rng, const std::string& language);

}  // namespace redress::app::generated
