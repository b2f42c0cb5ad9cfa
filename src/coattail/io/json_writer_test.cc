#include "coattail/io/json_writer.h"

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "gtest/gtest.h"
// After gtest: the rapidcheck adapter uses gtest's macros.
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

namespace coattail::io {
namespace {

std::string Quoted(std::string_view s) {
  std::string out;
  AppendJsonString(out, s);
  return out;
}

std::string Double(double v) {
  std::string out;
  AppendDouble(out, v);
  return out;
}

std::string Int(int64_t v) {
  std::string out;
  AppendInt(out, v);
  return out;
}

std::string Wrap(std::string_view s) {
  // Appended piecewise: g++ 12 at -O3 reports a false -Wrestrict on "\"" + std::string(s).
  std::string out = "\"";
  out.append(s);
  out.push_back('"');
  return out;
}

// Decodes JSON text with an independent, strict parser (it rejects invalid UTF-8).
nlohmann::json Decode(const std::string& text) { return nlohmann::json::parse(text); }

TEST(AppendJsonStringTest, PlainAsciiIsCopied) {
  EXPECT_EQ(Quoted(""), R"("")");
  EXPECT_EQ(Quoted("PEPE 0x5aAe ~!@#$%^&*()/"), R"("PEPE 0x5aAe ~!@#$%^&*()/")");
  // DEL is not a control character for JSON.
  EXPECT_EQ(Quoted("\x7f"), "\"\x7f\"");
}

TEST(AppendJsonStringTest, AppendsToExistingContent) {
  std::string out = "{\"k\":";
  AppendJsonString(out, "v");
  out += '}';
  EXPECT_EQ(out, R"({"k":"v"})");
}

TEST(AppendJsonStringTest, EscapesQuotesBackslashesAndControlCharacters) {
  EXPECT_EQ(Quoted(R"(say "hi" \ bye)"), R"("say \"hi\" \\ bye")");
  EXPECT_EQ(Quoted("\b\f\n\r\t"), R"("\b\f\n\r\t")");
  EXPECT_EQ(Quoted(std::string_view("\x00\x01\x1f", 3)), R"("\u0000\u0001\u001f")");
  EXPECT_EQ(Quoted("a\nb"), R"("a\nb")");
}

TEST(AppendJsonStringTest, WellFormedUtf8PassesThrough) {
  // 2-, 3- and 4-byte sequences at the edges of their ranges.
  for (std::string_view s :
       {"\xc2\x80", "\xdf\xbf", "\xe0\xa0\x80", "\xed\x9f\xbf", "\xee\x80\x80", "\xef\xbf\xbf",
        "\xf0\x90\x80\x80", "\xf4\x8f\xbf\xbf", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\xb3"}) {
    EXPECT_EQ(Quoted(s), Wrap(s));
    EXPECT_EQ(Decode(Quoted(s)).get<std::string>(), s);
  }
}

TEST(AppendJsonStringTest, InvalidUtf8BytesBecomeReplacementCharacters) {
  struct Case {
    std::string_view in;
    std::string_view out;
  };
  const Case cases[] = {
      {"\xff", R"("\ufffd")"},
      {"a\x80"
       "b",
       R"("a\ufffdb")"},                                      // stray continuation byte
      {"\xc3", R"("\ufffd")"},                                // truncated at end of input
      {"\xc3(", R"("\ufffd(")"},                              // lead byte without continuation
      {"\xc0\xaf", R"("\ufffd\ufffd")"},                      // overlong '/'
      {"\xc1\xbf", R"("\ufffd\ufffd")"},                      // overlong
      {"\xe0\x80\xaf", R"("\ufffd\ufffd\ufffd")"},            // overlong 3-byte
      {"\xed\xa0\x80", R"("\ufffd\ufffd\ufffd")"},            // UTF-16 surrogate D800
      {"\xf0\x80\x80\xaf", R"("\ufffd\ufffd\ufffd\ufffd")"},  // overlong 4-byte
      {"\xf4\x90\x80\x80", R"("\ufffd\ufffd\ufffd\ufffd")"},  // above U+10FFFF
      {"\xf5\x80\x80\x80", R"("\ufffd\ufffd\ufffd\ufffd")"},
      {"\xe2\x82", R"("\ufffd\ufffd")"},                // truncated 3-byte
      {"\xe2\x82\xac\xe2", "\"\xe2\x82\xac\\ufffd\""},  // valid then truncated
      {"\"\xfe\n", R"("\"\ufffd\n")"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(Quoted(c.in), c.out) << c.out;
    EXPECT_NO_THROW(Decode(Quoted(c.in))) << c.out;
  }
}

// Whatever the bytes, the output is valid JSON; bytes that were valid UTF-8 round-trip exactly.
RC_GTEST_PROP(AppendJsonStringProperty, OutputIsAlwaysValidJson,
              (const std::vector<uint8_t>& bytes)) {
  const std::string in(bytes.begin(), bytes.end());
  const std::string out = Quoted(in);
  nlohmann::json decoded;
  try {
    decoded = Decode(out);
  } catch (const nlohmann::json::exception& e) {
    RC_FAIL(std::string("not valid JSON: ") + e.what());
  }
  RC_ASSERT(decoded.is_string());
  // nlohmann refuses to serialise invalid UTF-8, which makes it an independent validity oracle.
  bool valid_utf8 = true;
  try {
    (void)nlohmann::json(in).dump();
  } catch (const nlohmann::json::exception&) {
    valid_utf8 = false;
  }
  if (valid_utf8) RC_ASSERT(decoded.get<std::string>() == in);
}

RC_GTEST_PROP(AppendJsonStringProperty, Utf8TextRoundTrips, (const std::vector<char32_t>& cps)) {
  // ASCII, control characters included, then arbitrary code points (surrogates skipped).
  std::string in = *rc::gen::container<std::string>(rc::gen::inRange<char>(0, 0x7f));
  for (char32_t cp : cps) {
    const uint32_t c = static_cast<uint32_t>(cp) % 0x110000u;
    if (c >= 0xD800 && c <= 0xDFFF) continue;
    if (c < 0x80) {
      in += static_cast<char>(c);
    } else if (c < 0x800) {
      in += static_cast<char>(0xC0 | (c >> 6));
      in += static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
      in += static_cast<char>(0xE0 | (c >> 12));
      in += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      in += static_cast<char>(0x80 | (c & 0x3F));
    } else {
      in += static_cast<char>(0xF0 | (c >> 18));
      in += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
      in += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      in += static_cast<char>(0x80 | (c & 0x3F));
    }
  }
  RC_ASSERT(Decode(Quoted(in)).get<std::string>() == in);
}

TEST(AppendDoubleTest, ShortestRoundTripText) {
  EXPECT_EQ(Double(617.25), "617.25");
  EXPECT_EQ(Double(0.1), "0.1");
  EXPECT_EQ(Double(1.0 / 3.0), "0.3333333333333333");
  EXPECT_EQ(Double(2000), "2000");
  EXPECT_EQ(Double(-1.5), "-1.5");
  EXPECT_EQ(Double(1e21), "1e+21");
  EXPECT_EQ(Double(5e-324), "5e-324");
  EXPECT_EQ(Double(std::numeric_limits<double>::max()), "1.7976931348623157e+308");
  EXPECT_EQ(Double(-2.2250738585072014e-308), "-2.2250738585072014e-308");
}

TEST(AppendDoubleTest, NonFiniteBecomesNull) {
  EXPECT_EQ(Double(std::numeric_limits<double>::quiet_NaN()), "null");
  EXPECT_EQ(Double(std::numeric_limits<double>::infinity()), "null");
  EXPECT_EQ(Double(-std::numeric_limits<double>::infinity()), "null");
}

RC_GTEST_PROP(AppendDoubleProperty, ParsesBackExactly, (uint64_t bits)) {
  double v;
  static_assert(sizeof(v) == sizeof(bits));
  std::memcpy(&v, &bits, sizeof(v));
  RC_PRE(std::isfinite(v));
  const std::string text = Double(v);
  // Valid JSON, and the same double comes back from both an independent JSON parser and strtod.
  RC_ASSERT(Decode(text).get<double>() == v);
  RC_ASSERT(std::strtod(text.c_str(), nullptr) == v);
}

TEST(AppendIntTest, Extremes) {
  EXPECT_EQ(Int(0), "0");
  EXPECT_EQ(Int(-7), "-7");
  EXPECT_EQ(Int(1767225600000), "1767225600000");
  EXPECT_EQ(Int(std::numeric_limits<int64_t>::max()), "9223372036854775807");
  EXPECT_EQ(Int(std::numeric_limits<int64_t>::min()), "-9223372036854775808");
}

TEST(AppendBoolTest, Literals) {
  std::string out;
  AppendBool(out, true);
  out += ',';
  AppendBool(out, false);
  EXPECT_EQ(out, "true,false");
}

}  // namespace
}  // namespace coattail::io
