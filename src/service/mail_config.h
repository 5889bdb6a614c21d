#pragma once
// What the mail services need, resolved once at start: settings, the signing secret
// shared by every node (from the settings or the database), our own addresses, templates.
#include <set>
#include <string>
#include <vector>

#include "core/config.h"
#include "mail/parse.h"
#include "notify/templates.h"
#include "store/database.h"

namespace redress::service {

struct MailConfig {
  MailSettings settings;
  std::vector<MailboxSettings> mailboxes;
  std::string secret;  // signs our Message-IDs
  std::string domain;  // of our Message-IDs
  std::set<std::string> own_addresses;  // lower-cased: never auto-answered
  std::string base_url;                 // for links in alerts
  notify::MailTemplates templates{""};

  mail::Address from() const { return mail::Address{settings.from_name, settings.from_address}; }
  // Where the customer reads a request in the portal: mails and response templates link it.
  std::string portal_url(const std::string& ticket_number) const { return base_url + "/portal/tickets/" + ticket_number; }
  // nullptr when no mailbox has that name.
  const MailboxSettings* mailbox(const std::string& name) const;
  // Per-mailbox settings over the [mail] defaults.
  std::string workflow_for(const MailboxSettings* mailbox) const;
  bool acknowledge_for(const MailboxSettings* mailbox) const;

  // Resolves the secret (generating and storing one when the settings have none).
  static Result<MailConfig> load(const Settings& settings, store::Database& db);
};

}  // namespace redress::service
