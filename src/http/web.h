#pragma once
// The web UI: server-rendered pages (agent desk, customer portal, admin, reports) and
// their assets. Pages read and write through the JSON API in-process, with the browser's
// own session: one path for every rule (rights, CSRF, validation), and a page can never
// do what the API would refuse the same person.
#include <memory>

#include "http/api.h"
#include "http/message.h"
#include "service/context.h"

namespace redress::http {

class Web {
 public:
  Web(Api& api, const service::Context& ctx);
  ~Web();
  Web(const Web&) = delete;
  Web& operator=(const Web&) = delete;

  // Pages and assets; every other path goes to the API.
  Response dispatch(Request& request);

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace redress::http
