#include "mail/imap.h"

#include <curl/curl.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <optional>
#include <string_view>

#include <fmt/format.h>

#include "mail/curl_init.h"

namespace redress::mail {
namespace {

// A server's literal is a message at most; anything larger is a broken or hostile server.
constexpr size_t kMaxLiteralBytes = size_t{1} << 30;

bool starts_with_ci(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(s[i])) != std::toupper(static_cast<unsigned char>(prefix[i])))
      return false;
  }
  return true;
}

size_t find_ci(std::string_view s, std::string_view needle, size_t from = 0) {
  for (size_t i = from; i + needle.size() <= s.size(); ++i) {
    if (starts_with_ci(s.substr(i), needle)) return i;
  }
  return std::string_view::npos;
}

std::optional<uint32_t> parse_u32(std::string_view s) {
  uint32_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end == s.data()) return std::nullopt;
  return v;
}

// The number after `key` in text, e.g. key "[UIDVALIDITY " in "OK [UIDVALIDITY 42] ...".
std::optional<uint32_t> number_after(std::string_view text, std::string_view key) {
  const size_t at = find_ci(text, key);
  if (at == std::string_view::npos) return std::nullopt;
  return parse_u32(text.substr(at + key.size()));
}

// Folder names go out as IMAP quoted strings in modified UTF-7 (RFC 3501 5.1.3), which
// IMAP4rev1 servers require for anything not ASCII.
std::optional<std::string> modified_utf7(std::string_view utf8) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";
  std::string out;
  std::vector<uint16_t> run;  // UTF-16 units of the non-ASCII run being collected
  auto flush = [&] {
    if (run.empty()) return;
    out += '&';
    uint32_t bits = 0;
    int nbits = 0;
    for (uint16_t unit : run) {
      bits = (bits << 16) | unit;
      nbits += 16;
      while (nbits >= 6) {
        nbits -= 6;
        out += kAlphabet[(bits >> nbits) & 0x3f];
      }
    }
    if (nbits > 0) out += kAlphabet[(bits << (6 - nbits)) & 0x3f];
    out += '-';
    run.clear();
  };
  for (size_t i = 0; i < utf8.size();) {
    const auto c = static_cast<unsigned char>(utf8[i]);
    if (c >= 0x20 && c <= 0x7e) {
      flush();
      out += (c == '&') ? std::string("&-") : std::string(1, static_cast<char>(c));
      ++i;
      continue;
    }
    if (c < 0x80) return std::nullopt;  // control characters have no place in a name
    int len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 0;
    if (len == 0 || c >= 0xf8 || i + len > utf8.size()) return std::nullopt;
    uint32_t cp = c & (0x3f >> (len - 1));
    for (int k = 1; k < len; ++k) {
      const auto cc = static_cast<unsigned char>(utf8[i + k]);
      if ((cc & 0xc0) != 0x80) return std::nullopt;
      cp = (cp << 6) | (cc & 0x3f);
    }
    if (cp < 0x80 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return std::nullopt;
    if (cp >= 0x10000) {
      cp -= 0x10000;
      run.push_back(static_cast<uint16_t>(0xd800 + (cp >> 10)));
      run.push_back(static_cast<uint16_t>(0xdc00 + (cp & 0x3ff)));
    } else {
      run.push_back(static_cast<uint16_t>(cp));
    }
    i += len;
  }
  flush();
  return out;
}

Result<std::string> quoted_mailbox(std::string_view name) {
  if (name.empty()) return fail(Error::invalid_field("folder", "empty"));
  auto encoded = modified_utf7(name);
  if (!encoded) return fail(Error::invalid_field("folder", "not valid UTF-8 text: " + std::string(name)));
  std::string out = "\"";
  for (char c : *encoded) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// A flag is "\Name" (system flag) or a keyword atom: no spaces, parentheses or wildcards.
bool valid_flag(std::string_view flag) {
  std::string_view name = flag.starts_with('\\') ? flag.substr(1) : flag;
  if (name.empty()) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return c > 0x20 && c < 0x7f && !std::strchr("(){%*\"\\]", c);
  });
}

// One untagged response ("* ..."), with the bytes of its literals apart: `text` keeps each
// literal's "{n}" marker, `literals` holds their contents in order and `literal_at` where
// each one's marker starts in `text`.
struct Untagged {
  std::string text;
  std::vector<std::string> literals;
  std::vector<size_t> literal_at;
};

