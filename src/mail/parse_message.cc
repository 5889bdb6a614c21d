// parse_mail's entry: GMime parses the bytes, then the headers are read here and the body
// in parse_body.cc.
#include <chrono>

#include "mail/charset.h"
#include "mail/gmime_init.h"
#include "mail/parse_internal.h"

namespace redress::mail {
namespace {

constexpr size_t kMaxWarnings = 50;

// Owns parser options whose fallback charsets decode unencoded 8-bit bytes in the
// parameters GMime decodes while parsing (filenames): UTF-8 when they are valid UTF-8,
// else a charset the message declares, else windows-1252 and finally latin-1, which
// reads any byte.
class ParserOptions {
 public:
  ParserOptions(const std::vector<std::string>& candidates, std::vector<std::string>* warnings)
      : options_(g_mime_parser_options_new()) {
    names_.push_back("UTF-8");
    for (const std::string& c : candidates)
      if (!c.starts_with("ISO-2022") && !c.starts_with("UTF-")) names_.push_back(c);  // never 8-bit
    names_.push_back("WINDOWS-1252");
    names_.push_back("ISO-8859-1");
    std::vector<const char*> list;
    for (const std::string& name : names_) list.push_back(name.c_str());
    list.push_back(nullptr);
    g_mime_parser_options_set_fallback_charsets(options_, list.data());  // copies the list
    g_mime_parser_options_set_warning_callback(options_, &ParserOptions::on_warning, warnings);
  }
  ~ParserOptions() { g_mime_parser_options_free(options_); }
  ParserOptions(const ParserOptions&) = delete;
  ParserOptions& operator=(const ParserOptions&) = delete;

  GMimeParserOptions* get() const { return options_; }

 private:
  static void on_warning(gint64 /*offset*/, GMimeParserWarning code, const gchar* item, gpointer user_data) {
    auto* warnings = static_cast<std::vector<std::string>*>(user_data);
    std::string what;
    switch (code) {
      case GMIME_WARN_UNENCODED_8BIT_HEADER: what = "unencoded 8-bit header"; break;
      case GMIME_WARN_INVALID_CONTENT_TYPE: what = "invalid content type"; break;
      case GMIME_WARN_INVALID_RFC2047_HEADER_VALUE: what = "invalid RFC 2047 header value"; break;
      case GMIME_WARN_MALFORMED_MULTIPART: what = "malformed multipart"; break;
      case GMIME_WARN_TRUNCATED_MESSAGE: what = "truncated message"; break;
      case GMIME_WARN_MALFORMED_MESSAGE: what = "malformed message"; break;
      case GMIME_CRIT_INVALID_HEADER_NAME: what = "invalid header name"; break;
      case GMIME_CRIT_CONFLICTING_HEADER: what = "conflicting header"; break;
      case GMIME_CRIT_CONFLICTING_PARAMETER: what = "conflicting header parameter"; break;
      case GMIME_CRIT_MULTIPART_WITHOUT_BOUNDARY: what = "multipart without boundary"; break;
      case GMIME_CRIT_NESTING_OVERFLOW: what = "MIME nesting too deep"; break;
      case GMIME_CRIT_PART_WITHOUT_HEADERS_OR_CONTENT: what = "part without headers or content"; break;
      // Duplicated headers/parameters, bad parameters or address lists, parts without
      // content: common and harmless, not worth a warning each.
      default: return;
    }
    if (item && *item) what += ": " + make_valid_utf8(std::string_view(item).substr(0, 80));
    add_warning(*warnings, std::move(what));
  }

