#include "coattail/aws/testing/test_http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "coattail/base/strings.h"

namespace coattail::aws::testing {

namespace {

// No single read may stall longer than this; a client that goes quiet loses its connection.
constexpr int kIdleTimeoutMs = 5000;
constexpr int kPollSliceMs = 20;

[[noreturn]] void Die(const char* what) {
  std::fprintf(stderr, "TestHttpServer: %s: %s\n", what, std::strerror(errno));
  std::abort();
}

std::string_view ReasonPhrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 400:
      return "Bad Request";
    case 403:
      return "Forbidden";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    default:
      return "Status";
  }
}

bool SendAll(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

}  // namespace

std::vector<std::string> RecordedRequest::HeaderValues(std::string_view name) const {
  std::vector<std::string> values;
  for (const auto& [key, value] : headers) {
    if (absl::EqualsIgnoreCase(key, base::ToAbsl(name))) {
      values.push_back(value);
    }
  }
  return values;
}

std::string RecordedRequest::Header(std::string_view name) const {
  std::vector<std::string> values = HeaderValues(name);
  return values.empty() ? std::string() : values.front();
}

TestHttpServer::TestHttpServer(std::vector<CannedResponse> responses)
    : TestHttpServer([queue = std::make_shared<std::deque<CannedResponse>>(
                          std::make_move_iterator(responses.begin()),
                          std::make_move_iterator(responses.end()))](const RecordedRequest&) {
        if (queue->empty())
          return CannedResponse::Json(500, R"({"message":"no more canned responses"})");
        CannedResponse next = std::move(queue->front());
        queue->pop_front();
        return next;
      }) {}

TestHttpServer::TestHttpServer(Handler handler) : handler_(std::move(handler)) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) Die("socket");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = 0;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) Die("bind");
  if (::listen(listen_fd_, 16) != 0) Die("listen");
  socklen_t length = sizeof(address);
  if (::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    Die("getsockname");
  }
  port_ = ntohs(address.sin_port);
  thread_ = std::thread([this] { Run(); });
}

TestHttpServer::~TestHttpServer() {
  stop_ = true;
  thread_.join();
  ::close(listen_fd_);
}

std::vector<RecordedRequest> TestHttpServer::requests() const {
  absl::MutexLock lock(&mutex_);
  return requests_;
}

int TestHttpServer::connections() const {
  absl::MutexLock lock(&mutex_);
  return connections_;
}

void TestHttpServer::Run() {
  while (!stop_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (::poll(&p, 1, kPollSliceMs) <= 0) continue;
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    int connection = 0;
    {
      absl::MutexLock lock(&mutex_);
      connection = ++connections_;
    }
    connection_threads_.emplace_back([this, fd, connection] {
      Serve(fd, connection);
      ::close(fd);
    });
  }
  for (std::thread& t : connection_threads_) t.join();
}

void TestHttpServer::Serve(int fd, int connection) {
  std::string buffer;
  // Reads more bytes into `buffer`; false on EOF, error, idle timeout or shutdown.
  auto read_more = [&]() -> bool {
    for (int waited = 0; waited < kIdleTimeoutMs && !stop_; waited += kPollSliceMs) {
      pollfd p{fd, POLLIN, 0};
      const int ready = ::poll(&p, 1, kPollSliceMs);
      if (ready < 0 && errno != EINTR) return false;
      if (ready <= 0) continue;
      char chunk[65536];
      const ssize_t n = ::recv(fd, chunk, sizeof(chunk), 0);
      if (n <= 0) return false;
      buffer.append(chunk, static_cast<size_t>(n));
      return true;
    }
    return false;
  };

  while (!stop_) {
    size_t header_end;
    while ((header_end = buffer.find("\r\n\r\n")) == std::string::npos) {
      if (!read_more()) return;
    }
    RecordedRequest request;
    request.connection = connection;
    const std::string head = buffer.substr(0, header_end);
    buffer.erase(0, header_end + 4);
    std::vector<std::string> lines = absl::StrSplit(head, "\r\n");
    std::vector<std::string> request_line = absl::StrSplit(lines[0], ' ');
    if (request_line.size() != 3) return;
    request.method = request_line[0];
    request.target = request_line[1];
    size_t content_length = 0;
    bool expect_continue = false;
    for (size_t i = 1; i < lines.size(); ++i) {
      const size_t colon = lines[i].find(':');
      if (colon == std::string::npos) return;
      std::string name = lines[i].substr(0, colon);
      std::string value(absl::StripAsciiWhitespace(absl::string_view(lines[i]).substr(colon + 1)));
      if (absl::EqualsIgnoreCase(name, "Content-Length") &&
          !absl::SimpleAtoi(value, &content_length)) {
        return;
      }
      if (absl::EqualsIgnoreCase(name, "Expect") && absl::EqualsIgnoreCase(value, "100-continue")) {
        expect_continue = true;
      }
      request.headers.emplace_back(std::move(name), std::move(value));
    }
    if (expect_continue && send_continue_ && buffer.size() < content_length) {
      if (!SendAll(fd, "HTTP/1.1 100 Continue\r\n\r\n")) return;
    }
    while (buffer.size() < content_length) {
      if (!read_more()) return;
    }
    request.body = buffer.substr(0, content_length);
    buffer.erase(0, content_length);

    CannedResponse response;
    {
      absl::MutexLock handler_lock(&handler_mutex_);
      response = handler_(request);
      absl::MutexLock lock(&mutex_);
      requests_.push_back(std::move(request));
    }
    if (response.drop_connection) return;
    if (response.delay > absl::ZeroDuration()) {
      const absl::Time until = absl::Now() + response.delay;
      while (!stop_ && absl::Now() < until) absl::SleepFor(absl::Milliseconds(kPollSliceMs));
    }
    std::string out =
        absl::StrCat("HTTP/1.1 ", response.status, " ", base::ToAbsl(ReasonPhrase(response.status)),
                     "\r\nContent-Length: ", response.body.size(), "\r\n");
    for (const auto& [name, value] : response.headers)
      absl::StrAppend(&out, name, ": ", value, "\r\n");
    absl::StrAppend(&out, "\r\n", response.body);
    if (!SendAll(fd, out)) return;
  }
}

}  // namespace coattail::aws::testing
