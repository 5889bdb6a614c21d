#include "app/cli.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <string>

#include <unistd.h>

#include "app/generate.h"
#include "app/import_reviews.h"
#include "app/runtime.h"
#include "app/mailgate.h"
#include "app/serve.h"
#include "core/log.h"
#include "service/account_service.h"

namespace redress::app {
namespace {

struct CommonFlags {
  std::string config;
  std::string db;
};

void add_common(CLI::App* cmd, CommonFlags& flags) {
  cmd->add_option("--config", flags.config, "TOML settings file")->check(CLI::ExistingFile);
  cmd->add_option("--db", flags.db, "database URL: sqlite:PATH or postgresql://...");
}

// Settings from file and environment, then flags on top.
Result<Settings> settings_from(const CommonFlags& flags) {
  auto s = REDRESS_TRY(load_settings(flags.config));
  if (!flags.db.empty()) s.database.url = flags.db;
  return s;
}

int report(const Error& e) {
  std::cerr << "redress: " << e.message;
  // Name every offending field, unless the message already does (Error::invalid_field).
  for (const auto& [field, why] : e.fields) {
    if (e.message.find(field + ": " + why) == std::string::npos) std::cerr << "; " << field << ": " << why;
  }
  std::cerr << "\n";
  return e.code == ErrorCode::kInvalid || e.code == ErrorCode::kConflict ? 2 : 1;
}

}  // namespace

int run_cli(int argc, char** argv) {
  CLI::App app{"Redress: customer complaints and support requests"};
  app.require_subcommand(1);
  CommonFlags common;

  auto* serve_cmd = app.add_subcommand("serve", "run the API, web UI and workers");
  add_common(serve_cmd, common);
  std::string listen, base_url, smtp;
  bool dev_clock = false, demo = false;
  serve_cmd->add_option("--listen", listen, "HOST:PORT to listen on (default 127.0.0.1:8080)");
  serve_cmd->add_option("--base-url", base_url, "public URL, used in links");
  serve_cmd->add_option("--smtp", smtp, "SMTP server URL for outgoing mail");
  serve_cmd->add_flag("--dev-clock", dev_clock, "allow admins to move the clock (tests only)");
  serve_cmd->add_flag("--demo", demo, "seed demo accounts and tickets");

  auto* migrate_cmd = app.add_subcommand("migrate", "apply schema migrations");
  add_common(migrate_cmd, common);

  auto* mailgate_cmd = app.add_subcommand("mailgate", "hand one mail from standard input to a server (for an MTA pipe)");
  add_common(mailgate_cmd, common);
  MailgateOptions mailgate;
  mailgate_cmd->add_option("--url", mailgate.url, "the server's URL, e.g. http://127.0.0.1:8080")->required();
  mailgate_cmd->add_option("--token-file", mailgate.token_file, "file holding an API token with the mail.intake right")
      ->required();
  mailgate_cmd->add_option("--mailbox", mailgate.mailbox, "the configured mailbox the mail arrived in");
  mailgate_cmd->add_option("--timeout", mailgate.timeout_seconds, "seconds to wait for the server");

  auto* user_cmd = app.add_subcommand("user", "manage accounts");
  user_cmd->require_subcommand(1);
  auto* user_add = user_cmd->add_subcommand("add", "create an account");
  add_common(user_add, common);
  service::NewUser new_user;
  bool password_stdin = false;
  user_add->add_option("--email", new_user.email, "login email")->required();
  user_add->add_option("--name", new_user.name, "full name")->required();
  user_add->add_option("--role", new_user.role, "admin, agent, viewer or customer")
      ->required()
      ->check(CLI::IsMember({"admin", "agent", "viewer", "customer"}));
  user_add->add_option("--rights", new_user.rights, "extra named rights, comma-separated");
  user_add->add_option("--language", new_user.language, "preferred language (en, fr, ...)");
  user_add->add_flag("--password-stdin", password_stdin, "read the password from standard input");

  auto* user_token = user_cmd->add_subcommand("token", "print a new API token for an account");
  add_common(user_token, common);
  std::string token_email, token_label = "cli";
  user_token->add_option("--email", token_email, "the account's email")->required();
  user_token->add_option("--label", token_label, "what the token is for");

  auto* import_cmd = app.add_subcommand("import", "bulk import from CSV");
  import_cmd->require_subcommand(1);
  auto* import_reviews_cmd = import_cmd->add_subcommand("reviews", "reviews from a feedback platform's CSV export");
  add_common(import_reviews_cmd, common);
  ImportOptions import_options;
  import_reviews_cmd->add_option("FILE", import_options.file, "CSV with a header row")->required();
  import_reviews_cmd->add_option("--source", import_options.source, "the [[review_sources]] name")->required();

  auto* generate_cmd = app.add_subcommand("generate", "fill the database with generated tickets (benchmarks, trials)");
  add_common(generate_cmd, common);
  GenerateOptions generate_options;
  generate_cmd->add_option("--tickets", generate_options.tickets, "how many tickets to add")->required();
  generate_cmd->add_option("--seed", generate_options.seed, "random seed: the same seed makes the same data");
  generate_cmd->add_option("--agents", generate_options.agents, "agents sharing the tickets (default 20)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // CLI11 checks for a missing subcommand before it complains about leftover words, so
    // a misspelt subcommand would be reported as missing; name it instead.
    auto extra = app.remaining(true);
    bool no_subcommand = app.get_subcommands().empty() || (user_cmd->parsed() && user_cmd->get_subcommands().empty()) ||
                         (import_cmd->parsed() && import_cmd->get_subcommands().empty());
    if (dynamic_cast<const CLI::RequiredError*>(&e) && no_subcommand && !extra.empty()) {
      std::cerr << "redress: unknown command '" << extra.front() << "' (see redress --help)\n";
      return 2;
    }
    std::cerr << "redress: " << e.what() << " (see redress --help)\n";
    // An MTA bounces mail on any other code than 75: a mistyped pipe must not lose it.
    return mailgate_cmd->parsed() ? kExitTempFail : 2;
  }

  if (*mailgate_cmd) return run_mailgate(mailgate, std::cin, std::cerr);

  auto settings = settings_from(common);
  if (!settings) return report(settings.error());
  log::configure(settings->log.level, settings->log.format == "json");

  if (*serve_cmd) {
    if (!listen.empty()) settings->server.listen = listen;
    if (!base_url.empty()) settings->server.base_url = base_url;
    if (dev_clock) settings->server.dev_clock = true;
    if (!smtp.empty()) settings->mail.smtp_url = smtp;
    return serve(*settings, ServeOptions{demo});
  }

  auto rt = open_runtime(*settings, nullptr, migrate_cmd->parsed());
  if (!rt) return report(rt.error());
  if (migrate_cmd->parsed()) return 0;

  if (user_add->parsed()) {
    if (password_stdin) {
      std::string pw;
      std::getline(std::cin, pw);
      if (!pw.empty() && pw.back() == '\r') pw.pop_back();
      new_user.password = pw;
    }
    auto user = service::AccountService(*(*rt)->context).create_user(service::Actor::cli(), new_user);
    if (!user) return report(user.error());
    std::cout << "created " << domain::to_string(user->role) << " " << user->email << " (id " << user->id << ")\n";
    return 0;
  }
  if (user_token->parsed()) {
    auto token = service::AccountService(*(*rt)->context).create_token(service::Actor::cli(), token_email, token_label);
    if (!token) return report(token.error());
    std::cout << *token << "\n";
    return 0;
  }
  if (generate_cmd->parsed()) {
    generate_options.progress_bar = isatty(STDERR_FILENO) != 0;
    auto sum = generate(**rt, generate_options, std::cerr);
    if (!sum) return report(sum.error());
    std::printf("generated %lld tickets, %lld contacts, %lld messages, %lld history events in %.1f s (%.0f tickets/s)\n",
                static_cast<long long>(sum->tickets), static_cast<long long>(sum->contacts),
                static_cast<long long>(sum->messages), static_cast<long long>(sum->events), sum->seconds,
                static_cast<double>(sum->tickets) / std::max(sum->seconds, 1e-3));
    return 0;
  }
  if (import_reviews_cmd->parsed()) {
    import_options.progress_redraw = isatty(STDERR_FILENO) != 0;
    return import_reviews(**rt, import_options, std::cout, std::cerr);
  }
  return 2;
}

}  // namespace redress::app
