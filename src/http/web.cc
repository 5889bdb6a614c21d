#include "http/web.h"

#include <functional>

#include "core/crypto.h"
#include "core/embedded.h"
#include "core/gzip.h"
#include "http/multipart_form.h"
#include "http/pages.h"
#include "http/web_pages.h"
#include "http/web_support.h"

namespace redress::http {
namespace {

// Forms a person fills before signing in (login, sign-in link) carry a token that must
// match this cookie: a page elsewhere cannot post them for the browser (login CSRF).
constexpr const char* kFormCookie = "redress_form";

// Assets: ours under web/assets/, the npm packages' built files under web/node_modules/.
// Pages ask for them with ?v=<content hash>, so they can be cached for a year.
struct Asset {
  std::string path;  // embedded file
  std::string content_type;
  std::string version;
  std::string gzipped;  // compressed once, at start
};

std::map<std::string, Asset> load_assets() {
  std::map<std::string, Asset> out;
  auto add = [&](const std::string& name, const std::string& path, const std::string& type) {
    auto content = embedded_file(path);
    if (!content) return;  // npm packages not installed: the pages work without scripts
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016zx", std::hash<std::string_view>{}(*content));
    out[name] = Asset{path, type, std::string(hex, 12), gzip(*content)};
  };
  for (const auto& f : embedded_files_under("web/assets/")) {
    const std::string name(f.path.substr(std::string_view("web/assets/").size()));
    const bool css = name.ends_with(".css");
    add(name, std::string(f.path), css ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8");
  }
  add("htmx.js", "web/node_modules/htmx.org/dist/htmx.min.js", "text/javascript; charset=utf-8");
  add("chart.js", "web/node_modules/chart.js/dist/chart.umd.min.js", "text/javascript; charset=utf-8");
  return out;
}

const std::map<std::string, Asset>& assets() {
  static const auto table = load_assets();
  return table;
}

bool is_api_path(std::string_view path) {
  return path.starts_with("/api/") || path == "/healthz" || path == "/metrics" || path.starts_with("/confirm/");
}

}  // namespace

nlohmann::json asset_urls() {
  nlohmann::json urls = nlohmann::json::object();
  for (const auto& [name, a] : assets()) {
    std::string key = name.substr(0, name.find('.'));
    urls[key] = "/assets/" + name + "?v=" + a.version;
  }
  return urls;
}

struct Web::Impl {
  Api& api;
  const service::Context& ctx;
  Router router;

  Response serve_asset(const Request& request, const std::string& name) const {
    auto it = assets().find(name);
    if (it == assets().end()) return Response{404, "text/plain; charset=utf-8", "not found\n", {}, {}};
    Response r;
    r.content_type = it->second.content_type;
    r.body = std::string(*embedded_file(it->second.path));
    const std::string etag = "\"" + it->second.version + "\"";
    r.headers.emplace_back("ETag", etag);
    if (request.query_param("v") == it->second.version) {
      r.headers.emplace_back("Cache-Control", "public, max-age=31536000, immutable");
    } else {
      r.headers.emplace_back("Cache-Control", "no-cache");
    }
    r.headers.emplace_back("X-Content-Type-Options", "nosniff");
    r.headers.emplace_back("Vary", "Accept-Encoding");
    if (accepts_gzip(request.header("Accept-Encoding").value_or(""))) {
      r.body = it->second.gzipped;
      r.headers.emplace_back("Content-Encoding", "gzip");
    }
    if (request.header("If-None-Match") == etag) {
      r.status = 304;
      r.body.clear();
    }
    return r;
  }

