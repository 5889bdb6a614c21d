#pragma once
// A review platform's webhook on 127.0.0.1 for tests: records each request and answers
// with the statuses it was told, in order (200 once they run out). One request per
// connection.
#include <atomic>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace redress::test {

class WebhookReceiver {
 public:
  struct Received {
    std::string method;
    std::string target;
    std::map<std::string, std::string> headers;  // names lower-cased
    std::string body;
  };

  WebhookReceiver();
  ~WebhookReceiver();

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/hooks/redress"; }

  void answer_next(std::vector<int> statuses) {
    std::lock_guard lock(mutex_);
    for (int s : statuses) statuses_.push_back(s);
  }

  std::vector<Received> received() {
    std::lock_guard lock(mutex_);
    return received_;
  }

 private:
  void serve();
  void handle(int client);
  static Received parse_head(const std::string& head);

  int fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::mutex mutex_;
  std::deque<int> statuses_;        // guarded by mutex_
  std::vector<Received> received_;  // guarded by mutex_
};

}  // namespace redress::test
