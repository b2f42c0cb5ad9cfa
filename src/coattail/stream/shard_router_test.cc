#include "coattail/stream/shard_router.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace coattail::stream {
namespace {

std::string ToDecimal(Uint128 v) {
  if (v == 0) return "0";
  std::string out;
  while (v > 0) {
    out.insert(out.begin(), static_cast<char>('0' + static_cast<int>(v % 10)));
    v /= 10;
  }
  return out;
}

aws::Shard MakeShard(std::string id, Uint128 start, Uint128 end, bool open = true) {
  aws::Shard s;
  s.shard_id = std::move(id);
  s.starting_hash_key = ToDecimal(start);
  s.ending_hash_key = ToDecimal(end);
  if (!open) s.ending_sequence_number = "49";
  return s;
}

constexpr Uint128 kMax = ~Uint128{0};
constexpr Uint128 kHalf = Uint128{1} << 127;

TEST(PartitionKeyHashTest, IsTheMd5OfTheKeyReadBigEndian) {
  // MD5("") = d41d8cd98f00b204e9800998ecf8427e; MD5("abc") = 900150983cd24fb0d6963f7d28e17f72.
  EXPECT_EQ(PartitionKeyHash(""),
            (Uint128{0xd41d8cd98f00b204ULL} << 64) | Uint128{0xe9800998ecf8427eULL});
  EXPECT_EQ(PartitionKeyHash("abc"),
            (Uint128{0x900150983cd24fb0ULL} << 64) | Uint128{0xd6963f7d28e17f72ULL});
}

TEST(ParseHashKeyTest, AcceptsTheWholeRangeAndRejectsTheRest) {
  EXPECT_EQ(*ParseHashKey("0"), 0u);
  EXPECT_EQ(*ParseHashKey("340282366920938463463374607431768211455"), kMax);
  EXPECT_EQ(*ParseHashKey("170141183460469231731687303715884105728"), kHalf);
  EXPECT_FALSE(ParseHashKey("340282366920938463463374607431768211456").ok());  // 2^128
  EXPECT_FALSE(ParseHashKey("").ok());
  EXPECT_FALSE(ParseHashKey("12a").ok());
  EXPECT_FALSE(ParseHashKey("-1").ok());
}

TEST(ShardRouterTest, RoutesByHashRangeUsingOnlyOpenShards) {
  // A reshard in progress: the closed parent covers everything, two open children split it.
  auto router = ShardRouter::Create({MakeShard("shardId-000", 0, kMax, /*open=*/false),
                                     MakeShard("shardId-002", kHalf, kMax),
                                     MakeShard("shardId-001", 0, kHalf - 1)});
  ASSERT_TRUE(router.ok()) << router.status();
  ASSERT_EQ(router->shard_count(), 2u);
  // MD5("abc") starts with 0x90 (top bit set): upper half. MD5("") starts with 0xd4: upper half.
  // MD5("a") = 0cc175b9...: lower half.
  EXPECT_EQ(router->shard_id(router->ShardFor("abc")), "shardId-002");
  EXPECT_EQ(router->shard_id(router->ShardFor("")), "shardId-002");
  EXPECT_EQ(router->shard_id(router->ShardFor("a")), "shardId-001");
}

TEST(ShardRouterTest, RejectsGapsOverlapsAndNoOpenShard) {
  EXPECT_FALSE(
      ShardRouter::Create({MakeShard("a", 0, kHalf - 2), MakeShard("b", kHalf, kMax)}).ok());
  EXPECT_FALSE(ShardRouter::Create({MakeShard("a", 0, kHalf), MakeShard("b", kHalf, kMax)}).ok());
  EXPECT_FALSE(ShardRouter::Create({MakeShard("a", 1, kMax)}).ok());
  EXPECT_EQ(ShardRouter::Create({MakeShard("a", 0, kMax, false)}).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace coattail::stream
