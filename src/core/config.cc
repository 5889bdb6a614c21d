#include "core/config.h"

#include <cctype>
#include <charconv>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <toml.hpp>
#include <vector>

namespace redress {
namespace {

enum class Kind { kString, kInt, kBool };

struct Setting {
  const char* section;
  const char* key;
  Kind kind;
  std::function<void(Settings&, const std::string&)> set_string;
  std::function<void(Settings&, int64_t)> set_int;
  std::function<void(Settings&, bool)> set_bool;
};


const std::vector<Setting>& settings_table() {
  static const std::vector<Setting> table = {
      {"server", "listen", Kind::kString, [](Settings& s, const std::string& v) { s.server.listen = v; }, {}, {}},
      {"server", "base_url", Kind::kString, [](Settings& s, const std::string& v) { s.server.base_url = v; }, {}, {}},
      {"server", "threads", Kind::kInt, {}, [](Settings& s, int64_t v) { s.server.threads = static_cast<int>(v); }, {}},
      {"server", "max_body_bytes", Kind::kInt, {}, [](Settings& s, int64_t v) { s.server.max_body_bytes = v; }, {}},
      {"server", "max_header_bytes", Kind::kInt, {}, [](Settings& s, int64_t v) { s.server.max_header_bytes = v; }, {}},
      {"server", "read_timeout_seconds", Kind::kInt, {},
       [](Settings& s, int64_t v) { s.server.read_timeout_seconds = static_cast<int>(v); }, {}},
      {"server", "shutdown_grace_seconds", Kind::kInt, {},
       [](Settings& s, int64_t v) { s.server.shutdown_grace_seconds = static_cast<int>(v); }, {}},
      {"server", "dev_clock", Kind::kBool, {}, {}, [](Settings& s, bool v) { s.server.dev_clock = v; }},
      {"database", "url", Kind::kString, [](Settings& s, const std::string& v) { s.database.url = v; }, {}, {}},
      {"database", "pool_size", Kind::kInt, {},
       [](Settings& s, int64_t v) { s.database.pool_size = static_cast<int>(v); }, {}},
      {"tickets", "number_format", Kind::kString,
       [](Settings& s, const std::string& v) { s.tickets.number_format = v; }, {}, {}},
      {"auth", "session_ttl_hours", Kind::kInt, {},
       [](Settings& s, int64_t v) { s.auth.session_ttl_hours = static_cast<int>(v); }, {}},
      {"auth", "session_idle_minutes", Kind::kInt, {},
       [](Settings& s, int64_t v) { s.auth.session_idle_minutes = static_cast<int>(v); }, {}},
      {"auth", "login_attempts_per_minute", Kind::kInt, {},
       [](Settings& s, int64_t v) { s.auth.login_attempts_per_minute = static_cast<int>(v); }, {}},
      {"auth", "password_cost", Kind::kString,
       [](Settings& s, const std::string& v) { s.auth.password_cost = v; }, {}, {}},
      {"auth", "secure_cookies", Kind::kBool, {}, {}, [](Settings& s, bool v) { s.auth.secure_cookies = v; }},
      {"workflows", "directory", Kind::kString,
       [](Settings& s, const std::string& v) { s.workflows.directory = v; }, {}, {}},
      {"mail", "from_address", Kind::kString, [](Settings& s, const std::string& v) { s.mail.from_address = v; }, {}, {}},
      {"mail", "from_name", Kind::kString, [](Settings& s, const std::string& v) { s.mail.from_name = v; }, {}, {}},
      {"mail", "own_addresses", Kind::kString, [](Settings& s, const std::string& v) { s.mail.own_addresses = v; }, {}, {}},
      {"mail", "secret", Kind::kString, [](Settings& s, const std::string& v) { s.mail.secret = v; }, {}, {}},
      {"mail", "message_id_domain", Kind::kString,
       [](Settings& s, const std::string& v) { s.mail.message_id_domain = v; }, {}, {}},
      {"mail", "smtp_url", Kind::kString, [](Settings& s, const std::string& v) { s.mail.smtp_url = v; }, {}, {}},
      {"mail", "smtp_username", Kind::kString, [](Settings& s, const std::string& v) { s.mail.smtp_username = v; }, {}, {}},
      {"mail", "smtp_password", Kind::kString, [](Settings& s, const std::string& v) { s.mail.smtp_password = v; }, {}, {}},
      {"mail", "smtp_starttls", Kind::kString, [](Settings& s, const std::string& v) { s.mail.smtp_starttls = v; }, {}, {}},
      {"mail", "smtp_timeout_seconds", Kind::kInt, {},
       [](Settings& s, int64_t v) { s.mail.smtp_timeout_seconds = static_cast<int>(v); }, {}},
      {"mail", "auto_replies_per_sender_per_day", Kind::kInt, {},
       [](Settings& s, int64_t v) { s.mail.auto_replies_per_sender_per_day = static_cast<int>(v); }, {}},
      {"mail", "action_link_days", Kind::kInt, {},
       [](Settings& s, int64_t v) { s.mail.action_link_days = static_cast<int>(v); }, {}},
      {"mail", "templates_dir", Kind::kString, [](Settings& s, const std::string& v) { s.mail.templates_dir = v; }, {}, {}},
      {"mail", "max_message_bytes", Kind::kInt, {}, [](Settings& s, int64_t v) { s.mail.max_message_bytes = v; }, {}},
      {"mail", "default_workflow", Kind::kString,
       [](Settings& s, const std::string& v) { s.mail.default_workflow = v; }, {}, {}},
      {"mail", "acknowledge", Kind::kBool, {}, {}, [](Settings& s, bool v) { s.mail.acknowledge = v; }},
      {"queue", "taker_inactive_hours", Kind::kInt, {},
       [](Settings& s, int64_t v) { s.queue.taker_inactive_hours = static_cast<int>(v); }, {}},
      {"messages", "max_length", Kind::kInt, {}, [](Settings& s, int64_t v) { s.messages.max_length = v; }, {}},
      {"attachments", "max_upload_bytes", Kind::kInt, {},
       [](Settings& s, int64_t v) { s.messages.max_upload_bytes = v; }, {}},
      {"portal", "attachments", Kind::kBool, {}, {}, [](Settings& s, bool v) { s.messages.portal_attachments = v; }},
      {"attachments", "refused_extensions", Kind::kString,
       [](Settings& s, const std::string& v) { s.messages.refused_extensions = v; }, {}, {}},
      {"messages", "author_display", Kind::kString,
       [](Settings& s, const std::string& v) { s.messages.author_display = v; }, {}, {}},
      {"messages", "team_name", Kind::kString, [](Settings& s, const std::string& v) { s.messages.team_name = v; }, {}, {}},
      {"messages", "author_text", Kind::kString,
       [](Settings& s, const std::string& v) { s.messages.author_text = v; }, {}, {}},
      {"log", "level", Kind::kString, [](Settings& s, const std::string& v) { s.log.level = v; }, {}, {}},
      {"log", "format", Kind::kString, [](Settings& s, const std::string& v) { s.log.format = v; }, {}, {}},
  };
  return table;
}

const Setting* find_setting(const std::string& section, const std::string& key) {
  for (const auto& s : settings_table()) {
    if (section == s.section && key == s.key) return &s;
  }
  return nullptr;
}

std::string env_name(const Setting& s) {
  std::string name = "REDRESS_";
  for (const char* p : {s.section, "_", s.key}) {
    for (const char* c = p; *c; ++c) name += static_cast<char>(std::toupper(static_cast<unsigned char>(*c)));
  }
  return name;
}

// "section.key" -> where its value came from ("config FILE:LINE" or the variable's name),
// so that a value refused by validate() is reported where the operator can fix it.
using Origins = std::map<std::string, std::string>;

Result<void> apply_env(Settings& settings, EnvLookup env, Origins& origins) {
  for (const auto& s : settings_table()) {
    const std::string name = env_name(s);
    auto value = env(name.c_str());
    if (!value) continue;
    origins[std::string(s.section) + "." + s.key] = name;
    switch (s.kind) {
      case Kind::kString:
        s.set_string(settings, *value);
        break;
      case Kind::kInt: {
        int64_t n = 0;
        auto [ptr, ec] = std::from_chars(value->data(), value->data() + value->size(), n);
        if (ec != std::errc() || ptr != value->data() + value->size())
          return fail(ErrorCode::kInvalid, name + ": expected an integer, got '" + *value + "'");
        s.set_int(settings, n);
        break;
      }
      case Kind::kBool:
        if (*value == "true" || *value == "1") {
          s.set_bool(settings, true);
        } else if (*value == "false" || *value == "0") {
          s.set_bool(settings, false);
        } else {
          return fail(ErrorCode::kInvalid, name + ": expected true or false, got '" + *value + "'");
        }
        break;
    }
  }
  return {};
}

size_t code_points(const std::string& text) {
  size_t n = 0;
  for (char ch : text) n += (static_cast<unsigned char>(ch) & 0xC0) != 0x80;
  return n;
}

Result<void> validate(const Settings& s, const Origins& origins) {
  auto bad = [](const std::string& what) { return fail(ErrorCode::kInvalid, what); };
  auto bad_at = [&](const std::string& key, const std::string& why) {
    auto it = origins.find(key);
    return fail(ErrorCode::kInvalid, (it == origins.end() ? std::string() : it->second + ": ") + key + ": " + why);
  };
  if (s.server.threads < 1 || s.server.threads > 256) return bad("server.threads: must be 1..256");
  if (s.server.max_body_bytes < 1024) return bad("server.max_body_bytes: must be at least 1024");
  if (s.server.max_header_bytes < 1024) return bad("server.max_header_bytes: must be at least 1024");
  if (s.server.read_timeout_seconds < 1) return bad("server.read_timeout_seconds: must be positive");
  if (s.database.pool_size < 1 || s.database.pool_size > 1024) return bad("database.pool_size: must be 1..1024");
  if (s.tickets.number_format.find("{seq") == std::string::npos)
    return bad("tickets.number_format: must contain {seq} or {seq:0N}");
  if (s.auth.session_ttl_hours < 1) return bad("auth.session_ttl_hours: must be positive");
  if (s.auth.session_idle_minutes < 1) return bad("auth.session_idle_minutes: must be positive");
  if (s.auth.password_cost != "interactive" && s.auth.password_cost != "moderate" && s.auth.password_cost != "min")
    return bad("auth.password_cost: must be interactive, moderate or min");
  if (s.log.level != "trace" && s.log.level != "debug" && s.log.level != "info" && s.log.level != "warn" &&
      s.log.level != "error")
    return bad("log.level: must be trace, debug, info, warn or error");
  if (s.log.format != "text" && s.log.format != "json") return bad("log.format: must be text or json");
  if (s.mail.from_address.find('@') == std::string::npos) return bad("mail.from_address: must be an e-mail address");
  if (s.mail.smtp_starttls != "try" && s.mail.smtp_starttls != "require" && s.mail.smtp_starttls != "off")
    return bad("mail.smtp_starttls: must be try, require or off");
  if (s.mail.auto_replies_per_sender_per_day < 0) return bad("mail.auto_replies_per_sender_per_day: must be >= 0");
  if (s.mail.action_link_days < 1 || s.mail.action_link_days > 365)
    return bad("mail.action_link_days: must be between 1 and 365");
  if (s.mail.max_message_bytes < 1024) return bad("mail.max_message_bytes: must be at least 1024");
  if (s.queue.taker_inactive_hours < 0 || s.queue.taker_inactive_hours > 24 * 365)
    return bad("queue.taker_inactive_hours: must be 0..8760");
  const auto& m = s.messages;
  if (m.max_length < 1 || m.max_length > 100'000) return bad_at("messages.max_length", "must be 1..100000");
  if (m.max_upload_bytes < 1024 || m.max_upload_bytes > (int64_t{1} << 30))
    return bad_at("attachments.max_upload_bytes", "must be 1024..1073741824");
  if (m.author_display != "none" && m.author_display != "team" && m.author_display != "full_name" &&
      m.author_display != "custom")
    return bad_at("messages.author_display", "must be none, team, full_name or custom");
  // The name shown to customers must exist when it is the one shown: an empty author
  // would look like a message from nobody.
  if (m.team_name.find_first_not_of(" \t") == std::string::npos && m.author_display == "team")
    return bad_at("messages.team_name", "must not be empty when author_display is team");
  if (code_points(m.team_name) > 200) return bad_at("messages.team_name", "at most 200 characters");
  if (m.author_text.find_first_not_of(" \t") == std::string::npos && m.author_display == "custom")
    return bad_at("messages.author_text", "must not be empty when author_display is custom");
  if (code_points(m.author_text) > 200) return bad_at("messages.author_text", "at most 200 characters");
  return {};
}

// "config FILE:LINE: ", where a value of the file is.
std::string config_at(const std::string& source, const toml::value& v) {
  return "config " + source + ":" + std::to_string(v.location().line()) + ": ";
}

// The tables of an [[array]] of tables (section names it, noun one table in errors),
// each with where it is in the file.
struct Located {
  const toml::table* table;
  std::string where;
};
Result<std::vector<Located>> tables_of(const toml::value& value, const std::string& source,
                                       const std::string& section, const std::string& noun) {
  if (!value.is_array())
    return fail(ErrorCode::kInvalid, config_at(source, value) + section + " must be [[" + section + "]] tables");
  std::vector<Located> out;
  for (const auto& entry : value.as_array()) {
    if (!entry.is_table()) return fail(ErrorCode::kInvalid, config_at(source, entry) + "each " + noun + " must be a table");
    out.push_back(Located{&entry.as_table(), config_at(source, entry)});
  }
  return out;
}

// [[mailboxes]]: an array of tables, each one IMAP mailbox (or a name for the mailgate).
Result<std::vector<MailboxSettings>> parse_mailboxes(const toml::value& value, const std::string& source) {
  const auto tables = REDRESS_TRY(tables_of(value, source, "mailboxes", "mailbox"));
  std::vector<MailboxSettings> out;
  for (const auto& located : tables) {
    const std::string& where = located.where;
    MailboxSettings m;
    for (const auto& [key, v] : *located.table) {
      auto text = [&](std::string& into) -> Result<void> {
        if (!v.is_string()) return fail(ErrorCode::kInvalid, where + "mailboxes." + key + " must be a string");
        into = v.as_string().str;
        return {};
      };
      if (key == "name") REDRESS_CHECK(text(m.name));
      else if (key == "url") REDRESS_CHECK(text(m.url));
      else if (key == "folder") REDRESS_CHECK(text(m.folder));
      else if (key == "username") REDRESS_CHECK(text(m.username));
      else if (key == "password") REDRESS_CHECK(text(m.password));
      else if (key == "password_file") REDRESS_CHECK(text(m.password_file));
      else if (key == "address") REDRESS_CHECK(text(m.address));
      else if (key == "after") REDRESS_CHECK(text(m.after));
      else if (key == "flag") REDRESS_CHECK(text(m.flag));
      else if (key == "move_to") REDRESS_CHECK(text(m.move_to));
      else if (key == "workflow") REDRESS_CHECK(text(m.workflow));
      else if (key == "language") REDRESS_CHECK(text(m.language));
      else if (key == "poll_seconds") {
        if (!v.is_integer()) return fail(ErrorCode::kInvalid, where + "mailboxes.poll_seconds must be an integer");
        m.poll_seconds = static_cast<int>(v.as_integer());
      } else if (key == "acknowledge") {
        if (!v.is_boolean()) return fail(ErrorCode::kInvalid, where + "mailboxes.acknowledge must be true or false");
        m.acknowledge = v.as_boolean();
      } else {
        return fail(ErrorCode::kInvalid, where + "unknown setting mailboxes." + key);
      }
    }
    if (m.name.empty()) return fail(ErrorCode::kInvalid, where + "mailboxes.name is required");
    for (const auto& other : out) {
      if (other.name == m.name) return fail(ErrorCode::kInvalid, where + "mailbox '" + m.name + "' is defined twice");
    }
    if (m.after != "flag" && m.after != "move")
      return fail(ErrorCode::kInvalid, where + "mailboxes.after must be flag or move");
    if (m.poll_seconds < 1) return fail(ErrorCode::kInvalid, where + "mailboxes.poll_seconds must be positive");
    if (!m.language.empty() && (m.language.size() < 2 || m.language.size() > 8 ||
                                m.language.find_first_not_of("abcdefghijklmnopqrstuvwxyz") != std::string::npos))
      return fail(ErrorCode::kInvalid, where + "mailboxes.language must be a language code such as en or fr");
    out.push_back(std::move(m));
  }
  return out;
}

bool is_http_url(const std::string& url) {
  for (const char* scheme : {"http://", "https://"}) {
    const std::string_view prefix(scheme);
    if (url.starts_with(prefix) && url.size() > prefix.size() && url[prefix.size()] != '/') return true;
  }
  return false;
}

bool is_source_name(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  for (char ch : name) {
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '-' && ch != '_' && ch != '.') return false;
  }
  return true;
}

// [[review_sources]]: feedback platforms whose reviews become requests (seed 004).
Result<std::vector<ReviewSourceSettings>> parse_review_sources(const toml::value& value, const std::string& source) {
  const auto tables = REDRESS_TRY(tables_of(value, source, "review_sources", "review source"));
  std::vector<ReviewSourceSettings> out;
  for (const auto& located : tables) {
    const std::string& where = located.where;
    auto bad = [&](const std::string& why) { return fail(ErrorCode::kInvalid, where + "review_sources." + why); };
    ReviewSourceSettings r;
    const std::map<std::string, std::string*> texts = {
        {"name", &r.name},         {"token", &r.token},         {"workflow", &r.workflow},
        {"language", &r.language}, {"reply_url", &r.reply_url}, {"reply_secret", &r.reply_secret}};
    for (const auto& [key, v] : *located.table) {
      if (auto text = texts.find(key); text != texts.end()) {
        if (!v.is_string()) return bad(key + " must be a string");
        *text->second = v.as_string().str;
      } else if (key == "reply_timeout_seconds") {
        if (!v.is_integer()) return bad("reply_timeout_seconds must be an integer");
        r.reply_timeout_seconds = static_cast<int>(v.as_integer());
      } else {
        return fail(ErrorCode::kInvalid, where + "unknown setting review_sources." + key);
      }
    }
    if (r.name.empty()) return bad("name is required");
    if (!is_source_name(r.name)) return bad("name must be 1 to 64 letters, digits, '-', '_' or '.'");
    for (const auto& other : out) {
      if (other.name == r.name)
        return fail(ErrorCode::kInvalid, where + "review source '" + r.name + "' is defined twice");
    }
    // The token is all that stands between the Internet and new requests.
    if (r.token.size() < 16) return bad("token is required, at least 16 characters");
    if (r.workflow.empty()) return bad("workflow must not be empty");
    if (r.language.size() < 2 || r.language.size() > 8 ||
        r.language.find_first_not_of("abcdefghijklmnopqrstuvwxyz") != std::string::npos)
      return bad("language must be a language code such as en or fr");
    if (!r.reply_url.empty() && !is_http_url(r.reply_url)) return bad("reply_url must be an http:// or https:// URL");
    if (!r.reply_url.empty() && r.reply_secret.empty()) return bad("reply_secret is required with reply_url");
    if (r.reply_timeout_seconds < 1 || r.reply_timeout_seconds > 300)
      return bad("reply_timeout_seconds must be 1..300");
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace

std::optional<std::string> process_env(const char* name) {
  const char* v = std::getenv(name);
  if (!v) return std::nullopt;
  return std::string(v);
}

Result<Settings> parse_settings(const std::string& toml_text, const std::string& source, EnvLookup env) {
  Settings settings;
  Origins origins;
  if (!toml_text.empty()) {
    toml::value root;
    try {
      std::istringstream in(toml_text);
      root = toml::parse(in, source);
    } catch (const std::exception& e) {
      // toml11 messages span several lines; the first names file and line.
      std::string msg = e.what();
      std::string first = msg.substr(0, msg.find('\n'));
      auto at = msg.find("--> ");
      if (at != std::string::npos) first += " (" + msg.substr(at + 4, msg.find('\n', at) - at - 4) + ")";
      return fail(ErrorCode::kInvalid, "config " + source + ": " + first);
    }
    if (!root.is_table()) return fail(ErrorCode::kInvalid, "config " + source + ": not a TOML table");
    for (const auto& [section, table] : root.as_table()) {
      if (section == "mailboxes") {
        settings.mailboxes = REDRESS_TRY(parse_mailboxes(table, source));
        continue;
      }
      if (section == "review_sources") {
        settings.review_sources = REDRESS_TRY(parse_review_sources(table, source));
        continue;
      }
      if (!table.is_table())
        return fail(ErrorCode::kInvalid, "config " + source + ": '" + section + "' must be a [section]");
      for (const auto& [key, value] : table.as_table()) {
        const Setting* s = find_setting(section, key);
        const std::string where = "config " + source + ":" + std::to_string(value.location().line()) + ": ";
        if (!s) return fail(ErrorCode::kInvalid, where + "unknown setting " + section + "." + key);
        origins[section + "." + key] = "config " + source + ":" + std::to_string(value.location().line());
        switch (s->kind) {
          case Kind::kString:
            if (!value.is_string())
              return fail(ErrorCode::kInvalid, where + section + "." + key + " must be a string");
            s->set_string(settings, value.as_string().str);
            break;
          case Kind::kInt:
            if (!value.is_integer())
              return fail(ErrorCode::kInvalid, where + section + "." + key + " must be an integer");
            s->set_int(settings, value.as_integer());
            break;
          case Kind::kBool:
            if (!value.is_boolean())
              return fail(ErrorCode::kInvalid, where + section + "." + key + " must be true or false");
            s->set_bool(settings, value.as_boolean());
            break;
        }
      }
    }
  }
  REDRESS_CHECK(apply_env(settings, env, origins));
  REDRESS_CHECK(validate(settings, origins));
  return settings;
}

Result<Settings> load_settings(const std::string& path, EnvLookup env) {
  std::string text;
  if (!path.empty()) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return fail(ErrorCode::kInvalid, "config " + path + ": cannot be read");
    std::ostringstream ss;
    ss << in.rdbuf();
    text = ss.str();
  }
  return parse_settings(text, path.empty() ? "(defaults)" : path, env);
}

}  // namespace redress