struct Reply {
  std::string status;  // "OK", "NO" or "BAD"
  std::string text;    // the rest of the tagged line, e.g. "[TRYCREATE] Mailbox doesn't exist"
  std::vector<Untagged> untagged;
  bool ok() const { return status == "OK"; }
};

// What the message BODY[] item holds in one FETCH response, when it is for `uid`.
std::optional<std::string> body_of(const Untagged& u, uint32_t uid) {
  const std::string_view t = u.text;
  const size_t fetch = find_ci(t, " FETCH (");
  if (fetch == std::string_view::npos) return std::nullopt;
  const auto got_uid = number_after(t.substr(fetch), "UID ");
  if (!got_uid || *got_uid != uid) return std::nullopt;
  const size_t body = find_ci(t, "BODY[] ", fetch);
  if (body == std::string_view::npos) return std::nullopt;
  const std::string_view value = t.substr(body + 7);
  for (size_t i = 0; i < u.literal_at.size(); ++i) {
    if (u.literal_at[i] == body + 7) return u.literals[i];
  }
  if (value.starts_with('"')) {
    std::string out;
    for (size_t i = 1; i < value.size() && value[i] != '"'; ++i) {
      if (value[i] == '\\' && i + 1 < value.size()) ++i;
      out += value[i];
    }
    return out;
  }
  return std::nullopt;  // NIL: the server has no body for it
}

std::vector<std::string> flags_of(std::string_view text) {
  std::vector<std::string> out;
  const size_t at = find_ci(text, "FLAGS (");
  if (at == std::string_view::npos) return out;
  const size_t end = text.find(')', at);
  std::string_view list = text.substr(at + 7, end == std::string_view::npos ? std::string_view::npos : end - at - 7);
  while (!list.empty()) {
    const size_t space = list.find(' ');
    if (space != 0) out.emplace_back(list.substr(0, space));
    if (space == std::string_view::npos) break;
    list.remove_prefix(space + 1);
  }
  return out;
}

Error unavailable(std::string message, std::string reason = {}) {
  Error e(ErrorCode::kUnavailable, std::move(message));
  e.reason = std::move(reason);
  return e;
}

}  // namespace

struct ImapClient::Impl {
  ImapSettings settings;
  CURL* curl = nullptr;
  curl_socket_t socket = CURL_SOCKET_BAD;
  std::string in;  // received, not yet consumed: in.substr(in_pos)
  size_t in_pos = 0;
  unsigned next_tag = 1;
  bool can_move = false;
  bool has_uidplus = false;

  // The mailbox the session has selected, and what the server said of it.
  bool selected = false;
  bool read_only = true;
  MailboxState state;

  // For a single retry: the connection existed before this operation and was found closed
  // (or ended with BYE) before any command of the operation was answered: a server that
  // logged out an idle client, a NAT that forgot the connection.
  bool reused = false;
  bool answered = false;
  bool found_closed = false;
  char error_buffer[CURL_ERROR_SIZE] = {};

  ~Impl() {
    if (curl) {
      // A polite end, so the server logs a logout rather than a dropped connection (curl
      // sends no LOGOUT for a CONNECT_ONLY connection). Not waited for long.
      settings.timeout_seconds = std::min(settings.timeout_seconds, 2);
      (void)command("LOGOUT");  // answered with BYE, which closes the connection
    }
    disconnect(false);
  }

  // Closes the connection. `broken`: the stream is in an unknown state; shutting the socket
  // down first makes sure nothing of curl's can wait on it while cleaning up.
  void disconnect(bool broken) {
    if (!curl) return;
    if (broken && socket != CURL_SOCKET_BAD) ::shutdown(socket, SHUT_RDWR);
    curl_easy_cleanup(curl);
    curl = nullptr;
    socket = CURL_SOCKET_BAD;
    in.clear();
    in_pos = 0;
    selected = false;
  }

  // A timeout is never retried: a stalled server would only stall twice as long.
  Error io_error(std::string what, bool closed = true) {
    if (closed && reused && !answered) found_closed = true;
    disconnect(true);
    return unavailable(fmt::format("IMAP server {}: {}", settings.url, what));
  }

  int timeout_ms() const { return std::max(1, settings.timeout_seconds) * 1000; }

