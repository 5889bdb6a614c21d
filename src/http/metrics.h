#pragma once
// Prometheus metrics for HTTP: request counts by route, method and status, and a latency
// histogram by route. Thread-safe; rendering takes a consistent snapshot. Methods outside
// the standard set are counted as "OTHER" so that clients cannot grow the label space.
#include <chrono>
#include <memory>
#include <string>
#include <string_view>

namespace redress::http {

class Metrics {
 public:
  Metrics();
  ~Metrics();
  void observe(std::string_view route, std::string_view method, int status, std::chrono::nanoseconds latency);
  // The Prometheus text exposition format (version 0.0.4).
  std::string render() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace redress::http
