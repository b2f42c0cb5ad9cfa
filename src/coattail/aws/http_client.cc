#include "coattail/aws/http_client.h"

#include <curl/curl.h>

#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/cord.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "coattail/aws/crc32.h"
#include "coattail/aws/endpoint.h"
#include "coattail/aws/shared_config.h"
#include "coattail/base/strings.h"
#include "simdjson.h"

namespace coattail::aws {

namespace {

constexpr char kErrorTypePayload[] = "type.coattail/aws.ErrorType";

using base::ToAbsl;

CURL* Handle(void* curl) { return static_cast<CURL*>(curl); }

absl::Status InitCurlOnce() {
  static CURLcode result = [] { return curl_global_init(CURL_GLOBAL_DEFAULT); }();
  if (result != CURLE_OK) {
    return absl::InternalError(
        absl::StrCat("curl_global_init failed: ", curl_easy_strerror(result)));
  }
  return absl::OkStatus();
}

// Transport failures another attempt may not hit.
bool IsRetryableCurlError(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return true;
    default:
      return false;
  }
}

long ToMillis(absl::Duration d) {
  const int64_t ms = absl::ToInt64Milliseconds(d);
  return ms < 1 ? 1L : static_cast<long>(ms);
}

// Operation names are identifiers; anything else (a CR or LF above all) must not reach a header.
bool IsValidTarget(std::string_view target) {
  if (target.empty() || target.size() > 128) return false;
  for (char c : target) {
    if (!(absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.')) {
      return false;
    }
  }
  return true;
}

std::string_view OperationName(std::string_view target) {
  const size_t dot = target.rfind('.');
  return dot == std::string_view::npos ? target : target.substr(dot + 1);
}

// "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException" -> "ResourceNotFoundException";
// the x-amzn-ErrorType header form "Name:http://internal.amazon.com/..." -> "Name".
std::string_view NormalizeErrorType(std::string_view type) {
  if (const size_t hash = type.rfind('#'); hash != std::string_view::npos) {
    type = type.substr(hash + 1);
  }
  if (const size_t colon = type.find(':'); colon != std::string_view::npos) {
    type = type.substr(0, colon);
  }
  return type;
}

struct ErrorBody {
  std::string type;
  std::string message;
};

ErrorBody ParseErrorBody(const std::string& body) {
  ErrorBody error;
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(body.data(), body.size(), /*realloc_if_needed=*/true).get(root) ==
          simdjson::SUCCESS &&
      root.is_object()) {
    std::string_view value;
    if (root["__type"].get_string().get(value) == simdjson::SUCCESS) {
      error.type = std::string(NormalizeErrorType(value));
    }
    // Kinesis and DynamoDB write "message"; some services write "Message".
    if (root["message"].get_string().get(value) == simdjson::SUCCESS ||
        root["Message"].get_string().get(value) == simdjson::SUCCESS) {
      error.message = std::string(value);
    }
    return error;
  }
  // Not JSON (a proxy's HTML page, say): keep the start of it for the message.
  constexpr size_t kMaxExcerpt = 200;
  error.message = absl::CEscape(ToAbsl(std::string_view(body).substr(0, kMaxExcerpt)));
  return error;
}

}  // namespace

struct AwsJsonClient::Attempt {
  explicit Attempt(size_t max_body) : max_body_bytes(max_body) {}

  size_t max_body_bytes;
  bool body_too_large = false;
  CURLcode curl_code = CURLE_OK;
  char error_buffer[CURL_ERROR_SIZE] = {};
  long http_status = 0;
  std::string body;
  std::string error_type_header;  // x-amzn-ErrorType
  std::string request_id;         // x-amzn-RequestId
  std::string crc32_header;       // x-amz-crc32

  static size_t OnBody(char* data, size_t size, size_t count, void* self) {
    auto* attempt = static_cast<Attempt*>(self);
    if (attempt->body.size() + size * count > attempt->max_body_bytes) {
      attempt->body_too_large = true;
      return 0;  // makes curl fail the transfer with CURLE_WRITE_ERROR
    }
    attempt->body.append(data, size * count);
    return size * count;
  }