  Result<void> connect() {
    if (curl) return {};
    curl = curl_easy_init();
    if (!curl) return fail(Error::internal("curl_easy_init failed"));
    error_buffer[0] = '\0';
    curl_easy_setopt(curl, CURLOPT_URL, settings.url.c_str());
    curl_easy_setopt(curl, CURLOPT_CONNECT_ONLY, 1L);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);  // threads: no SIGALRM for timeouts
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, static_cast<long>(settings.timeout_seconds));
    curl_easy_setopt(curl, CURLOPT_SERVER_RESPONSE_TIMEOUT, static_cast<long>(settings.timeout_seconds));
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, static_cast<long>(settings.timeout_seconds) * 2);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);
    if (!settings.username.empty()) {
      curl_easy_setopt(curl, CURLOPT_USERNAME, settings.username.c_str());
      curl_easy_setopt(curl, CURLOPT_PASSWORD, settings.password.c_str());
    }
    const long use_ssl = settings.starttls == "require" ? CURLUSESSL_ALL
                         : settings.starttls == "off"   ? CURLUSESSL_NONE
                                                        : CURLUSESSL_TRY;
    curl_easy_setopt(curl, CURLOPT_USE_SSL, use_ssl);

    const CURLcode rc = curl_easy_perform(curl);
    if (rc != CURLE_OK) {
      const std::string detail = error_buffer[0] ? error_buffer : curl_easy_strerror(rc);
      curl_easy_cleanup(curl);
      curl = nullptr;
      if (rc == CURLE_LOGIN_DENIED)
        return fail(ErrorCode::kUnauthenticated,
                    fmt::format("IMAP login to {} as {} failed: {}", settings.url, settings.username, detail));
      if (rc == CURLE_UNSUPPORTED_PROTOCOL || rc == CURLE_URL_MALFORMAT)
        return fail(ErrorCode::kInvalid, fmt::format("IMAP URL {} is not usable: {}", settings.url, detail));
      return fail(unavailable(fmt::format("IMAP server {} unreachable: {}", settings.url, detail)));
    }
    curl_easy_getinfo(curl, CURLINFO_ACTIVESOCKET, &socket);
    if (socket == CURL_SOCKET_BAD) {
      disconnect(true);
      return fail(Error::internal("curl gave no socket for the IMAP connection"));
    }
    next_tag = 1;
    reused = false;
    answered = false;
    // MOVE and UIDPLUS decide how move() works; the greeting's list is pre-login only.
    Reply caps = REDRESS_TRY(command("CAPABILITY"));
    for (const auto& u : caps.untagged) {
      if (!starts_with_ci(u.text, "* CAPABILITY ")) continue;
      const std::string line = " " + u.text + " ";
      can_move = find_ci(line, " MOVE ") != std::string::npos;
      has_uidplus = find_ci(line, " UIDPLUS ") != std::string::npos;
    }
    return {};
  }

  Result<void> wait(short events) {
    pollfd p{socket, events, 0};
    for (;;) {
      const int n = ::poll(&p, 1, timeout_ms());
      if (n > 0) return {};
      if (n == 0) return fail(io_error(fmt::format("no answer in {} s", settings.timeout_seconds), false));
      if (errno != EINTR) return fail(io_error(std::string("poll: ") + std::strerror(errno)));
    }
  }

  Result<void> send_all(std::string_view data) {
    while (!data.empty()) {
      size_t sent = 0;
      const CURLcode rc = curl_easy_send(curl, data.data(), data.size(), &sent);
      if (rc == CURLE_AGAIN) {
        REDRESS_CHECK(wait(POLLOUT));
        continue;
      }
      if (rc != CURLE_OK) return fail(io_error(std::string("send failed: ") + curl_easy_strerror(rc)));
      data.remove_prefix(sent);
    }
    return {};
  }

  // Reads more bytes into `in`. Only waits on the socket when curl has nothing buffered
  // (TLS may hold decrypted bytes that poll cannot see).
  Result<void> receive() {
    if (in_pos > 0 && in_pos == in.size()) {
      in.clear();
      in_pos = 0;
    }
    char buffer[16384];
    for (;;) {
      size_t got = 0;
      const CURLcode rc = curl_easy_recv(curl, buffer, sizeof buffer, &got);
      if (rc == CURLE_AGAIN) {
        REDRESS_CHECK(wait(POLLIN));
        continue;
      }
      if (rc != CURLE_OK) return fail(io_error(std::string("receive failed: ") + curl_easy_strerror(rc)));
      if (got == 0) return fail(io_error("the server closed the connection"));
      in.append(buffer, got);
      return {};
    }
  }

  Result<std::string> read_line() {
    for (;;) {
      const size_t eol = in.find("\r\n", in_pos);
      if (eol != std::string::npos) {
        std::string line = in.substr(in_pos, eol - in_pos);
        in_pos = eol + 2;
        return line;
      }
      if (in.size() - in_pos > (1u << 20)) return fail(io_error("a response line longer than 1 MiB"));
      REDRESS_CHECK(receive());
    }
  }

  Result<std::string> read_bytes(size_t n) {
    while (in.size() - in_pos < n) REDRESS_CHECK(receive());
    std::string out = in.substr(in_pos, n);
    in_pos += n;
    return out;
  }

  // The literal announced at the end of `line` ("... {123}"), if any.
  static std::optional<size_t> literal_size(std::string_view line) {
    if (!line.ends_with('}')) return std::nullopt;
    const size_t open = line.rfind('{');
    if (open == std::string_view::npos) return std::nullopt;
    const auto n = parse_u32(line.substr(open + 1, line.size() - open - 2));
    if (!n) return std::nullopt;
    return *n;
  }

  // Reads one whole response: a line, plus literals and their continuation lines.
  Result<Untagged> read_response() {
    Untagged r;
    r.text = REDRESS_TRY(read_line());
    while (auto n = literal_size(r.text)) {
      if (*n > kMaxLiteralBytes) return fail(io_error(fmt::format("a literal of {} bytes", *n)));
      r.literal_at.push_back(r.text.rfind('{'));
      r.literals.push_back(REDRESS_TRY(read_bytes(*n)));
      r.text += REDRESS_TRY(read_line());
    }
    return r;
  }

  // Keeps the selected mailbox's state current from whatever the server reports.
  void note(const Untagged& u) {
    const std::string_view t = u.text;
    if (!selected || !t.starts_with("* ")) return;
    if (auto v = number_after(t, "[UIDVALIDITY ")) state.uid_validity = *v;
    if (auto v = number_after(t, "[UIDNEXT ")) state.uid_next = *v;
    const size_t space = t.find(' ', 2);
    if (space != std::string_view::npos && starts_with_ci(t.substr(space), " EXISTS")) {
      if (auto v = parse_u32(t.substr(2))) state.exists = *v;
    }
  }

  // Sends "TAG command" and reads up to the tagged answer. `literal`, when given, is sent
  // as a synchronizing literal after the command (APPEND), once the server says "+".
  Result<Reply> command(const std::string& text, const std::string* literal = nullptr) {
    const std::string tag = fmt::format("R{}", next_tag++);
    std::string line = tag + " " + text;
    if (literal) line += fmt::format(" {{{}}}", literal->size());
    REDRESS_CHECK(send_all(line + "\r\n"));
    Reply reply;
    bool literal_sent = literal == nullptr;
    for (;;) {
      Untagged u = REDRESS_TRY(read_response());
      if (u.text.starts_with("+")) {
        if (literal_sent) return fail(io_error("an unexpected continuation request"));
        REDRESS_CHECK(send_all(*literal));
        REDRESS_CHECK(send_all("\r\n"));
        literal_sent = true;
        continue;
      }
      if (u.text.starts_with("* ")) {
        if (starts_with_ci(u.text, "* BYE")) {
          // The server ends the session (shutdown, idle logout); no tagged answer follows.
          return fail(io_error("the server ended the session: " + u.text.substr(2)));
        }
        note(u);
        reply.untagged.push_back(std::move(u));
        continue;
      }
      if (u.text.starts_with(tag + " ")) {
        answered = true;
        const std::string_view rest = std::string_view(u.text).substr(tag.size() + 1);
        const size_t space = rest.find(' ');
        reply.status = std::string(rest.substr(0, space));
        for (auto& ch : reply.status) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
        reply.text = space == std::string_view::npos ? "" : std::string(rest.substr(space + 1));
        return reply;
      }
      return fail(io_error("an answer that is not IMAP: " + u.text.substr(0, 200)));
    }
  }

  Error refused(const std::string& what, const Reply& r) const {
    if (find_ci(r.text, "[TRYCREATE]") != std::string::npos || find_ci(r.text, "[NONEXISTENT]") != std::string::npos) {
      Error e(ErrorCode::kNotFound, fmt::format("IMAP {}: {} {}", what, r.status, r.text));
      e.reason = "folder_missing";
      return e;
    }
    return unavailable(fmt::format("IMAP server {} refused {}: {} {}", settings.url, what, r.status, r.text));
  }

  // SELECT (read-write) or EXAMINE (read-only) the configured mailbox; `force` re-reads
  // its state even when it is selected already.
  Result<void> select(bool need_write, bool force) {
    if (selected && !force && (!need_write || !read_only)) return {};
    const std::string verb = need_write ? "SELECT" : "EXAMINE";
    const std::string name = REDRESS_TRY(quoted_mailbox(settings.mailbox));
    selected = true;  // so that note() records the state while the answer arrives
    state = {};
    Reply r = REDRESS_TRY(command(verb + " " + name));
    if (!r.ok()) {
      selected = false;
      Error e = refused(fmt::format("{} {}", verb, settings.mailbox), r);
      if (e.code == ErrorCode::kUnavailable && find_ci(r.text, "doesn't exist") != std::string::npos) {
        e.code = ErrorCode::kNotFound;
        e.reason = "folder_missing";
      }
      return fail(std::move(e));
    }
    read_only = !need_write;
    return {};
  }

  // Runs an operation on a connection, opened if needed. A reused connection that turns
  // out to be dead before the server answered anything is opened again, once, when the
  // operation is safe to repeat.
  template <typename F>
  auto run(bool repeatable, F&& op) -> decltype(op()) {
    for (int attempt = 0;; ++attempt) {
      reused = curl != nullptr;
      answered = false;
      found_closed = false;
      if (auto c = connect(); !c) return fail(std::move(c).error());
      auto result = op();
      if (result || !repeatable || attempt > 0 || !found_closed) return result;
    }
  }
};

