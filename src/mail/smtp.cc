#include "mail/smtp.h"

#include <curl/curl.h>

#include <algorithm>
#include <cstring>
#include <string_view>

#include <fmt/format.h>

#include "mail/curl_init.h"

namespace redress::mail {
namespace {

// An envelope address goes into an SMTP command line as it is: a CR or LF would end the
// command and start another, a space or <> would break the command's syntax.
bool valid_envelope_address(std::string_view address) {
  return std::none_of(address.begin(), address.end(), [](char c) {
    return c == '\r' || c == '\n' || c == ' ' || c == '\t' || c == '<' || c == '>' || c == '\0';
  });
}

// "250-..." continues a reply, "250 ..." ends it.
bool ends_reply(std::string_view line) { return line.size() < 4 || line[3] != '-'; }

int reply_code(std::string_view reply) {
  if (reply.size() < 3) return 0;
  int code = 0;
  for (int i = 0; i < 3; ++i) {
    if (reply[i] < '0' || reply[i] > '9') return 0;
    code = code * 10 + (reply[i] - '0');
  }
  return code;
}

std::string trim_crlf(std::string_view s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.remove_suffix(1);
  return std::string(s);
}

}  // namespace

struct SmtpSender::Impl {
  SmtpSettings settings;
  CURL* curl = nullptr;

  // The message being uploaded by the current send().
  std::string_view upload;
  size_t upload_offset = 0;

  // Server replies of the current send(), read from curl's debug stream: curl keeps only
  // the numeric code, and the text is what tells an operator why mail was refused.
  std::string reply;        // the reply being read (one or more lines)
  bool reply_done = true;
  std::string error_reply;  // the first 4xx/5xx reply: later ones (QUIT's 221) do not count
  char error_buffer[CURL_ERROR_SIZE] = {};

  static size_t read_body(char* buffer, size_t size, size_t count, void* self_ptr) {
    auto* self = static_cast<Impl*>(self_ptr);
    const size_t n = std::min(size * count, self->upload.size() - self->upload_offset);
    std::memcpy(buffer, self->upload.data() + self->upload_offset, n);
    self->upload_offset += n;
    return n;
  }

  static int on_debug(CURL*, curl_infotype type, char* data, size_t size, void* self_ptr) {
    // Only what the server said: HEADER_OUT would include our AUTH line (the password).
    if (type != CURLINFO_HEADER_IN) return 0;
    auto* self = static_cast<Impl*>(self_ptr);
    std::string_view text(data, size);
    // curl hands over one line per call for SMTP; split anyway, it costs nothing.
    while (!text.empty()) {
      const size_t eol = text.find('\n');
      const std::string_view line = text.substr(0, eol == std::string_view::npos ? text.size() : eol + 1);
      text.remove_prefix(line.size());
      if (self->reply_done) self->reply.clear();
      if (!self->reply.empty()) self->reply += " / ";
      self->reply += trim_crlf(line);
      self->reply_done = ends_reply(line);
      if (self->reply_done && self->error_reply.empty() && reply_code(self->reply) >= 400) self->error_reply = self->reply;
    }
    return 0;
  }

  void reset_transfer_state(std::string_view raw) {
    upload = raw;
    upload_offset = 0;
    reply.clear();
    reply_done = true;
    error_reply.clear();
    error_buffer[0] = '\0';
  }

  Error error_for(CURLcode rc) const {
    long response_code = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response_code);
    int code = reply_code(error_reply);
    if (code == 0 && response_code >= 400) code = static_cast<int>(response_code);
    const std::string detail = error_buffer[0] ? error_buffer : curl_easy_strerror(rc);
    const std::string server_said = error_reply.empty() ? "" : fmt::format(": the server said \"{}\"", error_reply);

    if (rc == CURLE_LOGIN_DENIED) {
      // Wrong credentials are fixed in the configuration, then the queued mail can go.
      Error e(ErrorCode::kUnavailable, fmt::format("SMTP login to {} failed{}", settings.url, server_said));
      e.reason = "smtp_login_failed";
      return e;
    }
    if (code >= 500 && code < 600)
      return Error(ErrorCode::kInvalid, fmt::format("SMTP server {} refused the mail ({}){}", settings.url, detail, server_said));
    if (code >= 400 && code < 500)
      return Error(ErrorCode::kUnavailable,
                   fmt::format("SMTP server {} deferred the mail ({}){}", settings.url, detail, server_said));
    switch (rc) {
      case CURLE_UNSUPPORTED_PROTOCOL:
      case CURLE_URL_MALFORMAT:
        return Error(ErrorCode::kInvalid, fmt::format("SMTP URL {} is not usable: {}", settings.url, detail));
      default:
        // Connection refused, timeout, TLS failure, a dropped connection: maybe later.
        return Error(ErrorCode::kUnavailable, fmt::format("SMTP server {} unreachable: {}", settings.url, detail));
    }
  }
};

