#include "app/mailgate.h"

#include <curl/curl.h>

#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/json_parse.h"
#include "domain/validation.h"
#include "mail/curl_init.h"

namespace redress::app {
namespace {

size_t collect(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

std::string endpoint(const MailgateOptions& o, CURL* curl) {
  std::string url = o.url;
  while (!url.empty() && url.back() == '/') url.pop_back();
  if (!url.ends_with("/api/v1/inbound/mail")) url += "/api/v1/inbound/mail";
  url += "?source=mailgate";
  if (!o.mailbox.empty()) {
    std::unique_ptr<char, decltype(&curl_free)> escaped(
        curl_easy_escape(curl, o.mailbox.data(), static_cast<int>(o.mailbox.size())), curl_free);
    url += "&mailbox=" + std::string(escaped.get());
  }
  return url;
}

std::string error_code(const std::string& body) {
  auto j = parse_json(body);
  if (j.is_object() && j.contains("error") && j["error"].is_object()) return j["error"].value("code", "");
  return "";
}

// The server's error message, or the body as it is.
std::string server_message(const std::string& body) {
  auto j = parse_json(body);
  if (j.is_object() && j.contains("error") && j["error"].is_object()) {
    std::string m = j["error"].value("message", "");
    if (j["error"].contains("fields")) m += " " + j["error"]["fields"].dump();
    return m;
  }
  return body.substr(0, 300);
}

}  // namespace

int run_mailgate(const MailgateOptions& o, std::istream& in, std::ostream& err) {
  std::ifstream token_in(o.token_file);
  if (!token_in) {
    err << "redress mailgate: cannot read the token file " << o.token_file << "\n";
    return kExitTempFail;
  }
  std::stringstream token_text;
  token_text << token_in.rdbuf();
  const std::string token = domain::trim(token_text.str());
  if (token.empty()) {
    err << "redress mailgate: the token file " << o.token_file << " is empty\n";
    return kExitTempFail;
  }
  const std::string mail{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (mail.empty()) {
    err << "redress mailgate: no mail on standard input\n";
    return kExitDataError;
  }

  mail::ensure_curl();
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) {
    err << "redress mailgate: cannot start libcurl\n";
    return kExitTempFail;
  }
  const std::string url = endpoint(o, curl.get());
  const std::string auth = "Authorization: Bearer " + token;
  curl_slist* headers = nullptr;
  headers = curl_slist_append(headers, auth.c_str());
  headers = curl_slist_append(headers, "Content-Type: message/rfc822");
  headers = curl_slist_append(headers, "Expect:");  // no 100-continue round trip
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> header_list(headers, curl_slist_free_all);
  std::string body;
  curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl.get(), CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDS, mail.data());
  curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(mail.size()));
  curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT, static_cast<long>(o.timeout_seconds));
  curl_easy_setopt(curl.get(), CURLOPT_CONNECTTIMEOUT, 20L);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &body);
  const CURLcode rc = curl_easy_perform(curl.get());
  if (rc != CURLE_OK) {
    err << "redress mailgate: " << url << ": " << curl_easy_strerror(rc) << " (will be retried)\n";
    return kExitTempFail;
  }
  long status = 0;
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &status);
  if (status == 200 || status == 201) return kExitStored;
  // Refused for what the mail is (unreadable, too large, not ours): retrying cannot help.
  // Any other refusal (a bad token, an unknown mailbox name) is a setup the admin fixes
  // while the MTA keeps the mail.
  if (status == 400 || status == 413 || (status == 422 && error_code(body) == "mail_rejected")) {
    err << "redress mailgate: refused (" << status << "): " << server_message(body) << "\n";
    return kExitDataError;
  }
  err << "redress mailgate: the server answered " << status << ": " << server_message(body) << " (will be retried)\n";
  return kExitTempFail;
}

}  // namespace redress::app
