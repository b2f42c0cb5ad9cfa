// Retry decisions and backoff for AWS calls: which failures are worth another attempt, and how
// long to wait ("full jitter" exponential backoff, which spreads competing clients apart instead
// of letting them retry in lock-step against a throttled shard or table).
#ifndef COATTAIL_AWS_RETRY_H_
#define COATTAIL_AWS_RETRY_H_

#include <cstdint>
#include <optional>
#include <random>
#include <string_view>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace coattail::aws {

struct RetryPolicy {
  int max_attempts = 5;  // the first try included; 1 disables retries
  absl::Duration base_delay = absl::Milliseconds(50);
  absl::Duration max_delay = absl::Seconds(5);
  // Fixed for reproducible delays in tests; otherwise seeded from std::random_device.
  std::optional<uint64_t> seed;
};

class Backoff {
 public:
  explicit Backoff(const RetryPolicy& policy);

  // The upper bound before retry number `retry` (0 for the first retry):
  // min(max_delay, base_delay * 2^retry).
  static absl::Duration Ceiling(const RetryPolicy& policy, int retry);

  // Uniform in [0, Ceiling(retry)).
  absl::Duration Delay(int retry);

 private:
  RetryPolicy policy_;
  std::mt19937_64 rng_;
};

// Error codes (the part of __type after '#') that mean "slow down".
bool IsThrottlingError(std::string_view type);
// Error codes for failures on the service side that another attempt may not hit.
bool IsTransientError(std::string_view type);

// The absl code for an AWS error response, e.g. NotFound for ResourceNotFoundException,
// ResourceExhausted for throttling, Unavailable for 5xx.
absl::StatusCode StatusCodeForAwsError(long http_status, std::string_view type);

}  // namespace coattail::aws

#endif  // COATTAIL_AWS_RETRY_H_