  static size_t OnHeader(char* data, size_t size, size_t count, void* self) {
    auto* attempt = static_cast<Attempt*>(self);
    const size_t length = size * count;
    std::string_view line(data, length);
    // A new status line ("HTTP/1.1 100 Continue", then the real one) starts a new header block.
    if (absl::StartsWith(ToAbsl(line), "HTTP/")) {
      attempt->error_type_header.clear();
      attempt->request_id.clear();
      attempt->crc32_header.clear();
      return length;
    }
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) return length;
    const absl::string_view name = ToAbsl(line.substr(0, colon));
    const std::string value(absl::StripAsciiWhitespace(ToAbsl(line.substr(colon + 1))));
    if (absl::EqualsIgnoreCase(name, "x-amzn-ErrorType")) {
      attempt->error_type_header = value;
    } else if (absl::EqualsIgnoreCase(name, "x-amzn-RequestId")) {
      attempt->request_id = value;
    } else if (absl::EqualsIgnoreCase(name, "x-amz-crc32")) {
      attempt->crc32_header = value;
    }
    return length;
  }
};

absl::StatusOr<ClientConfig> ResolveClientConfig(const AwsService& service, const Env& env) {
  absl::StatusOr<SharedConfig> shared = LoadSharedConfig(env);
  if (!shared.ok()) return shared.status();
  ClientConfig config;
  config.service = service;
  absl::StatusOr<Credentials> credentials = ResolveCredentials(env, *shared);
  if (!credentials.ok()) return credentials.status();
  config.credentials = *std::move(credentials);
  absl::StatusOr<std::string> region = ResolveRegion(env, *shared);
  if (!region.ok()) return region.status();
  config.region = *std::move(region);
  absl::StatusOr<Endpoint> endpoint = ResolveEndpoint(env, *shared, service, config.region);
  if (!endpoint.ok()) return endpoint.status();
  config.endpoint_url = std::move(endpoint->url);
  return config;
}

AwsJsonClient::AwsJsonClient(ClientConfig config, ClientOptions options)
    : config_(std::move(config)), options_(std::move(options)), backoff_(options_.retry) {}

AwsJsonClient::~AwsJsonClient() {
  if (curl_ != nullptr) curl_easy_cleanup(Handle(curl_));
  curl_slist_free_all(connect_to_);
}

absl::StatusOr<std::unique_ptr<AwsJsonClient>> AwsJsonClient::FromEnv(const AwsService& service,
                                                                      const Env& env,
                                                                      ClientOptions options) {
  absl::StatusOr<ClientConfig> config = ResolveClientConfig(service, env);
  if (!config.ok()) return config.status();
  return Create(*std::move(config), std::move(options));
}

absl::StatusOr<std::unique_ptr<AwsJsonClient>> AwsJsonClient::Create(ClientConfig config,
                                                                     ClientOptions options) {
  if (absl::Status status = InitCurlOnce(); !status.ok()) return status;
  if (absl::Status status = ValidateRegion(config.region); !status.ok()) return status;
  absl::StatusOr<std::string> url = NormalizeEndpointUrl(config.endpoint_url);
  if (!url.ok()) return url.status();
  config.endpoint_url = *std::move(url);
  if (config.credentials.access_key_id.empty() || config.credentials.secret_access_key.empty()) {
    return absl::InvalidArgumentError("AwsJsonClient: empty access key id or secret access key");
  }
  for (const std::string* header_value :
       {&config.credentials.session_token, &options.test_only_amz_date, &options.user_agent}) {
    if (header_value->find_first_of("\r\n") != std::string::npos) {
      return absl::InvalidArgumentError("AwsJsonClient: line break in a header value");
    }
  }
  if (!options.test_only_amz_date.empty() && options.test_only_amz_date.size() != 16) {
    return absl::InvalidArgumentError("test_only_amz_date must look like 20260115T083015Z");
  }
  if (options.retry.max_attempts < 1) {
    return absl::InvalidArgumentError("retry.max_attempts must be at least 1");
  }
  if (!options.sleep) options.sleep = [](absl::Duration d) { absl::SleepFor(d); };
  std::unique_ptr<AwsJsonClient> client(new AwsJsonClient(std::move(config), std::move(options)));
  if (absl::Status status = client->Init(); !status.ok()) return status;
  return client;
}