  GMimeParserOptions* options_;
  std::vector<std::string> names_;
};

std::string unfold(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  for (char c : raw)
    if (c != '\r' && c != '\n') out += c;
  return trim_space(out);
}

// Every whitespace run (folds, tabs, stray CR/LF) becomes one space: one display line.
std::string fold_to_one_line(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool space = false;
  for (char c : s) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f') {
      space = true;
      continue;
    }
    if (space && !out.empty()) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

// The first "(comment)" of a header value, e.g. the name in "user@host (Full Name)".
std::string first_comment(std::string_view value) {
  size_t open = value.find('(');
  if (open == std::string_view::npos) return {};
  int depth = 0;
  for (size_t i = open; i < value.size(); ++i) {
    if (value[i] == '\\') {
      ++i;
    } else if (value[i] == '(') {
      ++depth;
    } else if (value[i] == ')' && --depth == 0) {
      return trim_space(value.substr(open + 1, i - open - 1));
    }
  }
  return {};
}

// A token that looks like an address in a header GMime could not read ("Name a@b.c"):
// the token, and the rest of the value as the name.
std::optional<Address> salvage_address(std::string_view value) {
  size_t at = value.find('@');
  if (at == std::string_view::npos) return std::nullopt;
  auto is_delimiter = [](char c) { return c == ' ' || c == '\t' || c == '<' || c == '>' || c == ',' || c == '"'; };
  size_t b = at, e = at;
  while (b > 0 && !is_delimiter(value[b - 1])) --b;
  while (e < value.size() && !is_delimiter(value[e])) ++e;
  if (b == at || e == at + 1) return std::nullopt;
  Address a;
  a.email = ascii_lowercase(value.substr(b, e - b));
  std::string name = std::string(value.substr(0, b)) + " " + std::string(value.substr(e));
  for (char& c : name)
    if (c == '"' || c == '<' || c == '>') c = ' ';
  a.name = fold_to_one_line(name);
  return a;
}

void append_mailboxes(InternetAddressList* list, std::vector<Address>& out, int depth) {
  int n = internet_address_list_length(list);
  for (int i = 0; i < n; ++i) {
    InternetAddress* address = internet_address_list_get_address(list, i);
    if (INTERNET_ADDRESS_IS_GROUP(address)) {
      // Groups do not nest in RFC 5322; the bound only guards against a parser surprise.
      if (depth < 4)
        append_mailboxes(internet_address_group_get_members(INTERNET_ADDRESS_GROUP(address)), out, depth + 1);
      continue;
    }
    if (!INTERNET_ADDRESS_IS_MAILBOX(address)) continue;
    Address a;
    const char* name = internet_address_get_name(address);
    if (name) a.name = fold_to_one_line(make_valid_utf8(name));
    const char* email = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(address));
    if (email) a.email = ascii_lowercase(make_valid_utf8(trim_space(email)));
    out.push_back(std::move(a));
  }
}

// Reads the message's header fields into a ParsedMail.
class HeaderReader {
 public:
  HeaderReader(GMimeObject* object, GMimeParserOptions* options, const std::vector<std::string>& candidates)
      : object_(object), options_(options), candidates_(candidates) {}

  void read(ParsedMail& mail) {
    mail.subject = fold_to_one_line(text("Subject"));
    mail.from = author(mail.warnings);
    mail.sender = first_with_address(addresses("Sender"));
    mail.to = addresses("To");
    mail.cc = addresses("Cc");
    mail.reply_to = addresses("Reply-To");
    mail.message_id = message_id();
    mail.in_reply_to = message_ids("In-Reply-To");
    mail.references = message_ids("References");
    mail.date = date();
    mail.auto_submitted = ascii_lowercase(trim_space(text("Auto-Submitted")));
    mail.precedence = ascii_lowercase(trim_space(text("Precedence")));
    mail.list_id = trim_space(text("List-Id"));
    mail.x_autoreply = ascii_lowercase(trim_space(text("X-Autoreply")));
    mail.x_auto_response_suppress = ascii_lowercase(trim_space(text("X-Auto-Response-Suppress")));
    mail.return_path = return_path();
    mail.content_language = trim_space(text("Content-Language"));
  }

 private:
  // Raw (folded, undecoded) values of every header of that name, in order.
  std::vector<std::string_view> raw_all(const char* name) const {
    std::vector<std::string_view> values;
    GMimeHeaderList* headers = g_mime_object_get_header_list(object_);
    int n = g_mime_header_list_get_count(headers);
    for (int i = 0; i < n; ++i) {
      GMimeHeader* header = g_mime_header_list_get_header_at(headers, i);
      const char* header_name = g_mime_header_get_name(header);
      if (!header_name || g_ascii_strcasecmp(header_name, name) != 0) continue;
      const char* raw = g_mime_header_get_raw_value(header);
      values.emplace_back(raw ? raw : "");
    }
    return values;
  }

