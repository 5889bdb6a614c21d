#include "mail/curl_init.h"

#include <mutex>
#include <stdexcept>

#include <curl/curl.h>

namespace redress::mail {

void ensure_curl() {
  static std::once_flag once;
  // Never cleaned up: handles may live on worker threads until exit.
  std::call_once(once, [] {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) throw std::runtime_error("curl_global_init failed");
  });
}

}  // namespace redress::mail
