#include "coattail/lambda/runtime_api.h"

#include <curl/curl.h>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "coattail/base/strings.h"
#include "coattail/io/json_writer.h"

namespace coattail::lambda {
namespace {

constexpr std::string_view kApiVersion = "/2018-06-01";

size_t AppendBody(char* data, size_t size, size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

size_t AppendHeader(char* data, size_t size, size_t count, void* user) {
  auto* headers = static_cast<std::vector<std::pair<std::string, std::string>>*>(user);
  const std::string_view line(data, size * count);
  const size_t colon = line.find(':');
  if (colon != std::string_view::npos) {
    headers->emplace_back(
        absl::AsciiStrToLower(base::ToAbsl(line.substr(0, colon))),
        std::string(absl::StripAsciiWhitespace(base::ToAbsl(line.substr(colon + 1)))));
  } else if (absl::StartsWith(base::ToAbsl(line), "HTTP/")) {
    headers->clear();  // a new response (after a redirect or 100 Continue) starts over
  }
  return size * count;
}

}  // namespace

struct RuntimeApiClient::Response {
  long status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;

  std::string Header(std::string_view name) const {
    for (const auto& [key, value] : headers) {
      if (key == name) return value;
    }
    return "";
  }
};

std::string ErrorReport::ToJson() const {
  std::string out = "{\"errorMessage\":";
  io::AppendJsonString(out, message);
  out.append(",\"errorType\":");
  io::AppendJsonString(out, type);
  out.append(",\"stackTrace\":[]}");
  return out;
}

absl::StatusOr<std::unique_ptr<RuntimeApiClient>> RuntimeApiClient::Create(std::string endpoint) {
  if (endpoint.empty() || endpoint.find('/') != std::string::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("AWS_LAMBDA_RUNTIME_API must be host:port, got '", endpoint, "'"));
  }
  std::unique_ptr<RuntimeApiClient> client(new RuntimeApiClient(std::move(endpoint)));
  client->curl_ = curl_easy_init();
  if (client->curl_ == nullptr) return absl::InternalError("curl_easy_init failed");
  return client;
}

RuntimeApiClient::RuntimeApiClient(std::string endpoint) : endpoint_(std::move(endpoint)) {}

RuntimeApiClient::~RuntimeApiClient() {
  if (curl_ != nullptr) curl_easy_cleanup(static_cast<CURL*>(curl_));
}

absl::StatusOr<RuntimeApiClient::Response> RuntimeApiClient::Perform(std::string_view method,
                                                                     std::string_view path,
                                                                     std::string_view body,
                                                                     std::string_view error_type) {
  CURL* curl = static_cast<CURL*>(curl_);
  curl_easy_reset(curl);
  Response response;
  const std::string url =
      absl::StrCat("http://", endpoint_, base::ToAbsl(kApiVersion), base::ToAbsl(path));
  curl_slist* headers = nullptr;
  if (!error_type.empty()) {
    headers = curl_slist_append(
        headers,
        absl::StrCat("Lambda-Runtime-Function-Error-Type: ", base::ToAbsl(error_type)).c_str());
  }
  headers = curl_slist_append(headers, "Content-Type: application/json");
  // A POST body is sent at once: the Runtime API does not answer 100 Continue.
  headers = curl_slist_append(headers, "Expect:");
  CURLcode rc = curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  // The Runtime API is on the sandbox's loopback: never through a proxy from the environment.
  if (rc == CURLE_OK) rc = curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");
  if (rc == CURLE_OK) rc = curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  if (rc == CURLE_OK) rc = curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &AppendBody);
  if (rc == CURLE_OK) rc = curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response.body);
  if (rc == CURLE_OK) rc = curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, &AppendHeader);
  if (rc == CURLE_OK) rc = curl_easy_setopt(curl, CURLOPT_HEADERDATA, &response.headers);
  if (rc == CURLE_OK) rc = curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
  if (rc == CURLE_OK && method == "POST") {
    rc = curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    if (rc == CURLE_OK) rc = curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
  }
  if (rc == CURLE_OK) rc = curl_easy_perform(curl);
  if (rc == CURLE_OK) rc = curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
  curl_slist_free_all(headers);
  if (rc != CURLE_OK) {
    return absl::UnavailableError(absl::StrCat("runtime API ", base::ToAbsl(method), " ",
                                               base::ToAbsl(path), ": ", curl_easy_strerror(rc)));
  }
  return response;
}

absl::StatusOr<Invocation> RuntimeApiClient::Next() {
  absl::StatusOr<Response> r = Perform("GET", "/runtime/invocation/next", "", "");
  if (!r.ok()) return r.status();
  if (r->status != 200) {
    return absl::UnavailableError(
        absl::StrCat("runtime API next: HTTP ", r->status, ": ", r->body));
  }
  Invocation inv;
  inv.request_id = r->Header("lambda-runtime-aws-request-id");
  if (inv.request_id.empty()) {
    return absl::DataLossError("runtime API next: no Lambda-Runtime-Aws-Request-Id header");
  }
  if (!absl::SimpleAtoi(r->Header("lambda-runtime-deadline-ms"), &inv.deadline_ms)) {
    return absl::DataLossError(absl::StrCat("runtime API next: invocation ", inv.request_id,
                                            " has no valid Lambda-Runtime-Deadline-Ms header"));
  }
  inv.invoked_function_arn = r->Header("lambda-runtime-invoked-function-arn");
  inv.trace_id = r->Header("lambda-runtime-trace-id");
  inv.client_context = r->Header("lambda-runtime-client-context");
  inv.cognito_identity = r->Header("lambda-runtime-cognito-identity");
  inv.payload = std::move(r->body);
  return inv;
}

absl::Status RuntimeApiClient::PostAccepted(std::string_view path, std::string_view body,
                                            std::string_view error_type) {
  absl::StatusOr<Response> r = Perform("POST", path, body, error_type);
  if (!r.ok()) return r.status();
  if (r->status != 202) {
    // 413: the response is over the payload limit (6 MB); 400/403: the request id is unknown
    // or already answered.
    return absl::FailedPreconditionError(
        absl::StrCat("runtime API POST ", base::ToAbsl(path), ": HTTP ", r->status, ": ", r->body));
  }
  return absl::OkStatus();
}

absl::Status RuntimeApiClient::Respond(std::string_view request_id, std::string_view body) {
  return PostAccepted(absl::StrCat("/runtime/invocation/", base::ToAbsl(request_id), "/response"),
                      body, "");
}

absl::Status RuntimeApiClient::ReportError(std::string_view request_id, const ErrorReport& error) {
  return PostAccepted(absl::StrCat("/runtime/invocation/", base::ToAbsl(request_id), "/error"),
                      error.ToJson(), error.type);
}

absl::Status RuntimeApiClient::ReportInitError(const ErrorReport& error) {
  return PostAccepted("/runtime/init/error", error.ToJson(), error.type);
}

}  // namespace coattail::lambda