  std::optional<std::string_view> raw(const char* name) const {
    GMimeHeader* header = g_mime_header_list_get_header(g_mime_object_get_header_list(object_), name);
    // GMime files the message's Content-* headers under its top MIME part.
    GMimeObject* top = GMIME_IS_MESSAGE(object_) ? g_mime_message_get_mime_part(GMIME_MESSAGE(object_)) : nullptr;
    if (!header && top && g_ascii_strncasecmp(name, "Content-", 8) == 0)
      header = g_mime_header_list_get_header(g_mime_object_get_header_list(top), name);
    if (!header) return std::nullopt;
    const char* value = g_mime_header_get_raw_value(header);
    return std::string_view(value ? value : "");
  }

  std::string text(const char* name) const {
    auto value = raw(name);
    return value ? decode_header_text(*value, candidates_) : std::string();
  }

  std::vector<Address> parse_addresses(std::string_view raw_value) const {
    std::vector<Address> out;
    // 8-bit bytes become UTF-8 and encoded words get charsets iconv reads, so that GMime's
    // own decoding cannot go wrong on them.
    std::string value = canonicalise_encoded_words(decode_8bit(unfold(raw_value), candidates_), candidates_);
    GObjectPtr<InternetAddressList> list(internet_address_list_parse(options_, value.c_str()));
    if (list) append_mailboxes(list.get(), out, 0);
    // "user@host (Full Name)": GMime keeps the name only when the address has a domain.
    if (out.size() == 1 && out[0].name.empty()) out[0].name = decode_rfc2047(first_comment(value), candidates_);
    return out;
  }

  std::vector<Address> addresses(const char* name) const {
    auto value = raw(name);
    return value ? parse_addresses(*value) : std::vector<Address>();
  }

  // The first mailbox with an address: broken headers sometimes list an empty "<>" first.
  static std::optional<Address> first_with_address(const std::vector<Address>& list) {
    for (const Address& a : list)
      if (!a.email.empty()) return a;
    if (!list.empty()) return list.front();
    return std::nullopt;
  }

  // Who wrote the mail: the first From header that names an address (spam sometimes
  // carries a junk From above the real one), else an address-looking token in From,
  // else Sender or Reply-To, so that a reply can still reach someone.
  std::optional<Address> author(std::vector<std::string>& warnings) const {
    std::vector<std::string_view> froms = raw_all("From");
    std::optional<Address> found;
    for (std::string_view value : froms) {
      found = first_with_address(parse_addresses(value));
      if (found && !found->email.empty()) return found;
    }
    for (std::string_view value : froms) {
      auto salvaged = salvage_address(decode_rfc2047(unfold(value), candidates_));
      if (salvaged) {
        add_warning(warnings, "unreadable From header: address guessed");
        return salvaged;
      }
    }
    for (const char* fallback : {"Sender", "Reply-To"}) {
      auto a = first_with_address(addresses(fallback));
      if (a && !a->email.empty()) {
        add_warning(warnings, std::string("no usable From header: author taken from ") + fallback);
        return a;
      }
    }
    return found;
  }

  std::vector<std::string> message_ids(const char* name) const {
    std::vector<std::string> out;
    auto value = raw(name);
    if (!value) return out;
    std::string unfolded = unfold(*value);
    GMimeReferences* refs = g_mime_references_parse(options_, unfolded.c_str());
    if (refs) {
      for (int i = 0; i < g_mime_references_length(refs); ++i) {
        const char* id = g_mime_references_get_message_id(refs, i);
        if (id && *id) out.push_back(make_valid_utf8(id));
      }
      g_mime_references_free(refs);
    }
    return out;
  }

  std::string message_id() const {
    auto value = raw("Message-ID");
    if (!value) return {};
    std::string unfolded = unfold(*value);
    GCharPtr decoded(g_mime_utils_decode_message_id(unfolded.c_str()));
    if (decoded && *decoded) return make_valid_utf8(decoded.get());
    return make_valid_utf8(bare_message_id(unfolded));
  }