ImapClient::ImapClient(ImapSettings settings) : impl_(std::make_unique<Impl>()) {
  ensure_curl();
  impl_->settings = std::move(settings);
}

ImapClient::~ImapClient() = default;

Result<MailboxState> ImapClient::examine() {
  Impl& s = *impl_;
  return s.run(true, [&]() -> Result<MailboxState> {
    REDRESS_CHECK(s.select(false, true));
    return s.state;
  });
}

Result<std::vector<uint32_t>> ImapClient::uids_from(uint32_t first_uid) {
  Impl& s = *impl_;
  first_uid = std::max<uint32_t>(first_uid, 1);  // UID 0 does not exist; "0:*" is an error
  return s.run(true, [&]() -> Result<std::vector<uint32_t>> {
    REDRESS_CHECK(s.select(false, false));
    Reply r = REDRESS_TRY(s.command(fmt::format("UID SEARCH UID {}:*", first_uid)));
    if (!r.ok()) return fail(s.refused("UID SEARCH", r));
    std::vector<uint32_t> uids;
    for (const auto& u : r.untagged) {
      if (!starts_with_ci(u.text, "* SEARCH")) continue;
      std::string_view rest = std::string_view(u.text).substr(8);
      while (!rest.empty()) {
        while (rest.starts_with(' ')) rest.remove_prefix(1);
        const size_t end = rest.find(' ');
        // "n:*" means n up to the highest UID, and "*" is that UID even when it is below n:
        // an empty range still answers the last message. It is no new mail.
        if (auto uid = parse_u32(rest.substr(0, end)); uid && *uid >= first_uid) uids.push_back(*uid);
        if (end == std::string_view::npos) break;
        rest.remove_prefix(end);
      }
    }
    std::sort(uids.begin(), uids.end());
    uids.erase(std::unique(uids.begin(), uids.end()), uids.end());
    return uids;
  });
}

