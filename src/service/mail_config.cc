#include "service/mail_config.h"

#include "core/crypto.h"
#include "domain/validation.h"
#include "store/mail_store.h"

namespace redress::service {

const MailboxSettings* MailConfig::mailbox(const std::string& name) const {
  for (const auto& m : mailboxes) {
    if (m.name == name) return &m;
  }
  return nullptr;
}

std::string MailConfig::workflow_for(const MailboxSettings* m) const {
  return m && !m->workflow.empty() ? m->workflow : settings.default_workflow;
}

bool MailConfig::acknowledge_for(const MailboxSettings* m) const {
  return m && m->acknowledge ? *m->acknowledge : settings.acknowledge;
}

Result<MailConfig> MailConfig::load(const Settings& s, store::Database& db) {
  MailConfig out;
  out.settings = s.mail;
  out.mailboxes = s.mailboxes;
  out.templates = notify::MailTemplates(s.mail.templates_dir);
  out.base_url = s.server.base_url.empty() ? "http://" + s.server.listen : s.server.base_url;
  const std::string from = domain::lower_ascii(s.mail.from_address);
  out.domain = s.mail.message_id_domain.empty() ? from.substr(from.find('@') + 1) : s.mail.message_id_domain;
  out.own_addresses.insert(from);
  for (const auto& m : s.mailboxes) {
    if (!m.address.empty()) out.own_addresses.insert(domain::lower_ascii(m.address));
  }
  std::string_view rest = s.mail.own_addresses;
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    const std::string one = domain::trim(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    if (!one.empty()) out.own_addresses.insert(domain::lower_ascii(one));
  }
  if (!s.mail.secret.empty()) {
    out.secret = s.mail.secret;
  } else {
    // Generated once; every node of a cluster then signs and verifies with the same key.
    out.secret = REDRESS_TRY(db.transact_value<std::string>(store::TxMode::kWrite, [](store::Connection& c) {
      return store::MailStore(c).secret("message_id_hmac", crypto::random_token(32));
    }));
  }
  return out;
}

}  // namespace redress::service
