#include "coattail/aws/retry.h"

#include <algorithm>
#include <string_view>

namespace coattail::aws {

namespace {

// botocore's throttling list (retryhandler / standard retry mode).
constexpr std::string_view kThrottlingErrors[] = {
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
};

constexpr std::string_view kTransientErrors[] = {
    "RequestTimeout",      "RequestTimeoutException", "InternalFailure",
    "InternalServerError", "ServiceUnavailable",      "ServiceUnavailableException",
};

bool Contains(const std::string_view* begin, const std::string_view* end, std::string_view s) {
  return std::find(begin, end, s) != end;
}

}  // namespace

Backoff::Backoff(const RetryPolicy& policy)
    : policy_(policy), rng_(policy.seed.has_value() ? *policy.seed : std::random_device{}()) {}

absl::Duration Backoff::Ceiling(const RetryPolicy& policy, int retry) {
  if (retry < 0) retry = 0;
  // 2^30 times any sensible base is far beyond any sensible cap; stop doubling there.
  const int exponent = std::min(retry, 30);
  return std::min(policy.max_delay, policy.base_delay * (int64_t{1} << exponent));
}

absl::Duration Backoff::Delay(int retry) {
  // 53 random bits -> a double in [0, 1), the same on every platform (unlike
  // std::uniform_real_distribution, whose algorithm is unspecified).
  const double u = static_cast<double>(rng_() >> 11) * 0x1.0p-53;
  return Ceiling(policy_, retry) * u;
}

bool IsThrottlingError(std::string_view type) {
  return Contains(std::begin(kThrottlingErrors), std::end(kThrottlingErrors), type);
}

bool IsTransientError(std::string_view type) {
  return Contains(std::begin(kTransientErrors), std::end(kTransientErrors), type);
}

absl::StatusCode StatusCodeForAwsError(long http_status, std::string_view type) {
  if (http_status == 429 || IsThrottlingError(type)) return absl::StatusCode::kResourceExhausted;
  if (http_status >= 500 || IsTransientError(type)) return absl::StatusCode::kUnavailable;
  if (type == "ResourceNotFoundException") return absl::StatusCode::kNotFound;
  if (type == "ValidationException" || type == "InvalidArgumentException" ||
      type == "SerializationException") {
    return absl::StatusCode::kInvalidArgument;
  }
  if (type == "AccessDeniedException" || type == "AccessDenied" ||
      type == "KMSAccessDeniedException") {
    return absl::StatusCode::kPermissionDenied;
  }
  if (type == "UnrecognizedClientException" || type == "InvalidSignatureException" ||
      type == "MissingAuthenticationTokenException" || type == "IncompleteSignature" ||
      type == "IncompleteSignatureException" || type == "ExpiredTokenException" ||
      type == "InvalidClientTokenId" || type == "SignatureDoesNotMatch" || http_status == 401 ||
      http_status == 403) {
    return absl::StatusCode::kUnauthenticated;
  }
  // ResourceInUseException ("already exists", or "being created/deleted"),
  // ConditionalCheckFailedException, ExpiredIteratorException, KMS state errors...: the
  // request was well-formed but the state of the resource does not allow it.
  return absl::StatusCode::kFailedPrecondition;
}

}  // namespace coattail::aws
