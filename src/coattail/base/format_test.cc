#include "coattail/base/format.h"

#include "gtest/gtest.h"

namespace coattail::base {
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
    EXPECT_NE(v.status().message().find(bad), absl::string_view::npos) << v.status();
  }
}

TEST(DurationTest, FormatsTheShortestExactUnitUpToHours) {
  EXPECT_EQ(FormatDuration(3'600'000), "1h");
  EXPECT_EQ(FormatDuration(86'400'000), "24h");
  EXPECT_EQ(FormatDuration(900'000), "15m");
  EXPECT_EQ(FormatDuration(90'000), "90s");
  EXPECT_EQ(FormatDuration(1500), "1500ms");
  EXPECT_EQ(FormatDuration(0), "0ms");
}

TEST(DurationTest, FormattedDurationsParseBack) {
  for (int64_t ms : {int64_t{1}, int64_t{1500}, int64_t{90'000}, int64_t{900'000},
                     int64_t{3'600'000}, int64_t{86'400'000}, int64_t{604'800'000}}) {
    EXPECT_EQ(*ParseDurationMs(FormatDuration(ms)), ms) << ms;
  }
}

TEST(UsdTest, PicksTheUnitByMagnitude) {
  EXPECT_EQ(FormatUsd(12.345), "$12.35");
  EXPECT_EQ(FormatUsd(12'345), "$12.3k");
  EXPECT_EQ(FormatUsd(250'000), "$250.0k");
  EXPECT_EQ(FormatUsd(4'561'000), "$4.56M");
  EXPECT_EQ(FormatUsd(1.234e9), "$1.23B");
  EXPECT_EQ(FormatUsd(-4'561'000), "-$4.56M");
  EXPECT_EQ(FormatUsd(0), "$0.00");
}

}  // namespace
}  // namespace coattail::base
