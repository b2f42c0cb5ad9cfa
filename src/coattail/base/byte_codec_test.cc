#include "coattail/base/byte_codec.h"

#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include "gtest/gtest.h"

namespace coattail::base {
namespace {

TEST(ByteCodecTest, RoundTripsEveryTypeBitExactly) {
  std::string out;
  ByteWriter w(out);
  w.U8(0xAB);
  w.I8(-3);
  w.Bool(true);
  w.U32(0xDEADBEEF);
  w.U64(0x0123456789ABCDEFULL);
  w.I64(INT64_MIN);
  w.F64(-0.0);
  w.F64(std::numeric_limits<double>::quiet_NaN());
  w.String("wallet");
  w.Bytes(std::array<uint8_t, 3>{1, 2, 3});

  ByteReader r(out);
  uint8_t u8 = 0;
  int8_t i8 = 0;
  bool b = false;
  uint32_t u32 = 0;
  uint64_t u64 = 0;
  int64_t i64 = 0;
  double zero = 1;
  double nan = 0;
  std::string s;
  std::array<uint8_t, 3> bytes{};
  ASSERT_TRUE(r.U8(u8) && r.I8(i8) && r.Bool(b) && r.U32(u32) && r.U64(u64) && r.I64(i64) &&
              r.F64(zero) && r.F64(nan) && r.String(s) && r.Bytes(bytes));
  EXPECT_TRUE(r.done());
  EXPECT_EQ(u8, 0xAB);
  EXPECT_EQ(i8, -3);
  EXPECT_TRUE(b);
  EXPECT_EQ(u32, 0xDEADBEEF);
  EXPECT_EQ(u64, 0x0123456789ABCDEFULL);
  EXPECT_EQ(i64, INT64_MIN);
  EXPECT_TRUE(std::signbit(zero));
  EXPECT_TRUE(std::isnan(nan));
  EXPECT_EQ(s, "wallet");
  EXPECT_EQ(bytes, (std::array<uint8_t, 3>{1, 2, 3}));
}

TEST(ByteCodecTest, TheLayoutIsLittleEndianWhateverTheHost) {
  std::string out;
  ByteWriter w(out);
  w.U32(0x01020304);
  EXPECT_EQ(out, std::string("\x04\x03\x02\x01", 4));
}

TEST(ByteCodecTest, TruncationIsStickyAndNamedInTheStatus) {
  std::string out;
  ByteWriter(out).U64(7);
  out.pop_back();
  ByteReader r(out);
  uint64_t v = 0;
  EXPECT_FALSE(r.U64(v));
  uint8_t next = 0;
  EXPECT_FALSE(r.U8(next)) << "a failed reader stays failed";
  EXPECT_EQ(r.status("wallets").code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(r.status("wallets").message().find("wallets"), absl::string_view::npos);
}

TEST(ByteCodecTest, ACountLargerThanTheInputCouldHoldIsCorruption) {
  std::string out;
  ByteWriter w(out);
  w.U64(1'000'000);
  w.U64(0);
  ByteReader r(out);
  uint64_t n = 0;
  EXPECT_FALSE(r.Count(n, 8));
  EXPECT_FALSE(r.ok());
}

TEST(ByteCodecTest, ABoolOtherThanZeroOrOneIsCorruption) {
  std::string out = "\x02";
  ByteReader r(out);
  bool b = false;
  EXPECT_FALSE(r.Bool(b));
}

}  // namespace
}  // namespace coattail::base