Result<std::string> ImapClient::fetch(uint32_t uid_validity, uint32_t uid) {
  Impl& s = *impl_;
  return s.run(true, [&]() -> Result<std::string> {
    // Read-only is enough, and EXAMINE would keep \Seen unset even for a plain BODY[].
    REDRESS_CHECK(s.select(false, false));
    if (s.state.uid_validity != uid_validity) {
      return fail(Error::conflict(fmt::format("mailbox {} has UIDVALIDITY {}, not {}: its UIDs were renumbered",
                                              s.settings.mailbox, s.state.uid_validity, uid_validity),
                                  "uidvalidity_changed"));
    }
    Reply r = REDRESS_TRY(s.command(fmt::format("UID FETCH {} (UID BODY.PEEK[])", uid)));
    if (!r.ok()) return fail(s.refused("UID FETCH", r));
    // Checked again: the server may announce a new UIDVALIDITY in this very answer.
    if (s.state.uid_validity != uid_validity)
      return fail(Error::conflict("mailbox UIDVALIDITY changed during the fetch", "uidvalidity_changed"));
    for (const auto& u : r.untagged) {
      if (auto body = body_of(u, uid)) return std::move(*body);
    }
    return fail(Error::not_found(fmt::format("message UID {} in {}", uid, s.settings.mailbox)));
  });
}