SmtpSender::SmtpSender(SmtpSettings settings) : impl_(std::make_unique<Impl>()) {
  ensure_curl();
  impl_->settings = std::move(settings);
}

SmtpSender::~SmtpSender() {
  if (impl_->curl) curl_easy_cleanup(impl_->curl);
}

Result<void> SmtpSender::send(const std::string& envelope_from, const std::vector<std::string>& recipients,
                              const std::string& raw) {
  Impl& s = *impl_;
  if (s.settings.url.empty()) {
    Error e(ErrorCode::kUnavailable, "sending mail is off (no SMTP URL configured)");
    e.reason = "smtp_off";
    return fail(std::move(e));
  }
  if (recipients.empty()) return fail(ErrorCode::kInvalid, "a mail needs at least one recipient");
  if (!valid_envelope_address(envelope_from))
    return fail(Error::invalid_field("envelope_from", "not a usable envelope address"));
  for (const auto& r : recipients) {
    if (r.empty() || !valid_envelope_address(r)) return fail(Error::invalid_field("recipients", "not a usable address: " + r));
  }

  if (!s.curl) {
    s.curl = curl_easy_init();
    if (!s.curl) return fail(Error::internal("curl_easy_init failed"));
  }
  CURL* c = s.curl;
  // The handle is reused for its connection cache; options are set anew for each mail.
  curl_easy_reset(c);
  s.reset_transfer_state(raw);

  // The URL's path is the EHLO domain for curl.
  std::string url = s.settings.url;
  if (!s.settings.helo_domain.empty()) {
    while (url.ends_with('/')) url.pop_back();
    url += "/" + s.settings.helo_domain;
  }
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  // Timeouts without signals: the default resolver would use SIGALRM, which is unsafe with threads.
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, static_cast<long>(s.settings.timeout_seconds));
  // A server that stops answering a command, or a transfer that stalls: no total limit,
  // a large mail on a slow link may take longer than one timeout.
  curl_easy_setopt(c, CURLOPT_SERVER_RESPONSE_TIMEOUT, static_cast<long>(s.settings.timeout_seconds));
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, static_cast<long>(s.settings.timeout_seconds));
  if (s.settings.starttls == "require") {
    curl_easy_setopt(c, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
  } else if (s.settings.starttls == "off") {
    curl_easy_setopt(c, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_NONE));
  } else {
    curl_easy_setopt(c, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_TRY));
  }
  if (!s.settings.username.empty()) {
    curl_easy_setopt(c, CURLOPT_USERNAME, s.settings.username.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, s.settings.password.c_str());
  }

  // An empty string gives "MAIL FROM:<>" (the null sender, RFC 5321 4.5.5), as does no
  // option at all; set it every time so that a reused handle never keeps an older sender.
  curl_easy_setopt(c, CURLOPT_MAIL_FROM, envelope_from.c_str());
  curl_slist* rcpt = nullptr;
  for (const auto& r : recipients) {
    curl_slist* next = curl_slist_append(rcpt, r.c_str());
    if (!next) {
      curl_slist_free_all(rcpt);
      return fail(Error::internal("out of memory building the recipient list"));
    }
    rcpt = next;
  }
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);

  curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(c, CURLOPT_READFUNCTION, &Impl::read_body);
  curl_easy_setopt(c, CURLOPT_READDATA, &s);
  // With SIZE support the server can refuse an oversized mail before it is sent.
  curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(raw.size()));

  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, s.error_buffer);
  curl_easy_setopt(c, CURLOPT_VERBOSE, 1L);  // feeds on_debug; nothing is printed
  curl_easy_setopt(c, CURLOPT_DEBUGFUNCTION, &Impl::on_debug);
  curl_easy_setopt(c, CURLOPT_DEBUGDATA, &s);

  const CURLcode rc = curl_easy_perform(c);
  curl_slist_free_all(rcpt);
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, nullptr);
  s.upload = {};
  if (rc != CURLE_OK) return fail(s.error_for(rc));
  return {};
}

}  // namespace redress::mail
