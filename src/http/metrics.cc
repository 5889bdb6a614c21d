#include "http/metrics.h"

#include <array>
#include <charconv>
#include <cstdint>
#include <map>
#include <mutex>
#include <tuple>

namespace redress::http {
namespace {

// Upper bounds in seconds, with the label text written exactly as Prometheus users expect.
constexpr std::array<double, 13> kBounds = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                            0.1,    0.25,  0.5,    1,     2.5,   5};
constexpr std::array<std::string_view, 14> kBoundLabels = {
    "0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05",
    "0.1",    "0.25",  "0.5",    "1",     "2.5",   "5",    "+Inf"};

struct CounterKey {
  std::string route;
  std::string method;
  int status;
};
struct CounterKeyView {
  std::string_view route;
  std::string_view method;
  int status;
};

struct CounterKeyLess {
  using is_transparent = void;
  template <typename A, typename B>
  bool operator()(const A& a, const B& b) const {
    return std::tuple<std::string_view, std::string_view, int>(a.route, a.method, a.status) <
           std::tuple<std::string_view, std::string_view, int>(b.route, b.method, b.status);
  }
};

struct Histogram {
  std::array<uint64_t, kBoundLabels.size()> buckets{};  // not cumulative; the last is +Inf
  double sum = 0;
  uint64_t count = 0;
};

// The method label comes from the client: anything outside the standard set shares one
// label value so that a client cannot create unbounded series.
std::string_view method_label(std::string_view method) {
  for (std::string_view known : {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}) {
    if (method == known) return known;
  }
  return "OTHER";
}

// Label values escape backslash, double quote and newline (text format 0.0.4).
void append_label_value(std::string& out, std::string_view value) {
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
}

void append_number(std::string& out, double value) {
  std::array<char, 32> buf;
  auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), value);
  out.append(buf.data(), end);
}

}  // namespace

struct Metrics::Impl {
  mutable std::mutex mutex;
  // Guarded by mutex.
  std::map<CounterKey, uint64_t, CounterKeyLess> requests;
  std::map<std::string, Histogram, std::less<>> durations;
};

Metrics::Metrics() : impl_(std::make_unique<Impl>()) {}
Metrics::~Metrics() = default;

void Metrics::observe(std::string_view route, std::string_view method, int status, std::chrono::nanoseconds latency) {
  method = method_label(method);
  const double seconds = std::chrono::duration<double>(latency).count();
  size_t bucket = 0;
  while (bucket < kBounds.size() && seconds > kBounds[bucket]) ++bucket;

  std::lock_guard lock(impl_->mutex);
  // Look up by view first so that the common case allocates nothing.
  auto counter = impl_->requests.find(CounterKeyView{route, method, status});
  if (counter == impl_->requests.end()) {
    counter = impl_->requests.emplace(CounterKey{std::string(route), std::string(method), status}, 0).first;
  }
  ++counter->second;
  auto histogram = impl_->durations.find(route);
  if (histogram == impl_->durations.end()) histogram = impl_->durations.emplace(std::string(route), Histogram{}).first;
  ++histogram->second.buckets[bucket];
  histogram->second.sum += seconds;
  ++histogram->second.count;
}

std::string Metrics::render() const {
  std::string out;
  std::lock_guard lock(impl_->mutex);
  out += "# HELP redress_http_requests_total HTTP requests answered, by route, method and status.\n";
  out += "# TYPE redress_http_requests_total counter\n";
  for (const auto& [key, value] : impl_->requests) {
    out += "redress_http_requests_total{route=\"";
    append_label_value(out, key.route);
    out += "\",method=\"";
    append_label_value(out, key.method);
    out += "\",status=\"" + std::to_string(key.status) + "\"} " + std::to_string(value) + "\n";
  }
  out += "# HELP redress_http_request_duration_seconds Time to handle a request and write its response.\n";
  out += "# TYPE redress_http_request_duration_seconds histogram\n";
  for (const auto& [route, histogram] : impl_->durations) {
    std::string label;
    append_label_value(label, route);
    uint64_t cumulative = 0;
    for (size_t i = 0; i < kBoundLabels.size(); ++i) {
      cumulative += histogram.buckets[i];
      out += "redress_http_request_duration_seconds_bucket{route=\"" + label + "\",le=\"";
      out += kBoundLabels[i];
      out += "\"} " + std::to_string(cumulative) + "\n";
    }
    out += "redress_http_request_duration_seconds_sum{route=\"" + label + "\"} ";
    append_number(out, histogram.sum);
    out += "\nredress_http_request_duration_seconds_count{route=\"" + label + "\"} " +
           std::to_string(histogram.count) + "\n";
  }
  return out;
}

}  // namespace redress::http
