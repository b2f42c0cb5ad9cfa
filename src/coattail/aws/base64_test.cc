#include "coattail/aws/base64.h"

#include <string>
#include <string_view>

#include "coattail/aws/crc32.h"
#include "gtest/gtest.h"
// After gtest: the rapidcheck adapter uses gtest's macros.
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

namespace coattail::aws {
namespace {

std::string Decode(std::string_view text) {
  std::string out;
  absl::Status status = Base64DecodeAppend(out, text);
  EXPECT_TRUE(status.ok()) << status;
  return out;
}

// RFC 4648 section 10.
TEST(Base64Test, Rfc4648Vectors) {
  const std::pair<std::string_view, std::string_view> vectors[] = {
      {"", ""},
      {"f", "Zg=="},
      {"fo", "Zm8="},
      {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="},
      {"fooba", "Zm9vYmE="},
      {"foobar", "Zm9vYmFy"},
  };
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(Base64Encode(plain), encoded);
    EXPECT_EQ(Decode(encoded), plain);
    EXPECT_EQ(Base64EncodedSize(plain.size()), encoded.size());
  }
}

TEST(Base64Test, UsesStandardAlphabetForHighBytes) {
  // 0xFB 0xFF 0xBF encodes to "+/+/": the two symbols where base64 and base64url differ.
  EXPECT_EQ(Base64Encode("\xfb\xff\xbf"), "+/+/");
  EXPECT_EQ(Decode("+/+/"), "\xfb\xff\xbf");
  EXPECT_EQ(Decode("AAE="), std::string("\x00\x01", 2));
}

TEST(Base64Test, AppendsAfterExistingContent) {
  std::string out = "{\"Data\":\"";
  Base64Append(out, "hi");
  EXPECT_EQ(out, "{\"Data\":\"aGk=");
  std::string decoded = "x";
  ASSERT_TRUE(Base64DecodeAppend(decoded, "aGk=").ok());
  EXPECT_EQ(decoded, "xhi");
}

TEST(Base64Test, RejectsMalformedInputAndLeavesOutputUntouched) {
  for (std::string_view bad : {"Zg", "Zg=", "Zm9v\n", "Zm9-", "Zm_v", "Z===", "====", "Zg==Zg==",
                               "Zm=v", "Zh==",  // 'h' leaves non-zero bits under the padding
                               "Zm9=",          // '9' likewise for one padding character
                               "Zm 9v"}) {
    std::string out = "keep";
    EXPECT_FALSE(Base64DecodeAppend(out, bad).ok()) << bad;
    EXPECT_EQ(out, "keep") << bad;
  }
}

RC_GTEST_PROP(Base64Property, RoundTrips, (const std::string& bytes)) {
  const std::string encoded = Base64Encode(bytes);
  RC_ASSERT(encoded.size() == Base64EncodedSize(bytes.size()));
  std::string decoded;
  RC_ASSERT(Base64DecodeAppend(decoded, encoded).ok());
  RC_ASSERT(decoded == bytes);
}

TEST(Crc32Test, MatchesTheStandardCheckValue) {
  // The CRC-32/ISO-HDLC check value, and values from Python's zlib.crc32.
  EXPECT_EQ(Crc32("123456789"), 0xCBF43926u);
  EXPECT_EQ(Crc32(""), 0u);
  EXPECT_EQ(Crc32("The quick brown fox jumps over the lazy dog"), 0x414FA339u);
  EXPECT_EQ(Crc32("{}"), 0xA3A6BF43u);
}

}  // namespace
}  // namespace coattail::aws