  Response run(const Request& request, const PathParams& params, Access access, const PageHandler& handler,
               bool check_form = true) {
    WebCall call(request, params, api, ctx);
    if (request.cookie(kSessionCookie)) {
      auto reply = call.get("/api/v1/session");
      if (reply.ok()) {
        call.user = reply.body["user"];
        call.csrf = reply.body.value("csrf_token", "");
      }
    }
    call.lang = call.signed_in() ? call.user.value("language", "en") : page_language(request.header("Accept-Language"));
    bool fresh_form_token = false;
    if (!call.signed_in()) {
      call.csrf = request.cookie(kFormCookie).value_or("");
      if (call.csrf.empty() && request.method == "GET") {
        call.csrf = crypto::random_token(18);
        fresh_form_token = true;
      }
    }

    if (access != Access::kAnyone && !call.signed_in()) {
      std::string next = request.method == "GET" ? request.target : std::string("/");
      // A cookie the server no longer knows: the session timed out (or was signed out
      // elsewhere); the login page says so instead of looking like a fresh visit.
      const bool ended = request.cookie(kSessionCookie).has_value();
      Response r = redirect("/login?" + std::string(ended ? "expired=1&" : "") + "next=" + url_encode(next));
      if (ended) r.headers.emplace_back("Set-Cookie", std::string(kSessionCookie) + "=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0");
      return r;
    }
    const bool allowed = access == Access::kAnyone || access == Access::kSignedIn ||
                         (access == Access::kStaff && call.staff()) ||
                         (access == Access::kCustomer && call.role() == "customer") ||
                         (access == Access::kAdmin && call.has_right("admin")) ||
                         (access == Access::kReports && call.has_right("reports.view"));
    if (!allowed) return finish(call, error_page(call, ApiReply{403, {{"error", {{"message", call.say("forbidden")}}}}, {}, {}, {}}));

    if (check_form && request.method == "POST") {
      // Over the route's limit (files too large for one message): only its beginning came.
      if (request.body_truncated)
        return finish(call, error_page(call, ApiReply{413, {{"error", {{"message", call.say("files_too_large")}}}}, {}, {}, {}}));
      const std::string type = request.header("Content-Type").value_or("");
      if (is_multipart_form(type)) {
        auto form = parse_multipart_form(type, request.body);
        if (!form) return finish(call, error_page(call, ApiReply{400, {{"error", {{"message", call.say("bad_form")}}}}, {}, {}, {}}));
        call.form = std::move(form->fields);
        call.files = std::move(form->files);
      } else {
        auto form = parse_form(request.body);
        if (!form) return finish(call, error_page(call, ApiReply{400, {{"error", {{"message", call.say("bad_form")}}}}, {}, {}, {}}));
        call.form = std::move(*form);
      }
      const std::string sent = call.field("_csrf");
      if (call.csrf.empty() || !crypto::constant_time_equal(sent, call.csrf)) {
        return finish(call, error_page(call, ApiReply{403, {{"error", {{"message", call.say("form_expired")}}}}, {}, {}, {}}));
      }
    }
    Response r = finish(call, handler(call));
    if (fresh_form_token && r.content_type.starts_with("text/html")) {
      // First visit: the token rendered into this page's forms is the one set here.
      r.headers.emplace_back("Set-Cookie", std::string(kFormCookie) + "=" + call.csrf + "; Path=/; HttpOnly; SameSite=Strict");
    }
    return r;
  }

  Response finish(const WebCall& call, Result<Response> result) {
    if (result) return std::move(*result);
    // A page that could not be built: say so in the page's words, never a stack of JSON.
    ApiReply reply{500, {{"error", {{"message", result.error().message}}}}, {}, {}, {}};
    auto page = error_page(call, reply);
    if (page) return std::move(*page);
    return Response{500, "text/plain; charset=utf-8", "internal error\n", {}, {}};
  }
};

Web::Web(Api& api, const service::Context& ctx) : impl_(std::make_unique<Impl>(Impl{api, ctx, {}})) {
  Impl* impl = impl_.get();
  PageRoutes routes = [impl](std::string method, std::string pattern, Access access, PageHandler handler) {
    impl->router.add(std::move(method), std::move(pattern),
                     [impl, access, handler = std::move(handler)](const Request& r, const PathParams& p) {
                       return impl->run(r, p, access, handler);
                     });
  };
  add_session_pages(routes);
  add_desk_pages(routes);
  add_portal_pages(routes);
  add_admin_pages(routes);
  add_report_pages(routes);
  impl->router.add("GET", "/assets/{name}", [impl](const Request& r, const PathParams& p) {
    return impl->serve_asset(r, p.at("name"));
  });
}

Web::~Web() = default;

Response Web::dispatch(Request& request) {
  if (is_api_path(request.path)) return impl_->api.dispatch(request);
  auto match = impl_->router.match(request.method, request.path);
  if (!match.route) {
    PathParams none;
    const int status = match.path_known ? 405 : 404;
    Response r = impl_->run(request, none, Access::kAnyone, [status](WebCall& call) {
      return error_page(call, ApiReply{status, {{"error", {{"message", call.say(status == 404 ? "not_found" : "bad_method")}}}}, {}, {}, {}});
    }, false);
    if (status == 405) {
      std::string allow;
      for (const auto& m : match.allowed_methods) allow += (allow.empty() ? "" : ", ") + m;
      r.headers.emplace_back("Allow", allow);
    }
    return r;
  }
  Response r = match.route->handler(request, match.params);
  r.route = match.route->pattern;
  // Pages are text that shrinks five- to tenfold; below a packet it is not worth it.
  if (r.content_type.starts_with("text/html") && r.body.size() > 1400 &&
      accepts_gzip(request.header("Accept-Encoding").value_or(""))) {
    r.body = gzip(r.body);
    r.headers.emplace_back("Content-Encoding", "gzip");
    r.headers.emplace_back("Vary", "Accept-Encoding");
  }
  return r;
}

}  // namespace redress::http