Result<void> ImapClient::add_flag(uint32_t uid, const std::string& flag) {
  Impl& s = *impl_;
  if (!valid_flag(flag)) return fail(Error::invalid_field("flag", "not an IMAP flag: " + flag));
  return s.run(true, [&]() -> Result<void> {
    REDRESS_CHECK(s.select(true, false));
    Reply r = REDRESS_TRY(s.command(fmt::format("UID STORE {} +FLAGS.SILENT ({})", uid, flag)));
    if (!r.ok()) return fail(s.refused("UID STORE", r));
    return {};
  });
}

Result<void> ImapClient::move(uint32_t uid, const std::string& folder) {
  Impl& s = *impl_;
  auto target = quoted_mailbox(folder);
  if (!target) return fail(std::move(target).error());
  // Repeatable: moving a UID that is already gone is a no-op that answers OK.
  return s.run(true, [&]() -> Result<void> {
    REDRESS_CHECK(s.select(true, false));
    if (s.can_move) {
      Reply r = REDRESS_TRY(s.command(fmt::format("UID MOVE {} {}", uid, *target)));
      if (r.ok()) return {};
      // NO: the folder is missing or full, which COPY would meet too. BAD: the server
      // advertised MOVE but does not take it; the three-step way may still work.
      if (r.status != "BAD") return fail(s.refused("UID MOVE", r));
    }
    Reply copy = REDRESS_TRY(s.command(fmt::format("UID COPY {} {}", uid, *target)));
    if (!copy.ok()) return fail(s.refused("UID COPY", copy));
    Reply store = REDRESS_TRY(s.command(fmt::format("UID STORE {} +FLAGS.SILENT (\\Deleted)", uid)));
    if (!store.ok()) return fail(s.refused("UID STORE \\Deleted", store));
    // Without UIDPLUS only a plain EXPUNGE exists, which would also remove what someone
    // else marked \Deleted: the copy is left marked, for the owner's client to expunge.
    if (!s.has_uidplus) return {};
    Reply expunge = REDRESS_TRY(s.command(fmt::format("UID EXPUNGE {}", uid)));
    if (!expunge.ok()) return fail(s.refused("UID EXPUNGE", expunge));
    return {};
  });
}

Result<void> ImapClient::append(const std::string& raw) {
  Impl& s = *impl_;
  auto name = quoted_mailbox(s.settings.mailbox);
  if (!name) return fail(std::move(name).error());
  // Not repeatable: a lost answer may hide a message that was stored.
  return s.run(false, [&]() -> Result<void> {
    Reply r = REDRESS_TRY(s.command("APPEND " + *name + " ()", &raw));
    if (!r.ok()) return fail(s.refused("APPEND", r));
    return {};
  });
}

Result<void> ImapClient::create_folder(const std::string& folder) {
  Impl& s = *impl_;
  auto name = quoted_mailbox(folder);
  if (!name) return fail(std::move(name).error());
  return s.run(true, [&]() -> Result<void> {
    Reply r = REDRESS_TRY(s.command("CREATE " + *name));
    if (r.ok() || find_ci(r.text, "[ALREADYEXISTS]") != std::string::npos) return {};
    return fail(s.refused("CREATE " + folder, r));
  });
}

Result<std::vector<std::string>> ImapClient::flags(uint32_t uid) {
  Impl& s = *impl_;
  return s.run(true, [&]() -> Result<std::vector<std::string>> {
    REDRESS_CHECK(s.select(false, false));
    Reply r = REDRESS_TRY(s.command(fmt::format("UID FETCH {} (UID FLAGS)", uid)));
    if (!r.ok()) return fail(s.refused("UID FETCH FLAGS", r));
    for (const auto& u : r.untagged) {
      const std::string_view t = u.text;
      const size_t fetch = find_ci(t, " FETCH (");
      if (fetch == std::string_view::npos || find_ci(t, "FLAGS (") == std::string_view::npos) continue;
      if (number_after(t.substr(fetch), "UID ") == uid) return flags_of(t);
    }
    return fail(Error::not_found(fmt::format("message UID {} in {}", uid, s.settings.mailbox)));
  });
}

}  // namespace redress::mail
