// One AWS JSON-protocol service (Kinesis, DynamoDB) over libcurl, signed with curl's built-in
// SigV4 (CURLOPT_AWS_SIGV4). The client keeps one easy handle, so consecutive calls reuse the
// connection. It is not thread-safe: use one client per thread.
//
// libcurl 7.88 traps this code is written around (see the .cc for the details):
//  - never pass an `Expect:` header: curl signs it but does not send it (signature mismatch).
//    Bodies over 1 MiB get curl's own, unsigned, `Expect: 100-continue` (plain HTTP/1.1; moto
//    answers it at once; not yet tried against real Kinesis/DynamoDB endpoints);
//  - the body must go through CURLOPT_POSTFIELDS, the only body curl hashes for the signature;
//  - a caller-set X-Amz-Date is signed but then sent twice, so it is only a test hook here;
//  - X-Amz-Security-Token is not added by curl: we add it (and curl then signs it, as required).
#ifndef COATTAIL_AWS_HTTP_CLIENT_H_
#define COATTAIL_AWS_HTTP_CLIENT_H_

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "coattail/aws/credentials.h"
#include "coattail/aws/env.h"
#include "coattail/aws/retry.h"
#include "coattail/aws/service.h"

struct curl_slist;

namespace coattail::aws {

struct ClientConfig {
  AwsService service;
  std::string region;
  std::string endpoint_url;
  Credentials credentials;
};

// Credentials, region and endpoint for `service` from `env` and the shared files.
absl::StatusOr<ClientConfig> ResolveClientConfig(const AwsService& service, const Env& env);

struct ClientOptions {
  absl::Duration connect_timeout = absl::Seconds(5);
  // Per attempt, connecting included. Kinesis GetRecords may return up to 10 MiB.
  absl::Duration request_timeout = absl::Seconds(30);
  // How long curl waits for "100 Continue" before sending a body over 1 MiB anyway.
  absl::Duration expect_continue_timeout = absl::Seconds(1);
  // A larger response fails with ResourceExhausted instead of growing memory without bound.
  // GetRecords returns at most 10 MiB of data, base64-encoded: about 14 MiB of JSON.
  size_t max_response_bytes = size_t{64} << 20;
  RetryPolicy retry;
  // nullopt: curl's default, the http_proxy / https_proxy / no_proxy variables. "": no proxy.
  std::optional<std::string> proxy;
  // curl --connect-to entries, "HOST:PORT:CONNECT-TO-HOST:CONNECT-TO-PORT": connect elsewhere
  // while the Host header (which is signed) keeps the endpoint's name. For pinning an address,
  // and for tests that sign for the real AWS host against a local server.
  std::vector<std::string> connect_to;
  std::string user_agent = "coattail-aws/0.1";
  // How the client waits between attempts (default absl::SleepFor); tests record instead.
  std::function<void(absl::Duration)> sleep;
  // TEST ONLY: a fixed X-Amz-Date ("20260115T083015Z"). curl 7.88 then signs with this time,
  // which lets a test compare the whole Authorization header with reference vectors, but it also
  // sends the header twice, which real AWS endpoints must not be trusted to accept.
  std::string test_only_amz_date;
};

struct CallStats {
  int attempts = 0;
  long http_status = 0;    // of the last attempt; 0 if it got no HTTP response
  std::string request_id;  // x-amzn-RequestId of the last response, for AWS support cases
};

class AwsJsonClient {
 public:
  static absl::StatusOr<std::unique_ptr<AwsJsonClient>> Create(ClientConfig config,
                                                               ClientOptions options = {});
  static absl::StatusOr<std::unique_ptr<AwsJsonClient>> FromEnv(const AwsService& service,
                                                                const Env& env,
                                                                ClientOptions options = {});
  ~AwsJsonClient();
  AwsJsonClient(const AwsJsonClient&) = delete;
  AwsJsonClient& operator=(const AwsJsonClient&) = delete;

  // POSTs `json_body` as operation `target` ("Kinesis_20131202.PutRecords",
  // "DynamoDB_20120810.BatchWriteItem") and returns the 2xx response body.
  //
  // Retried, with full-jitter backoff, up to retry.max_attempts: transport errors (connect,
  // timeout, reset), HTTP 5xx, HTTP 429, throttling error codes, and DynamoDB responses whose
  // x-amz-crc32 does not match the body. A retried PutRecords may therefore store a record
  // twice (Kinesis is at-least-once anyway); consumers deduplicate on their own keys.
  //
  // Errors carry the AWS error code (read it with AwsErrorType) and message, e.g.
  // "dynamodb DescribeTable: HTTP 400 ResourceNotFoundException: Requested resource not found".
  absl::StatusOr<std::string> Call(std::string_view target, std::string_view json_body);

  const CallStats& last_call() const { return last_call_; }
  const ClientConfig& config() const { return config_; }
  const RetryPolicy& retry_policy() const { return options_.retry; }

  // Waits the backoff delay before retry number `retry` (0-based) with this client's policy,
  // random source and sleep function: for callers retrying partial failures (failed PutRecords
  // entries, unprocessed DynamoDB items), which arrive with HTTP 200.
  void SleepBeforeRetry(int retry);

 private:
  struct Attempt;
  AwsJsonClient(ClientConfig config, ClientOptions options);
  absl::Status Init();
  void Perform(std::string_view target, std::string_view body, Attempt& attempt);

  ClientConfig config_;
  ClientOptions options_;
  Backoff backoff_;
  void* curl_ = nullptr;  // CURL*, kept out of this header
  curl_slist* connect_to_ = nullptr;
  CallStats last_call_;
};

// The AWS error code carried by a status from AwsJsonClient ("ResourceNotFoundException"), or ""
// when it has none (transport errors, errors raised before any response).
std::string AwsErrorType(const absl::Status& status);

}  // namespace coattail::aws

#endif  // COATTAIL_AWS_HTTP_CLIENT_H_
