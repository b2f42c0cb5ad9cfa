#include "coattail/sim/decimal.h"

#include <charconv>
#include <cmath>
#include <string>

#include "coattail/sim/random.h"
#include "gtest/gtest.h"

namespace coattail::sim {
namespace {

std::string Text(double v, int significant, double* parsed = nullptr) {
  char buf[kMaxDecimalChars];
  double p = 0.0;
  char* end = WriteDecimal(buf, v, significant, &p);
  if (parsed != nullptr) *parsed = p;
  return std::string(buf, end);
}

double Parse(const std::string& s) {
  double v = 0.0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

TEST(DecimalTest, HandPickedValues) {
  EXPECT_EQ(Text(3000.0, 10), "3000");
  EXPECT_EQ(Text(0.5, 10), "0.5");
  EXPECT_EQ(Text(1234.5678901234, 10), "1234.56789");
  EXPECT_EQ(Text(2.5e-7, 4), "0.00000025");
  EXPECT_EQ(Text(123456789012.0, 8), "123456790000");
  EXPECT_EQ(Text(9.99999999999, 4), "10");
  EXPECT_EQ(Text(0.000123456789, 3), "0.000123");
  EXPECT_EQ(Text(1.0, 1), "1");
  EXPECT_EQ(Text(99.95, 3), "100");  // 99.95 is stored just above .95: rounds up
  EXPECT_EQ(Text(617.25, 10), "617.25");
  EXPECT_EQ(Text(1e20, 5), "100000000000000000000");
  EXPECT_EQ(Text(1.5e-20, 3), "0.000000000000000000015");
}

TEST(DecimalTest, OutOfPlainRangeFallsBackToShortest) {
  EXPECT_EQ(Text(1e25, 10), "1e+25");
  EXPECT_EQ(Text(3e-25, 10), "3e-25");
}

TEST(DecimalTest, ParsedValueIsWhatAParserReads) {
  Rng rng(11);
  for (int i = 0; i < 200000; ++i) {
    const double v = rng.LogUniform(1e-12, 1e16);
    const int significant = 1 + static_cast<int>(rng.Below(15));
    double parsed = 0.0;
    const std::string s = Text(v, significant, &parsed);
    ASSERT_EQ(parsed, Parse(s)) << s;
    ASSERT_EQ(RoundDecimal(v, significant), parsed) << s;
    ASSERT_NEAR(parsed, v, v * 0.5 * std::pow(10.0, 1 - significant) * (1 + 1e-9)) << s;
    ASSERT_EQ(s.find('e'), std::string::npos) << s;
    // Writing the rounded value again gives the same text (prices are stored rounded).
    ASSERT_EQ(Text(parsed, significant), s);
    // Significant digits: no more than asked, and no trailing zeros after a decimal point.
    int digits = 0;
    bool leading = true;
    for (char c : s) {
      if (c == '.') continue;
      if (leading && c == '0') continue;
      leading = false;
      ++digits;
    }
    if (s.find('.') != std::string::npos) {
      ASSERT_NE(s.back(), '0') << s;
      ASSERT_LE(digits, significant) << s;
    }
  }
}

TEST(DecimalTest, Hex) {
  char buf[16];
  WriteHex64(buf, 0x0123456789ABCDEFULL);
  EXPECT_EQ(std::string(buf, 16), "0123456789abcdef");
  WriteHex64(buf, 0);
  EXPECT_EQ(std::string(buf, 16), "0000000000000000");
}

}  // namespace
}  // namespace coattail::sim
