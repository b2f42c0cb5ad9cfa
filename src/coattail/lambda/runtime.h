// The custom-runtime loop of a Lambda function written in C++: initialise once, then take
// invocations one at a time from the Runtime API, run the handler on each, and post its response
// or its error. The binary that calls Main is the function's `bootstrap`.
#ifndef COATTAIL_LAMBDA_RUNTIME_H_
#define COATTAIL_LAMBDA_RUNTIME_H_

#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "coattail/aws/env.h"
#include "coattail/lambda/runtime_api.h"

namespace coattail::lambda {

// A handler returns the response document (JSON), or a status reported as the invocation's error:
// its code becomes the error type ("InvalidArgument", ...) and its message the error message.
using Handler = std::function<absl::StatusOr<std::string>(const Invocation&)>;

// One JSON object per line on the log stream (CloudWatch Logs parses these):
// {"timestamp":"2026-12-08T03:14:15.926Z","level":"INFO","requestId":"...","message":"..."}.
class Logger {
 public:
  Logger() : out_(stdout) {}
  explicit Logger(std::FILE* out) : out_(out) {}
  void Info(std::string_view request_id, std::string_view message) const;
  void Error(std::string_view request_id, std::string_view message) const;

 private:
  void Write(std::string_view level, std::string_view request_id, std::string_view message) const;
  std::FILE* out_;
};

struct LoopOptions {
  // Stop after this many invocations; 0 runs until the Runtime API fails, as on Lambda.
  int64_t max_invocations = 0;
  Logger logger;
};

// Next -> handler -> response or error, until `max_invocations` or a Runtime API failure (Lambda
// then ends the instance). Before each handler call, _X_AMZN_TRACE_ID is set to the invocation's
// X-Ray trace header (or cleared), so that the AWS calls the handler makes carry it on. A handler
// that throws is reported as "Runtime.UnhandledException" and the loop goes on. Returns how many
// invocations were handled.
absl::StatusOr<int64_t> RunLoop(RuntimeApiClient& api, const Handler& handler,
                                const LoopOptions& options = {});

// The whole life of a bootstrap: reads AWS_LAMBDA_RUNTIME_API from `env`, runs `init` once (a
// failure is posted as an init error), then RunLoop. Returns the process exit code: 0 after
// `max_invocations`, 1 when the Runtime API or the initialisation failed.
int Main(const std::function<absl::StatusOr<Handler>()>& init, const aws::Env& env,
         const LoopOptions& options = {});

}  // namespace coattail::lambda

#endif  // COATTAIL_LAMBDA_RUNTIME_H_
