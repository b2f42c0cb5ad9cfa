// A client of the Lambda Runtime API (2018-06-01), the HTTP interface a custom runtime such as
// provided.al2023 talks to at $AWS_LAMBDA_RUNTIME_API: fetch the next invocation, post its
// response or its error, or report a failed initialisation. Plain HTTP on the sandbox's loopback,
// unsigned, over one reused libcurl handle. Not thread-safe; a function instance handles one
// invocation at a time anyway.
#ifndef COATTAIL_LAMBDA_RUNTIME_API_H_
#define COATTAIL_LAMBDA_RUNTIME_API_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace coattail::lambda {

// One invocation, as the Runtime API hands it out.
struct Invocation {
  std::string request_id;            // Lambda-Runtime-Aws-Request-Id
  int64_t deadline_ms = 0;           // Lambda-Runtime-Deadline-Ms: Unix time in milliseconds
  std::string invoked_function_arn;  // Lambda-Runtime-Invoked-Function-Arn
  std::string trace_id;              // Lambda-Runtime-Trace-Id (X-Ray), "" when absent
  std::string client_context;        // Lambda-Runtime-Client-Context, "" when absent
  std::string cognito_identity;      // Lambda-Runtime-Cognito-Identity, "" when absent
  std::string payload;               // the event, JSON

  // Milliseconds left before the deadline at `now_ms` (negative once it has passed).
  int64_t remaining_ms(int64_t now_ms) const { return deadline_ms - now_ms; }
};

// The error document the Runtime API expects: {"errorMessage", "errorType", "stackTrace"}.
struct ErrorReport {
  std::string type;  // e.g. "InvalidEvent", "Runtime.HandlerFailed"
  std::string message;

  std::string ToJson() const;
};

class RuntimeApiClient {
 public:
  // `endpoint` is host:port, the value of AWS_LAMBDA_RUNTIME_API.
  static absl::StatusOr<std::unique_ptr<RuntimeApiClient>> Create(std::string endpoint);
  ~RuntimeApiClient();
  RuntimeApiClient(const RuntimeApiClient&) = delete;
  RuntimeApiClient& operator=(const RuntimeApiClient&) = delete;

  // Blocks until the next invocation arrives (the Runtime API answers when there is one; this GET
  // has no timeout). An answer without a request id or deadline is an error: nothing can be
  // answered to it.
  absl::StatusOr<Invocation> Next();
  absl::Status Respond(std::string_view request_id, std::string_view body);
  // Reports the invocation failed; the caller (Lambda, or the event source mapping) retries.
  absl::Status ReportError(std::string_view request_id, const ErrorReport& error);
  // Reports that the function could not initialise; Lambda then ends this instance.
  absl::Status ReportInitError(const ErrorReport& error);

 private:
  struct Response;
  explicit RuntimeApiClient(std::string endpoint);
  absl::StatusOr<Response> Perform(std::string_view method, std::string_view path,
                                   std::string_view body, std::string_view error_type);
  // POSTs and requires 202 Accepted, the Runtime API's answer to a response or error.
  absl::Status PostAccepted(std::string_view path, std::string_view body,
                            std::string_view error_type);

  std::string endpoint_;
  void* curl_ = nullptr;  // CURL*, kept out of this header
};

}  // namespace coattail::lambda

#endif  // COATTAIL_LAMBDA_RUNTIME_API_H_
