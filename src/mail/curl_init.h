#pragma once
// libcurl's global state must be set up once per process before any thread uses curl:
// curl_global_init is not thread-safe, curl_easy_init would call it lazily (racing).
namespace redress::mail {
void ensure_curl();
}  // namespace redress::mail