absl::Status AwsJsonClient::Init() {
  CURL* curl = curl_easy_init();
  if (curl == nullptr) return absl::ResourceExhaustedError("curl_easy_init failed");
  curl_ = curl;
  const std::string sigv4 =
      absl::StrCat("aws:amz:", config_.region, ":", ToAbsl(config_.service.signing_name));
  for (const std::string& entry : options_.connect_to) {
    curl_slist* appended = curl_slist_append(connect_to_, entry.c_str());
    if (appended == nullptr) return absl::ResourceExhaustedError("curl_slist_append failed");
    connect_to_ = appended;
  }
  CURLcode rc = CURLE_OK;
  auto set = [&](CURLoption option, auto value) {
    if (rc == CURLE_OK) rc = curl_easy_setopt(curl, option, value);
  };
  set(CURLOPT_URL, config_.endpoint_url.c_str());
  set(CURLOPT_PROTOCOLS_STR, "http,https");
  // HTTP/1.1 like the AWS SDKs, rather than curl's default of HTTP/2 where TLS offers it: one
  // well-trodden path, and the one the signing tests exercise.
  set(CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_1_1));
  set(CURLOPT_AWS_SIGV4, sigv4.c_str());
  // Separate options rather than CURLOPT_USERPWD's "user:password", which would split a
  // secret containing ':' at the wrong place.
  set(CURLOPT_USERNAME, config_.credentials.access_key_id.c_str());
  set(CURLOPT_PASSWORD, config_.credentials.secret_access_key.c_str());
  set(CURLOPT_NOSIGNAL, 1L);
  set(CURLOPT_TCP_KEEPALIVE, 1L);
  set(CURLOPT_CONNECTTIMEOUT_MS, ToMillis(options_.connect_timeout));
  set(CURLOPT_TIMEOUT_MS, ToMillis(options_.request_timeout));
  set(CURLOPT_EXPECT_100_TIMEOUT_MS, ToMillis(options_.expect_continue_timeout));
  set(CURLOPT_USERAGENT, options_.user_agent.c_str());
  set(CURLOPT_WRITEFUNCTION, &Attempt::OnBody);
  set(CURLOPT_HEADERFUNCTION, &Attempt::OnHeader);
  if (options_.proxy.has_value()) set(CURLOPT_PROXY, options_.proxy->c_str());
  if (connect_to_ != nullptr) set(CURLOPT_CONNECT_TO, connect_to_);
  if (rc != CURLE_OK) {
    return absl::InvalidArgumentError(
        absl::StrCat("configuring libcurl: ", curl_easy_strerror(rc)));
  }
  return absl::OkStatus();
}

void AwsJsonClient::Perform(std::string_view target, std::string_view body, Attempt& attempt) {
  CURL* curl = Handle(curl_);
  // The signature covers every header in this list, so it must hold exactly what is sent:
  // in particular no "Expect:" (curl 7.88 would sign it and then drop it). curl adds
  // Host, X-Amz-Date and Authorization itself, and Content-Length, unsigned.
  curl_slist* headers = nullptr;
  const std::string lines[] = {
      absl::StrCat("Content-Type: ", ToAbsl(config_.service.content_type)),
      absl::StrCat("X-Amz-Target: ", ToAbsl(target)),
      config_.credentials.session_token.empty()
          ? std::string()
          : absl::StrCat("X-Amz-Security-Token: ", config_.credentials.session_token),
      options_.test_only_amz_date.empty()
          ? std::string()
          : absl::StrCat("X-Amz-Date: ", options_.test_only_amz_date),
  };
  for (const std::string& line : lines) {
    if (line.empty()) continue;
    curl_slist* appended = curl_slist_append(headers, line.c_str());
    if (appended == nullptr) {
      curl_slist_free_all(headers);
      attempt.curl_code = CURLE_OUT_OF_MEMORY;
      return;
    }
    headers = appended;
  }
  // curl hashes CURLOPT_POSTFIELDS for the signature; a body from a read callback would be
  // signed as if it were empty. POSTFIELDS does not copy: `body` outlives the transfer.
  const char* data = body.empty() ? "" : body.data();
  CURLcode rc = curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  if (rc == CURLE_OK) {
    rc = curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  }
  if (rc == CURLE_OK) rc = curl_easy_setopt(curl, CURLOPT_POSTFIELDS, data);
  if (rc == CURLE_OK) rc = curl_easy_setopt(curl, CURLOPT_WRITEDATA, &attempt);
  if (rc == CURLE_OK) rc = curl_easy_setopt(curl, CURLOPT_HEADERDATA, &attempt);
  if (rc == CURLE_OK) rc = curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, attempt.error_buffer);
  if (rc == CURLE_OK) rc = curl_easy_perform(curl);
  attempt.curl_code = rc;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &attempt.http_status);
  // Nothing may keep pointing at this attempt's buffers or the header list.
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, nullptr);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, nullptr);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, nullptr);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, nullptr);
  curl_slist_free_all(headers);
}

