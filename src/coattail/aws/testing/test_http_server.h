// A minimal HTTP/1.1 server for tests on 127.0.0.1 and an ephemeral port: an accept thread plus
// one thread per connection (keep-alive), recording every request verbatim and answering from a
// handler that is called under a lock, one request at a time. Every wait is bounded, so a
// misbehaving client cannot hang a test.
#ifndef COATTAIL_AWS_TESTING_TEST_HTTP_SERVER_H_
#define COATTAIL_AWS_TESTING_TEST_HTTP_SERVER_H_

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace coattail::aws::testing {

struct RecordedRequest {
  std::string method;
  std::string target;                                        // request-target, e.g. "/"
  std::vector<std::pair<std::string, std::string>> headers;  // in order, as received
  std::string body;
  int connection = 0;  // 1-based index of the TCP connection it came on

  // Every value of a header (names compare case-insensitively).
  [[nodiscard]] std::vector<std::string> HeaderValues(std::string_view name) const;
  // The first value, or "" when absent.
  [[nodiscard]] std::string Header(std::string_view name) const;
};

struct CannedResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // Wait this long before answering (the client's timeout tests).
  absl::Duration delay = absl::ZeroDuration();
  // Close the connection without answering (a transport error for the client).
  bool drop_connection = false;

  static CannedResponse Json(int status, std::string body) {
    CannedResponse r;
    r.status = status;
    r.body = std::move(body);
    r.headers.emplace_back("Content-Type", "application/x-amz-json-1.1");
    return r;
  }
};

class TestHttpServer {
 public:
  using Handler = std::function<CannedResponse(const RecordedRequest&)>;

  // Listens on 127.0.0.1:0. Aborts the test binary if the socket cannot be set up.
  explicit TestHttpServer(Handler handler);
  // Answers the responses in order, then 500s.
  explicit TestHttpServer(std::vector<CannedResponse> responses);
  ~TestHttpServer();
  TestHttpServer(const TestHttpServer&) = delete;
  TestHttpServer& operator=(const TestHttpServer&) = delete;

  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/"; }

  // Whether to answer "Expect: 100-continue" with "100 Continue" (default) or stay silent.
  void set_send_continue(bool send) { send_continue_ = send; }

  std::vector<RecordedRequest> requests() const;
  int connections() const;

 private:
  void Run();
  void Serve(int fd, int connection);

  Handler handler_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<bool> send_continue_{true};
  absl::Mutex handler_mutex_;  // serializes handler_ calls
  mutable absl::Mutex mutex_;
  std::vector<RecordedRequest> requests_ ABSL_GUARDED_BY(mutex_);
  int connections_ ABSL_GUARDED_BY(mutex_) = 0;
  std::vector<std::thread> connection_threads_;  // only touched by thread_
  std::thread thread_;
};

}  // namespace coattail::aws::testing

#endif  // COATTAIL_AWS_TESTING_TEST_HTTP_SERVER_H_
