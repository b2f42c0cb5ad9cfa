#include "coattail/cli/duration.h"

#include "gtest/gtest.h"

namespace coattail::cli {
namespace {

TEST(DurationTest, ParsesUnits) {
  EXPECT_EQ(*ParseDurationMs("500ms"), 500);
  EXPECT_EQ(*ParseDurationMs("90s"), 90'000);
  EXPECT_EQ(*ParseDurationMs("15m"), 900'000);
  EXPECT_EQ(*ParseDurationMs("1h"), 3'600'000);
  EXPECT_EQ(*ParseDurationMs("7d"), 604'800'000);
  EXPECT_EQ(*ParseDurationMs("1234"), 1234);
  EXPECT_EQ(*ParseDurationMs("0"), 0);
}

TEST(DurationTest, RejectsGarbageWithAClearMessage) {
  for (const char* bad : {"", "h", "1x", "-5m", "1.5h", "99999999999999999999d"}) {
    absl::StatusOr<int64_t> v = ParseDurationMs(bad);
    ASSERT_FALSE(v.ok()) << bad;
    EXPECT_EQ(v.status().code(), absl::StatusCode::kInvalidArgument);
  }
}

TEST(DurationTest, FormatsTheShortestExactUnit) {
  EXPECT_EQ(FormatDuration(3'600'000), "1h");
  EXPECT_EQ(FormatDuration(86'400'000), "1d");
  EXPECT_EQ(FormatDuration(90'000), "90s");
  EXPECT_EQ(FormatDuration(1500), "1500ms");
}

}  // namespace
}  // namespace coattail::cli