void AwsJsonClient::SleepBeforeRetry(int retry) { options_.sleep(backoff_.Delay(retry)); }

absl::StatusOr<std::string> AwsJsonClient::Call(std::string_view target,
                                                std::string_view json_body) {
  last_call_ = CallStats();
  const std::string what =
      absl::StrCat(ToAbsl(config_.service.signing_name), " ", ToAbsl(OperationName(target)));
  if (!IsValidTarget(target)) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid X-Amz-Target \"", absl::CEscape(ToAbsl(target)), "\""));
  }
  absl::Status last_error;
  for (int attempt_index = 0; attempt_index < options_.retry.max_attempts; ++attempt_index) {
    if (attempt_index > 0) SleepBeforeRetry(attempt_index - 1);
    Attempt attempt(options_.max_response_bytes);
    Perform(target, json_body, attempt);
    last_call_.attempts = attempt_index + 1;
    last_call_.http_status = attempt.http_status;
    last_call_.request_id = attempt.request_id;
    const std::string request_id_note =
        attempt.request_id.empty() ? "" : absl::StrCat(" (request id ", attempt.request_id, ")");

    bool retryable = false;
    if (attempt.body_too_large) {
      return absl::ResourceExhaustedError(
          absl::StrCat(what, ": response larger than ", options_.max_response_bytes,
                       " bytes (ClientOptions::max_response_bytes)", request_id_note));
    }
    if (attempt.curl_code != CURLE_OK) {
      retryable = IsRetryableCurlError(attempt.curl_code);
      // Non-retryable transport failures are configuration problems (TLS verification, an
      // unsupported scheme), not outages.
      const absl::StatusCode code = attempt.curl_code == CURLE_OPERATION_TIMEDOUT
                                        ? absl::StatusCode::kDeadlineExceeded
                                    : retryable ? absl::StatusCode::kUnavailable
                                                : absl::StatusCode::kFailedPrecondition;
      const char* detail = attempt.error_buffer[0] != '\0' ? attempt.error_buffer
                                                           : curl_easy_strerror(attempt.curl_code);
      last_error = absl::Status(code, absl::StrCat(what, ": ", config_.endpoint_url, ": ", detail));
    } else if (attempt.http_status >= 200 && attempt.http_status < 300) {
      if (attempt.crc32_header.empty()) return std::move(attempt.body);
      uint32_t expected = 0;
      const char* begin = attempt.crc32_header.data();
      const char* end = begin + attempt.crc32_header.size();
      const auto parsed = std::from_chars(begin, end, expected);
      if (parsed.ec == std::errc() && parsed.ptr == end && expected == Crc32(attempt.body)) {
        return std::move(attempt.body);
      }
      retryable = true;
      last_error =
          absl::DataLossError(absl::StrCat(what, ": response body does not match x-amz-crc32 ",
                                           attempt.crc32_header, request_id_note));
    } else {
      ErrorBody error = ParseErrorBody(attempt.body);
      if (error.type.empty())
        error.type = std::string(NormalizeErrorType(attempt.error_type_header));
      retryable = attempt.http_status >= 500 || attempt.http_status == 429 ||
                  IsThrottlingError(error.type) || IsTransientError(error.type);
      last_error = absl::Status(
          StatusCodeForAwsError(attempt.http_status, error.type),
          absl::StrCat(what, ": HTTP ", attempt.http_status, " ",
                       error.type.empty() ? "(no error code)" : error.type, ": ",
                       error.message.empty() ? "(no message)" : error.message, request_id_note));
      if (!error.type.empty()) last_error.SetPayload(kErrorTypePayload, absl::Cord(error.type));
    }
    if (!retryable) return last_error;
  }
  absl::Status exhausted(last_error.code(),
                         absl::StrCat(last_error.message(), " (gave up after ",
                                      options_.retry.max_attempts, " attempts)"));
  if (auto type = last_error.GetPayload(kErrorTypePayload); type.has_value()) {
    exhausted.SetPayload(kErrorTypePayload, *type);
  }
  return exhausted;
}

std::string AwsErrorType(const absl::Status& status) {
  auto type = status.GetPayload(kErrorTypePayload);  // absl::optional, not std:: here
  return type.has_value() ? std::string(*type) : std::string();
}

}  // namespace coattail::aws