  std::optional<TimePoint> date() const {
    auto value = raw("Date");
    if (!value) return std::nullopt;
    std::string unfolded = unfold(*value);
    GDateTime* parsed = g_mime_utils_header_decode_date(unfolded.c_str());
    if (!parsed) return std::nullopt;
    auto us = std::chrono::microseconds(g_date_time_to_unix(parsed) * 1'000'000 + g_date_time_get_microsecond(parsed));
    g_date_time_unref(parsed);
    return TimePoint(us);
  }

  std::string return_path() const {
    auto value = raw("Return-Path");
    if (!value) return {};
    std::string unfolded = unfold(*value);
    std::string compact;
    for (char c : unfolded)
      if (c != ' ' && c != '\t') compact += c;
    if (compact == "<>") return "<>";
    std::vector<Address> list = parse_addresses(unfolded);
    if (!list.empty() && !list.front().email.empty()) return list.front().email;
    return ascii_lowercase(make_valid_utf8(bare_message_id(unfolded)));
  }

  GMimeObject* object_;
  GMimeParserOptions* options_;
  const std::vector<std::string>& candidates_;
};

// The message GMime reads, or null when it finds no header at all.
GObjectPtr<GMimeMessage> construct_message(std::string_view raw, GMimeParserOptions* options) {
  GObjectPtr<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(raw.data(), raw.size()));
  GObjectPtr<GMimeParser> parser(g_mime_parser_new_with_stream(stream.get()));
  g_mime_parser_set_format(parser.get(), GMIME_FORMAT_MESSAGE);
  GObjectPtr<GMimeMessage> message(g_mime_parser_construct_message(parser.get(), options));
  if (message && g_mime_header_list_get_count(g_mime_object_get_header_list(GMIME_OBJECT(message.get()))) == 0)
    message.reset();
  return message;
}

// "Name: value" with a field name RFC 5322 allows (printable ASCII but colon and space).
bool looks_like_header_line(std::string_view text) {
  size_t i = 0;
  while (i < text.size() && text[i] > ' ' && text[i] < 127 && text[i] != ':') ++i;
  return i > 0 && i < text.size() && text[i] == ':';
}

}  // namespace

void add_warning(std::vector<std::string>& warnings, std::string warning) {
  if (warnings.size() > kMaxWarnings) return;
  for (const std::string& w : warnings)
    if (w == warning) return;
  if (warnings.size() == kMaxWarnings) warning = "more warnings left out";
  warnings.push_back(std::move(warning));
}

std::string ascii_lowercase(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::string decode_header_text(std::string_view raw, const std::vector<std::string>& candidates) {
  return decode_rfc2047(unfold(raw), candidates);
}

std::string bare_message_id(std::string_view id) {
  std::string s = trim_space(id);
  std::string_view v = s;
  if (v.starts_with('<')) v.remove_prefix(1);
  if (v.ends_with('>')) v.remove_suffix(1);
  return trim_space(v);
}

bool parse_mail_into(std::string_view raw, const ParseLimits& limits, ParsedMail& mail, std::string& error) {
  if (raw.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    error = "the message is empty";
    return false;
  }
  ensure_gmime();
  std::vector<std::string> candidates = declared_charsets(raw);
  ParserOptions options(candidates, &mail.warnings);
  GObjectPtr<GMimeMessage> message = construct_message(raw, options.get());
  if (!message) {
    // Forwarding tools and saved files sometimes put a line of their own above the header
    // ("---- Original email message ----"): skip up to a few such lines and try again.
    std::string_view rest = raw;
    for (int skipped = 0; skipped < 3 && !message; ++skipped) {
      size_t newline = rest.find('\n');
      if (newline == std::string_view::npos || looks_like_header_line(rest)) break;
      rest.remove_prefix(newline + 1);
      if (looks_like_header_line(rest)) {
        message = construct_message(rest, options.get());
        if (message) add_warning(mail.warnings, "text before the header skipped");
      }
    }
  }
  if (!message) {
    error = "the input has no message header";
    return false;
  }
  HeaderReader(GMIME_OBJECT(message.get()), options.get(), candidates).read(mail);
  BounceEvidence evidence;
  read_body(message.get(), candidates, limits, mail, evidence);
  mail.bounce = detect_bounce(mail, evidence);
  return true;
}

}  // namespace redress::mail
