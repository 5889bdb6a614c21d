#include "mail/gmime_init.h"

#include <mutex>

#include <gmime/gmime.h>

namespace redress::mail {

void ensure_gmime() {
  static std::once_flag once;
  // Never shut down: parsers may run on worker threads until exit, and GLib's type
  // registry is process-wide anyway.
  std::call_once(once, [] { g_mime_init(); });
}

}  // namespace redress::mail
