#include "coattail/aws/retry.h"

#include <vector>

#include "gtest/gtest.h"

namespace coattail::aws {
namespace {

TEST(BackoffTest, CeilingDoublesUpToTheCap) {
  RetryPolicy policy;
  policy.base_delay = absl::Milliseconds(50);
  policy.max_delay = absl::Milliseconds(500);
  EXPECT_EQ(Backoff::Ceiling(policy, 0), absl::Milliseconds(50));
  EXPECT_EQ(Backoff::Ceiling(policy, 1), absl::Milliseconds(100));
  EXPECT_EQ(Backoff::Ceiling(policy, 3), absl::Milliseconds(400));
  EXPECT_EQ(Backoff::Ceiling(policy, 4), absl::Milliseconds(500));
  EXPECT_EQ(Backoff::Ceiling(policy, 1000), absl::Milliseconds(500));  // no overflow
}

TEST(BackoffTest, FullJitterStaysBelowTheCeilingAndSpreadsOut) {
  RetryPolicy policy;
  policy.base_delay = absl::Milliseconds(100);
  policy.max_delay = absl::Seconds(10);
  policy.seed = 7;
  Backoff backoff(policy);
  // 2,000 draws at a 100 ms ceiling: all in [0, 100ms), and the mean near 50 ms (the standard
  // error of the mean is 100/sqrt(12*2000) ~ 0.65 ms, so +-5 ms is a wide margin).
  absl::Duration sum;
  absl::Duration low = absl::InfiniteDuration();
  absl::Duration high;
  for (int i = 0; i < 2000; ++i) {
    const absl::Duration d = backoff.Delay(0);
    ASSERT_GE(d, absl::ZeroDuration());
    ASSERT_LT(d, absl::Milliseconds(100));
    sum += d;
    low = std::min(low, d);
    high = std::max(high, d);
  }
  EXPECT_NEAR(absl::ToDoubleMilliseconds(sum / 2000), 50.0, 5.0);
  EXPECT_LT(low, absl::Milliseconds(5));
  EXPECT_GT(high, absl::Milliseconds(95));
}

TEST(BackoffTest, SameSeedSameDelays) {
  RetryPolicy policy;
  policy.seed = 42;
  Backoff a(policy);
  Backoff b(policy);
  policy.seed = 43;
  Backoff c(policy);
  std::vector<absl::Duration> from_a, from_b, from_c;
  for (int i = 0; i < 6; ++i) {
    from_a.push_back(a.Delay(i));
    from_b.push_back(b.Delay(i));
    from_c.push_back(c.Delay(i));
  }
  EXPECT_EQ(from_a, from_b);
  EXPECT_NE(from_a, from_c);
}

TEST(RetryClassificationTest, ThrottlingCodes) {
  for (const char* code : {"ProvisionedThroughputExceededException", "ThrottlingException",
                           "LimitExceededException", "RequestLimitExceeded"}) {
    EXPECT_TRUE(IsThrottlingError(code)) << code;
    EXPECT_EQ(StatusCodeForAwsError(400, code), absl::StatusCode::kResourceExhausted);
  }
  EXPECT_FALSE(IsThrottlingError("ValidationException"));
  EXPECT_FALSE(IsThrottlingError(""));
}

TEST(RetryClassificationTest, StatusCodes) {
  EXPECT_EQ(StatusCodeForAwsError(400, "ValidationException"), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(StatusCodeForAwsError(400, "ResourceNotFoundException"), absl::StatusCode::kNotFound);
  EXPECT_EQ(StatusCodeForAwsError(400, "UnrecognizedClientException"),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(StatusCodeForAwsError(400, "AccessDeniedException"),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(StatusCodeForAwsError(503, ""), absl::StatusCode::kUnavailable);
  EXPECT_EQ(StatusCodeForAwsError(429, ""), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(StatusCodeForAwsError(400, "ConditionalCheckFailedException"),
            absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace coattail::aws
