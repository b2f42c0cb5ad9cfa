#include "coattail/lambda/runtime.h"

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "coattail/base/strings.h"
#include "coattail/io/json_writer.h"

namespace coattail::lambda {
namespace {

constexpr char kTraceVariable[] = "_X_AMZN_TRACE_ID";

void SetTraceId(const std::string& trace_id) {
  if (trace_id.empty()) {
    unsetenv(kTraceVariable);
  } else {
    setenv(kTraceVariable, trace_id.c_str(), 1);
  }
}

// The handler, with exceptions converted to a status at this library edge.
absl::StatusOr<std::string> Invoke(const Handler& handler, const Invocation& invocation,
                                   std::string& error_type) {
  try {
    absl::StatusOr<std::string> result = handler(invocation);
    if (!result.ok()) error_type = absl::StatusCodeToString(result.status().code());
    return result;
  } catch (const std::exception& e) {
    error_type = "Runtime.UnhandledException";
    return absl::InternalError(e.what());
  } catch (...) {
    error_type = "Runtime.UnhandledException";
    return absl::InternalError("the handler threw a non-standard exception");
  }
}

}  // namespace

void Logger::Info(std::string_view request_id, std::string_view message) const {
  Write("INFO", request_id, message);
}

void Logger::Error(std::string_view request_id, std::string_view message) const {
  Write("ERROR", request_id, message);
}

void Logger::Write(std::string_view level, std::string_view request_id,
                   std::string_view message) const {
  std::string line = "{\"timestamp\":\"";
  line.append(absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone()));
  line.append("\",\"level\":");
  io::AppendJsonString(line, level);
  if (!request_id.empty()) {
    line.append(",\"requestId\":");
    io::AppendJsonString(line, request_id);
  }
  line.append(",\"message\":");
  io::AppendJsonString(line, message);
  line.append("}\n");
  std::fwrite(line.data(), 1, line.size(), out_);
  std::fflush(out_);
}

absl::StatusOr<int64_t> RunLoop(RuntimeApiClient& api, const Handler& handler,
                                const LoopOptions& options) {
  int64_t handled = 0;
  while (options.max_invocations == 0 || handled < options.max_invocations) {
    absl::StatusOr<Invocation> invocation = api.Next();
    if (!invocation.ok()) return invocation.status();
    SetTraceId(invocation->trace_id);
    std::string error_type;
    absl::StatusOr<std::string> response = Invoke(handler, *invocation, error_type);
    absl::Status posted;
    if (response.ok()) {
      posted = api.Respond(invocation->request_id, *response);
    } else {
      options.logger.Error(invocation->request_id,
                           absl::StrCat(error_type, ": ", response.status().message()));
      posted = api.ReportError(invocation->request_id,
                               ErrorReport{error_type, std::string(response.status().message())});
    }
    // A response the Runtime API refuses (too large, already answered) is this invocation's
    // failure, not the instance's: it is logged and the loop goes on.
    if (!posted.ok()) {
      if (posted.code() == absl::StatusCode::kUnavailable) return posted;
      options.logger.Error(invocation->request_id, base::ToStd(posted.message()));
    }
    ++handled;
  }
  return handled;
}

int Main(const std::function<absl::StatusOr<Handler>()>& init, const aws::Env& env,
         const LoopOptions& options) {
  const std::optional<std::string> endpoint = env.Get("AWS_LAMBDA_RUNTIME_API");
  if (!endpoint) {
    options.logger.Error("", "AWS_LAMBDA_RUNTIME_API is not set: not running under Lambda");
    return 1;
  }
  absl::StatusOr<std::unique_ptr<RuntimeApiClient>> api = RuntimeApiClient::Create(*endpoint);
  if (!api.ok()) {
    options.logger.Error("", base::ToStd(api.status().message()));
    return 1;
  }
  absl::StatusOr<Handler> handler = init();
  if (!handler.ok()) {
    options.logger.Error("", absl::StrCat("init failed: ", handler.status().message()));
    const ErrorReport report{"Runtime.InitError", std::string(handler.status().message())};
    if (absl::Status s = (*api)->ReportInitError(report); !s.ok()) {
      options.logger.Error("", base::ToStd(s.message()));
    }
    return 1;
  }
  absl::StatusOr<int64_t> handled = RunLoop(**api, *handler, options);
  if (!handled.ok()) {
    options.logger.Error("", base::ToStd(handled.status().message()));
    return 1;
  }
  return 0;
}

}  // namespace coattail::lambda
