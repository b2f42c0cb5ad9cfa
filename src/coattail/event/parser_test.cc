#include "coattail/event/parser.h"

#include <simdjson.h>
#include <sys/mman.h>
#include <unistd.h>

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "coattail/base/strings.h"
#include "coattail/event/event.h"
#include "coattail/io/line_reader.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace coattail::event {
namespace {

using ::testing::Eq;
using ::testing::HasSubstr;

static_assert(kParsePadding >= simdjson::SIMDJSON_PADDING);
static_assert(io::kLinePadding >= kParsePadding,
              "LineReader lines must satisfy the parser's padding contract");

constexpr std::string_view kWallet = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed";
constexpr std::string_view kTxHash =
    "0x88df016429689c079f3b2f6ad39fa052532c56795b733da78a91ebe6a713944b";
constexpr std::string_view kTokenAddress = "0xdac17f958d2ee523a2206206994597c13d831ec7";

// A valid trade; tests derive invalid ones by replacing one piece of text.
const std::string kTrade = absl::StrCat(
    R"({"type":"trade","chain":"ethereum","block_number":19000000,"block_time":1767225600000,)",
    R"("tx_hash":")", base::ToAbsl(kTxHash), R"(","log_index":3,"wallet":")", base::ToAbsl(kWallet),
    R"(","token":"PEPE","side":"buy","amount":1234.5,"price_usd":0.5,"usd_value":617.25})");

const std::string kPrice =
    R"({"type":"price","token":"ETH","time":1767225600000,"price_usd":2000.5})";

// Returns `s` with the single occurrence of `from` replaced by `to`.
std::string Replace(std::string_view s, std::string_view from, std::string_view to) {
  const size_t at = s.find(from);
  EXPECT_NE(at, std::string_view::npos) << "'" << from << "' not in " << s;
  EXPECT_EQ(s.find(from, at + 1), std::string_view::npos) << "'" << from << "' ambiguous in " << s;
  if (at == std::string_view::npos) return std::string(s);
  return absl::StrCat(base::ToAbsl(s.substr(0, at)), base::ToAbsl(to),
                      base::ToAbsl(s.substr(at + from.size())));
}

class ParserTest : public ::testing::Test {
 protected:
  // Parses `line` from a buffer whose padding is filled with JSON-looking bytes: the parser must
  // stop at line.size() whatever follows.
  absl::Status Parse(std::string_view line) {
    buffer_.assign(line);
    for (size_t i = 0; i < kParsePadding; ++i) buffer_.push_back("\"}1,]"[i % 5]);
    return parser_.Parse(std::string_view(buffer_.data(), line.size()), event_);
  }

  // The rejection reason, or "OK".
  std::string Reason(std::string_view line) {
    absl::Status s = Parse(line);
    if (s.ok()) return "OK";
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
    return std::string(s.message());
  }

  std::string buffer_;
  EventParser parser_;
  EventView event_;
};

TEST_F(ParserTest, ValidTradeParsesToExactFieldValues) {
  ASSERT_TRUE(Parse(kTrade).ok()) << Parse(kTrade);
  ASSERT_EQ(event_.kind, EventKind::kTrade);
  const TradeView& t = event_.trade;
  EXPECT_EQ(t.chain, "ethereum");
  EXPECT_EQ(t.block_number, 19000000);
  EXPECT_EQ(t.block_time_ms, 1767225600000);
  EXPECT_EQ(t.tx_hash, kTxHash);
  EXPECT_EQ(t.log_index, 3);
  EXPECT_EQ(t.wallet, kWallet);
  // Decoded while validated; mixed case is the same bytes.
  EXPECT_EQ(t.wallet_bytes,
            (std::array<uint8_t, 20>{0x5a, 0xae, 0xb6, 0x05, 0x3f, 0x3e, 0x94, 0xc9, 0xb9, 0xa0,
                                     0x9f, 0x33, 0x66, 0x94, 0x35, 0xe7, 0xef, 0x1b, 0xea, 0xed}));
  EXPECT_EQ(t.tx_hash_bytes[0], 0x88);
  EXPECT_EQ(t.tx_hash_bytes[1], 0xdf);
  EXPECT_EQ(t.tx_hash_bytes[31], 0x4b);
  EXPECT_EQ(t.token, "PEPE");
  EXPECT_EQ(t.side, Side::kBuy);
  EXPECT_EQ(t.amount, 1234.5);
  EXPECT_EQ(t.price_usd, 0.5);
  EXPECT_EQ(t.usd_value, 617.25);
  EXPECT_FALSE(t.removed);
  EXPECT_EQ(event_.time_ms(), 1767225600000);
}

TEST_F(ParserTest, ValidPriceParsesToExactFieldValues) {
  ASSERT_TRUE(Parse(kPrice).ok());
  ASSERT_EQ(event_.kind, EventKind::kPrice);
  EXPECT_EQ(event_.price.token, "ETH");
  EXPECT_EQ(event_.price.time_ms, 1767225600000);
  EXPECT_EQ(event_.price.price_usd, 2000.5);
  EXPECT_EQ(event_.time_ms(), 1767225600000);
}

TEST_F(ParserTest, ViewsPointIntoTheLine) {
  ASSERT_TRUE(Parse(kTrade).ok());
  const char* begin = buffer_.data();
  const char* end = buffer_.data() + kTrade.size();
  for (std::string_view v :
       {event_.trade.chain, event_.trade.tx_hash, event_.trade.wallet, event_.trade.token}) {
    EXPECT_GE(v.data(), begin);
    EXPECT_LE(v.data() + v.size(), end);
  }
  EXPECT_EQ(event_.trade.wallet.data(), buffer_.data() + kTrade.find(kWallet));
}

TEST_F(ParserTest, SellSideAndAddressTokenAndRemoved) {
  std::string line = Replace(kTrade, R"("side":"buy")", R"("side":"sell")");
  line = Replace(line, R"("token":"PEPE")",
                 absl::StrCat(R"("token":")", base::ToAbsl(kTokenAddress), R"(")"));
  line = Replace(line, R"("usd_value":617.25})", R"("usd_value":617.25,"removed":true})");
  ASSERT_TRUE(Parse(line).ok()) << Parse(line);
  EXPECT_EQ(event_.trade.side, Side::kSell);
  EXPECT_EQ(event_.trade.token, kTokenAddress);
  EXPECT_TRUE(event_.trade.removed);

  ASSERT_TRUE(Parse(Replace(kTrade, "617.25}", R"(617.25,"removed":false})")).ok());
  EXPECT_FALSE(event_.trade.removed);
}

TEST_F(ParserTest, FieldsInAnyOrderWithWhitespace) {
  const std::string line = absl::StrCat(
      "  {\t\"usd_value\" : 617.25 , \"side\":\"buy\", \"amount\":1234.5,\"price_usd\":0.5,\n",
      R"("token":"PEPE","wallet":")", base::ToAbsl(kWallet), R"(","log_index":0,"tx_hash":")",
      base::ToAbsl(kTxHash),
      R"(","block_time":1767225600000,"block_number":0,"chain":"base","type":"trade"}   )");
  ASSERT_TRUE(Parse(line).ok()) << Parse(line);
  EXPECT_EQ(event_.trade.chain, "base");
  EXPECT_EQ(event_.trade.block_number, 0);
  EXPECT_EQ(event_.trade.log_index, 0);
  EXPECT_EQ(event_.trade.usd_value, 617.25);
  EXPECT_EQ(event_.trade.side, Side::kBuy);
}

TEST_F(ParserTest, IdentifierGrammarBoundaries) {
  const std::string chain32(32, 'a');
  EXPECT_EQ(Reason(Replace(kTrade, "\"ethereum\"", absl::StrCat("\"", chain32, "\""))), "OK");
  EXPECT_EQ(Reason(Replace(kTrade, "\"ethereum\"", "\"arbitrum-one_2\"")), "OK");
  EXPECT_EQ(Reason(Replace(kTrade, "\"ethereum\"", "\"0chain\"")), "OK");
  const std::string symbol32 = absl::StrCat("A.b_c-", std::string(26, 'Z'));
  EXPECT_EQ(Reason(Replace(kTrade, "\"PEPE\"", absl::StrCat("\"", symbol32, "\""))), "OK");
  // A short 0x-string is an ordinary symbol.
  EXPECT_EQ(Reason(Replace(kTrade, "\"PEPE\"", "\"0xabc\"")), "OK");
  // Hex digits are case-insensitive in hashes too.
  EXPECT_EQ(Reason(Replace(kTrade, kTxHash, absl::StrCat("0x", std::string(64, 'F')))), "OK");
}

TEST_F(ParserTest, TimeRangeIsInclusive) {
  auto price_at = [](int64_t t) { return Replace(kPrice, "1767225600000", absl::StrCat(t)); };
  EXPECT_EQ(Reason(price_at(kDefaultMinTimeMs)), "OK");
  EXPECT_EQ(Reason(price_at(kDefaultMaxTimeMs)), "OK");
  EXPECT_THAT(Reason(price_at(kDefaultMinTimeMs - 1)),
              HasSubstr("field 'time': outside the plausible range"));
  EXPECT_THAT(Reason(price_at(kDefaultMaxTimeMs + 1)), HasSubstr("field 'time'"));
  // Seconds instead of milliseconds: the commonest producer bug.
  EXPECT_THAT(Reason(Replace(kTrade, "1767225600000", "1767225600")),
              Eq("field 'block_time': outside the plausible range [1230940800000, 4102444800000] "
                 "(epoch milliseconds)"));

  EventParser custom({.min_time_ms = 100, .max_time_ms = 200});
  EventView ev;
  std::string line = price_at(150) + std::string(kParsePadding, ' ');
  EXPECT_TRUE(custom.Parse(std::string_view(line.data(), line.size() - kParsePadding), ev).ok());
  line = price_at(201) + std::string(kParsePadding, ' ');
  EXPECT_FALSE(custom.Parse(std::string_view(line.data(), line.size() - kParsePadding), ev).ok());
}

TEST_F(ParserTest, UsdValueToleranceIsHalfAPercent) {
  // amount * price_usd = 1000; 0.5% of it is 5.
  const std::string base = Replace(Replace(kTrade, "1234.5", "2000"), "617.25", "1000");
  EXPECT_EQ(Reason(base), "OK");
  EXPECT_EQ(Reason(Replace(base, "\"usd_value\":1000", "\"usd_value\":1004.9")), "OK");
  EXPECT_EQ(Reason(Replace(base, "\"usd_value\":1000", "\"usd_value\":995.1")), "OK");
  EXPECT_EQ(Reason(Replace(base, "\"usd_value\":1000", "\"usd_value\":1005.1")),
            "field 'usd_value': differs from amount * price_usd by more than 0.5%");
  EXPECT_THAT(Reason(Replace(base, "\"usd_value\":1000", "\"usd_value\":994.9")),
              HasSubstr("field 'usd_value'"));
  // A product that overflows to infinity can never be consistent.
  std::string huge =
      Replace(Replace(kTrade, "1234.5", "1e200"), "\"price_usd\":0.5", "\"price_usd\":1e200");
  EXPECT_THAT(Reason(Replace(huge, "617.25", "1e300")), HasSubstr("field 'usd_value'"));
  // A product that underflows to zero neither.
  std::string tiny =
      Replace(Replace(kTrade, "1234.5", "1e-200"), "\"price_usd\":0.5", "\"price_usd\":1e-200");
  EXPECT_THAT(Reason(Replace(tiny, "617.25", "1e-300")), HasSubstr("field 'usd_value'"));
}

// Reasons are counted per distinct text in the run summary, so they must not embed values.
TEST_F(ParserTest, ReasonsDoNotDependOnTheOffendingValue) {
  EXPECT_EQ(Reason(Replace(kTrade, "617.25", "700")), Reason(Replace(kTrade, "617.25", "1e9")));
  EXPECT_EQ(Reason(Replace(kTrade, "1234.5", "-1")), Reason(Replace(kTrade, "1234.5", "-2.5")));
  EXPECT_EQ(Reason(Replace(kTrade, "1234.5", "NaN")),
            Reason(Replace(kTrade, "1234.5", "Infinity")));
  EXPECT_EQ(Reason(Replace(kPrice, "1767225600000", "1")),
            Reason(Replace(kPrice, "1767225600000", "2")));
  EXPECT_EQ(Reason(Replace(kTrade, "19000000", "-1")), Reason(Replace(kTrade, "19000000", "-7")));
}

TEST_F(ParserTest, EmptyLines) {
  EXPECT_EQ(Reason(""), "empty line");
  EXPECT_EQ(Reason("   "), "empty line");
  EXPECT_EQ(Reason(" \t \r"), "empty line");
}

TEST_F(ParserTest, InvalidJson) {
  for (std::string_view line : {
           std::string_view(R"({"type":"trade","chain":"ethereum","block_number":19)"),
           std::string_view(R"({"type":"price","token":"ET)"),
           std::string_view(R"({"type":"price",})"),
           std::string_view(R"({"type" "price"})"),
           std::string_view("{\"type\":\"price\",\"token\":\"ET\xffH\"}"),
           std::string_view("{\"type\":\"price\",\"token\":\"E\tH\"}"),
           std::string_view("\x00\x01\x02garbage\xfe", 12),
           std::string_view("hello"),
           std::string_view(R"({"type":'price'})"),
       }) {
    EXPECT_THAT(Reason(line), HasSubstr("invalid JSON: ")) << line;
  }
}

TEST_F(ParserTest, NanAndInfinityInAnySpellingAreRejected) {
  for (std::string_view spelling : {"NaN", "nan", "-NaN", "Infinity", "-Infinity", "inf", "-inf",
                                    "+1", "1e", "01", ".5", "1.5.3"}) {
    EXPECT_EQ(Reason(Replace(kTrade, "1234.5", spelling)),
              "invalid JSON: field 'amount': not a JSON value")
        << spelling;
  }
  for (std::string_view spelling : {"\"NaN\"", "\"Infinity\"", "\"inf\""}) {
    EXPECT_EQ(Reason(Replace(kPrice, "2000.5", spelling)),
              "field 'price_usd': must be a number, got a string")
        << spelling;
  }
}

TEST_F(ParserTest, NonPositiveAndOverflowingNumbersAreRejected) {
  EXPECT_EQ(Reason(Replace(kTrade, "1234.5", "-5")), "field 'amount': must be finite and > 0");
  EXPECT_EQ(Reason(Replace(kTrade, "1234.5", "0")), "field 'amount': must be finite and > 0");
  EXPECT_EQ(Reason(Replace(kTrade, "1234.5", "-0.0")), "field 'amount': must be finite and > 0");
  EXPECT_EQ(Reason(Replace(kTrade, "1234.5", "1e999")),
            "field 'amount': must be finite and > 0 (the number overflows a double)");
  EXPECT_EQ(Reason(Replace(kTrade, "1234.5", "1E400")),
            "field 'amount': must be finite and > 0 (the number overflows a double)");
  EXPECT_EQ(Reason(Replace(kPrice, "2000.5", "-1e400")),
            "field 'price_usd': must be finite and > 0 (the number overflows a double)");
  // Underflows to 0.
  EXPECT_EQ(Reason(Replace(kPrice, "2000.5", "1e-400")),
            "field 'price_usd': must be finite and > 0");
  EXPECT_THAT(Reason(Replace(kTrade, "617.25", "-617.25")),
              HasSubstr("field 'usd_value': must be"));
  // Integer-valued numbers are fine where a number is expected.
  EXPECT_EQ(Reason(Replace(kPrice, "2000.5", "2000")), "OK");
  EXPECT_EQ(event_.price.price_usd, 2000.0);
  EXPECT_EQ(Reason(Replace(kPrice, "2000.5", "2.0005e3")), "OK");
  EXPECT_EQ(event_.price.price_usd, 2000.5);
}

TEST_F(ParserTest, WrongTypesAreRejected) {
  EXPECT_EQ(Reason(Replace(kTrade, "19000000", "\"19000000\"")),
            "field 'block_number': must be an integer, got a string");
  EXPECT_EQ(Reason(Replace(kTrade, "19000000", "1.5")),
            "field 'block_number': must be an integer, got a non-integer number");
  EXPECT_EQ(Reason(Replace(kTrade, "\"log_index\":3", "\"log_index\":3.0")),
            "field 'log_index': must be an integer, got a non-integer number");
  EXPECT_EQ(Reason(Replace(kTrade, "\"log_index\":3", "\"log_index\":1e3")),
            "field 'log_index': must be an integer, got a non-integer number");
  EXPECT_EQ(Reason(Replace(kTrade, "\"log_index\":3", "\"log_index\":true")),
            "field 'log_index': must be an integer, got a boolean");
  EXPECT_EQ(Reason(Replace(kTrade, "1767225600000", "1767225600000.5")),
            "field 'block_time': must be an integer, got a non-integer number");
  EXPECT_EQ(Reason(Replace(kTrade, "19000000", "99999999999999999999")),
            "field 'block_number': integer out of range");
  EXPECT_EQ(Reason(Replace(kTrade, "1234.5", "\"1234.5\"")),
            "field 'amount': must be a number, got a string");
  EXPECT_EQ(Reason(Replace(kTrade, "1234.5", "null")),
            "field 'amount': must be a number, got null");
  EXPECT_EQ(Reason(Replace(kTrade, "1234.5", "[1]")),
            "field 'amount': must be a number, got an array");
  EXPECT_EQ(Reason(Replace(kTrade, "1234.5", "{\"v\":1}")),
            "field 'amount': must be a number, got an object");
  EXPECT_EQ(Reason(Replace(kTrade, "\"ethereum\"", "1")),
            "field 'chain': must be a string, got an integer");
  EXPECT_EQ(Reason(Replace(kTrade, "\"buy\"", "true")),
            "field 'side': must be a string, got a boolean");
  EXPECT_EQ(Reason(Replace(kTrade, "617.25}", "617.25,\"removed\":\"true\"}")),
            "field 'removed': must be a boolean, got a string");
  EXPECT_EQ(Reason(Replace(kTrade, "617.25}", "617.25,\"removed\":1}")),
            "field 'removed': must be a boolean, got an integer");
  EXPECT_EQ(Reason(Replace(kTrade, "617.25}", "617.25,\"removed\":truex}")),
            "invalid JSON: field 'removed': not a JSON value");
  EXPECT_EQ(Reason(Replace(kPrice, "\"price\"", "7")),
            "field 'type': must be a string, got an integer");
}

TEST_F(ParserTest, NegativeIntegersAreRejected) {
  EXPECT_EQ(Reason(Replace(kTrade, "19000000", "-1")), "field 'block_number': must be >= 0");
  EXPECT_EQ(Reason(Replace(kTrade, "\"log_index\":3", "\"log_index\":-3")),
            "field 'log_index': must be >= 0");
}

TEST_F(ParserTest, BadAddressesAndHashes) {
  const std::string wallet_error = "field 'wallet': not a 0x-prefixed 40-hex address";
  EXPECT_EQ(Reason(Replace(kTrade, kWallet, "0x1234")), wallet_error);
  EXPECT_EQ(Reason(Replace(kTrade, kWallet, absl::StrCat("0x", std::string(40, 'g')))),
            wallet_error);
  EXPECT_EQ(Reason(Replace(kTrade, kWallet, absl::StrCat("00", base::ToAbsl(kWallet.substr(2))))),
            wallet_error);
  EXPECT_EQ(Reason(Replace(kTrade, kWallet, absl::StrCat("0X", base::ToAbsl(kWallet.substr(2))))),
            wallet_error);
  EXPECT_EQ(Reason(Replace(kTrade, kWallet, kWallet.substr(2))), wallet_error);
  EXPECT_EQ(Reason(Replace(kTrade, kWallet, absl::StrCat(base::ToAbsl(kWallet), "a"))),
            wallet_error);
  EXPECT_EQ(Reason(Replace(kTrade, kWallet, "")), wallet_error);
  // An escape is not decoded: the text as written must be the address.
  EXPECT_EQ(
      Reason(Replace(kTrade, kWallet, absl::StrCat("\\u0030", base::ToAbsl(kWallet.substr(1))))),
      wallet_error);

  const std::string hash_error = "field 'tx_hash': not a 0x-prefixed 64-hex transaction hash";
  EXPECT_EQ(Reason(Replace(kTrade, kTxHash, kTxHash.substr(0, 65))), hash_error);
  EXPECT_EQ(
      Reason(Replace(kTrade, kTxHash, absl::StrCat(base::ToAbsl(kTxHash.substr(0, 65)), "z"))),
      hash_error);
  EXPECT_EQ(Reason(Replace(kTrade, kTxHash, kWallet)), hash_error);
  EXPECT_EQ(Reason(Replace(kTrade, kTxHash, absl::StrCat(base::ToAbsl(kTxHash), "0"))), hash_error);
}

// The hex check works a word at a time; try every byte value at every digit position.
TEST_F(ParserTest, HexDigitsAreCheckedAtEveryPositionForEveryByte) {
  for (size_t pos = 2; pos < kWallet.size(); ++pos) {
    for (int b = 1; b < 256; ++b) {
      const char c = static_cast<char>(b);
      if (c == '"' || c == '\\') continue;  // would change the JSON structure, not the digit
      std::string wallet(kWallet);
      wallet[pos] = c;
      const bool is_hex =
          (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
      ASSERT_EQ(Parse(Replace(kTrade, kWallet, wallet)).ok(), is_hex)
          << "byte " << b << " at " << pos;
    }
  }
  for (size_t pos = 2; pos < kTxHash.size(); pos += 5) {
    for (int b : {int{'/'}, int{'0'}, int{'9'}, int{':'}, int{'@'}, int{'A'}, int{'F'}, int{'G'},
                  int{'`'}, int{'a'}, int{'f'}, int{'g'}, 0x7f, 0x80, 0xC6, 0xE6}) {
      std::string hash(kTxHash);
      hash[pos] = static_cast<char>(b);
      const bool is_hex =
          (b >= '0' && b <= '9') || (b >= 'a' && b <= 'f') || (b >= 'A' && b <= 'F');
      ASSERT_EQ(Parse(Replace(kTrade, kTxHash, hash)).ok(), is_hex)
          << "byte " << b << " at " << pos;
    }
  }
}

TEST_F(ParserTest, BadIdentifiers) {
  const std::string chain_error = "field 'chain': must match [a-z0-9][a-z0-9_-]{0,31}";
  for (std::string_view chain : {"", "Ethereum", "-eth", "_eth", "eth.main", "eth main"}) {
    EXPECT_EQ(
        Reason(Replace(kTrade, "\"ethereum\"", absl::StrCat("\"", base::ToAbsl(chain), "\""))),
        chain_error)
        << chain;
  }
  EXPECT_EQ(Reason(Replace(kTrade, "\"ethereum\"", absl::StrCat("\"", std::string(33, 'a'), "\""))),
            chain_error);

  for (std::string_view token :
       {"", ".PEPE", "-PEPE", "PE PE", "PEPE$", "0xdac17f958d2ee523a2206206994597c13d831ecg"}) {
    EXPECT_THAT(Reason(Replace(kTrade, "\"PEPE\"", absl::StrCat("\"", base::ToAbsl(token), "\""))),
                HasSubstr("field 'token': not a symbol"))
        << token;
  }
  EXPECT_THAT(Reason(Replace(kPrice, "\"ETH\"", absl::StrCat("\"", std::string(33, 'E'), "\""))),
              HasSubstr("field 'token': not a symbol"));

  for (std::string_view side : {"\"BUY\"", "\"hold\"", "\"\"", "\"\\u0062uy\""}) {
    EXPECT_EQ(Reason(Replace(kTrade, "\"buy\"", side)), "field 'side': must be 'buy' or 'sell'")
        << side;
  }
  EXPECT_EQ(Reason(Replace(kPrice, "\"price\"", "\"swap\"")),
            "field 'type': must be 'trade' or 'price'");
}

TEST_F(ParserTest, UnknownDuplicateAndMissingFields) {
  EXPECT_EQ(Reason(Replace(kTrade, "\"amount\"", "\"amout\"")), "unknown field 'amout'");
  EXPECT_EQ(Reason(Replace(kPrice, "}", ",\"note\":\"x\"}")), "unknown field 'note'");
  EXPECT_EQ(Reason(Replace(kPrice, "}", ",\"Type\":\"price\"}")), "unknown field 'Type'");
  // Known keys as prefixes or extensions of the key are not the key.
  EXPECT_EQ(Reason(Replace(kPrice, "}", ",\"tim\":1}")), "unknown field 'tim'");
  EXPECT_EQ(Reason(Replace(kPrice, "}", ",\"times\":1}")), "unknown field 'times'");
  EXPECT_EQ(Reason(Replace(kPrice, "}", ",\"block\":1}")), "unknown field 'block'");
  EXPECT_EQ(Reason(Replace(kPrice, "}", ",\"\":1}")), "unknown field ''");
  EXPECT_EQ(Reason(Replace(kPrice, "}", ",\"t\":1}")), "unknown field 't'");
  // A long unknown key is cut short in the reason.
  EXPECT_EQ(Reason(Replace(kPrice, "}", absl::StrCat(",\"", std::string(100, 'k'), "\":1}"))),
            absl::StrCat("unknown field '", std::string(40, 'k'), "'"));

  EXPECT_EQ(Reason(Replace(kTrade, "617.25}", "617.25,\"amount\":1234.5}")),
            "duplicate field 'amount'");
  EXPECT_EQ(Reason(Replace(kPrice, "}", ",\"type\":\"price\"}")), "duplicate field 'type'");
  // Escaped keys are decoded before matching, so this is the same key twice.
  EXPECT_EQ(Reason(Replace(kPrice, "}", ",\"\\u0074oken\":\"BTC\"}")), "duplicate field 'token'");

  EXPECT_EQ(
      Reason(Replace(kTrade, absl::StrCat(",\"wallet\":\"", base::ToAbsl(kWallet), "\""), "")),
      "missing field 'wallet'");
  EXPECT_EQ(Reason(Replace(kTrade, ",\"usd_value\":617.25", "")), "missing field 'usd_value'");
  EXPECT_EQ(Reason(Replace(kPrice, "\"type\":\"price\",", "")), "missing field 'type'");
  EXPECT_EQ(Reason(Replace(kPrice, ",\"time\":1767225600000", "")), "missing field 'time'");
  EXPECT_EQ(Reason("{}"), "missing field 'type'");
  // With several missing, the first in document order is named.
  EXPECT_EQ(Reason(R"({"type":"trade"})"), "missing field 'chain'");

  EXPECT_EQ(
      Reason(Replace(kPrice, "}", absl::StrCat(",\"wallet\":\"", base::ToAbsl(kWallet), "\"}"))),
      "field 'wallet': not allowed in a price event");
  EXPECT_EQ(Reason(Replace(kPrice, "}", ",\"removed\":true}")),
            "field 'removed': not allowed in a price event");
  EXPECT_EQ(Reason(Replace(kTrade, "617.25}", "617.25,\"time\":1767225600000}")),
            "field 'time': not allowed in a trade event");
}

TEST_F(ParserTest, EscapedKeysAreDecoded) {
  EXPECT_EQ(Reason(Replace(kPrice, "\"type\"", "\"\\u0074ype\"")), "OK");
  EXPECT_EQ(event_.price.token, "ETH");
  EXPECT_EQ(Reason(Replace(kPrice, "\"type\"", "\"\\q\"")).substr(0, 14), "invalid JSON: ");
}

TEST_F(ParserTest, NonObjectsAndTrailingContent) {
  EXPECT_EQ(Reason("[1,2]"), "not a JSON object");
  EXPECT_EQ(Reason("5"), "not a JSON object");
  EXPECT_EQ(Reason("\"trade\""), "not a JSON object");
  EXPECT_EQ(Reason("null"), "not a JSON object");
  EXPECT_EQ(Reason(kPrice + "}"), "trailing content after the JSON object");
  EXPECT_EQ(Reason(kPrice + " " + kPrice), "trailing content after the JSON object");
  EXPECT_THAT(Reason(kPrice + " x"), HasSubstr("invalid JSON"));
  EXPECT_EQ(Reason(kPrice + " \t "), "OK");
}

TEST_F(ParserTest, ParserIsReusableAfterErrorsAndGrowsForLongLines) {
  EXPECT_NE(Reason("{\"type\":"), "OK");
  EXPECT_EQ(Reason(kPrice), "OK");
  EXPECT_NE(Reason(Replace(kTrade, "1234.5", "NaN")), "OK");
  EXPECT_EQ(Reason(kTrade), "OK");
  EXPECT_EQ(event_.trade.amount, 1234.5);
  // 200 KB of whitespace inside a valid object.
  const std::string long_line =
      Replace(kPrice, ",\"time\"", absl::StrCat(",", std::string(200000, ' '), "\"time\""));
  EXPECT_EQ(Reason(long_line), "OK");
  EXPECT_EQ(event_.price.time_ms, 1767225600000);
  EXPECT_EQ(Reason(kTrade), "OK");
  EXPECT_EQ(event_.trade.token, "PEPE");
}

// Places each line so that its padding ends exactly at a PROT_NONE page: any read past the
// padding faults, whether from instrumented code or simdjson's SIMD kernels.
TEST(ParserPaddingTest, ReadsNoFurtherThanThePadding) {
  const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  void* mem = mmap(nullptr, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ASSERT_NE(mem, MAP_FAILED);
  char* base = static_cast<char*>(mem);
  ASSERT_EQ(mprotect(base + page, page, PROT_NONE), 0);

  EventParser parser;
  EventView event;
  std::vector<std::string> lines = {kTrade,
                                    kPrice,
                                    "",
                                    "{",
                                    "{\"type\":\"price\"",
                                    "5",
                                    "\"abc",
                                    Replace(kPrice, "2000.5", "1e400")};
  for (size_t cut = 0; cut < kTrade.size(); cut += 7) lines.push_back(kTrade.substr(0, cut));
  for (const std::string& line : lines) {
    ASSERT_LE(line.size() + kParsePadding, page);
    char* start = base + page - kParsePadding - line.size();
    std::memcpy(start, line.data(), line.size());
    std::memset(start + line.size(), '7', kParsePadding);
    const absl::Status s = parser.Parse(std::string_view(start, line.size()), event);
    EXPECT_EQ(s.ok(), line == kTrade || line == kPrice) << line << ": " << s;
  }
  munmap(mem, 2 * page);
}

// The canonical fast path must be invisible: for every line, including near misses of the shape it
// handles, the status (code and reason) and the parsed values must be those of the strict parser.
class FastPathAgreementTest : public ::testing::Test {
 protected:
  static ParserOptions Strict() {
    ParserOptions o;
    o.canonical_fast_path = false;
    return o;
  }

  void ExpectAgreement(std::string_view line) {
    std::string buffer(line);
    buffer.append(kParsePadding, '}');
    const std::string_view view(buffer.data(), line.size());
    EventView fast_event;
    EventView strict_event;
    const absl::Status fast = fast_.Parse(view, fast_event);
    const absl::Status strict = strict_.Parse(view, strict_event);
    ++checked_;
    ASSERT_EQ(fast, strict) << line;
    if (!fast.ok()) return;
    ++accepted_;
    ASSERT_EQ(fast_event.kind, strict_event.kind) << line;
    if (fast_event.kind == EventKind::kPrice) {
      const PriceView& a = fast_event.price;
      const PriceView& b = strict_event.price;
      EXPECT_EQ(a.token, b.token) << line;
      EXPECT_EQ(a.time_ms, b.time_ms) << line;
      // Bit-identical, not just equal: the engine's outputs are compared byte for byte.
      EXPECT_EQ(std::bit_cast<uint64_t>(a.price_usd), std::bit_cast<uint64_t>(b.price_usd)) << line;
      return;
    }
    const TradeView& a = fast_event.trade;
    const TradeView& b = strict_event.trade;
    EXPECT_EQ(a.chain, b.chain) << line;
    EXPECT_EQ(a.block_number, b.block_number) << line;
    EXPECT_EQ(a.block_time_ms, b.block_time_ms) << line;
    EXPECT_EQ(a.tx_hash, b.tx_hash) << line;
    EXPECT_EQ(a.tx_hash_bytes, b.tx_hash_bytes) << line;
    EXPECT_EQ(a.log_index, b.log_index) << line;
    EXPECT_EQ(a.wallet, b.wallet) << line;
    EXPECT_EQ(a.wallet_bytes, b.wallet_bytes) << line;
    EXPECT_EQ(a.token, b.token) << line;
    EXPECT_EQ(a.side, b.side) << line;
    EXPECT_EQ(std::bit_cast<uint64_t>(a.amount), std::bit_cast<uint64_t>(b.amount)) << line;
    EXPECT_EQ(std::bit_cast<uint64_t>(a.price_usd), std::bit_cast<uint64_t>(b.price_usd)) << line;
    EXPECT_EQ(std::bit_cast<uint64_t>(a.usd_value), std::bit_cast<uint64_t>(b.usd_value)) << line;
    EXPECT_EQ(a.removed, b.removed) << line;
  }

  EventParser fast_;
  EventParser strict_{Strict()};
  int checked_ = 0;
  int accepted_ = 0;
};

TEST_F(FastPathAgreementTest, NumbersOfEveryShape) {
  // Mantissas around 2^53, exponents around +-22, zeros, signs, and malformed spellings.
  const std::vector<std::string> numbers = {"1",
                                            "0.5",
                                            "2000.5",
                                            "0.0002316582121",
                                            "36128878",
                                            "178658.1181",
                                            "1e3",
                                            "1E+3",
                                            "1e-05",
                                            "2.5e-3",
                                            "9007199254740992",
                                            "9007199254740993",
                                            "90071992547409921",
                                            "1234567890123456789",
                                            "12345678901234567890",
                                            "0.1234567890123456789",
                                            "1e22",
                                            "1e23",
                                            "1e-22",
                                            "1e-23",
                                            "4e-320",
                                            "1e400",
                                            "1e0999",
                                            "0",
                                            "0.0",
                                            "-1",
                                            "-0",
                                            "00.5",
                                            "01",
                                            ".5",
                                            "1.",
                                            "1e",
                                            "1e+",
                                            "+1",
                                            "1.5.5",
                                            "0x10",
                                            "NaN",
                                            "Infinity",
                                            "1 ",
                                            "1\t",
                                            "\"1\"",
                                            "true",
                                            "null",
                                            "3.14159265358979323846",
                                            "0.30000000000000004",
                                            "123456.78901234567",
                                            "1e-7",
                                            "100000000000000000000000"};
  for (const std::string& n : numbers) {
    ExpectAgreement(Replace(kPrice, "2000.5", n));
    ExpectAgreement(Replace(kTrade, "1234.5", n));
    ExpectAgreement(
        Replace(kTrade, "\"price_usd\":0.5", absl::StrCat("\"price_usd\":", base::ToAbsl(n))));
    // usd_value must match amount * price_usd: make it so for the valid numbers.
    ExpectAgreement(Replace(Replace(kTrade, "1234.5", n), "617.25", n));
  }
  for (const std::string_view n :
       {"0", "1", "-1", "-0", "01", "123456789012345678", "1234567890123456789",
        "9223372036854775807", "9223372036854775808", "1.0", "1e3", "1767225600000",
        "1767225600000.0", "4102444800000", "4102444800001", "1230940799999"}) {
    ExpectAgreement(
        Replace(kTrade, "\"log_index\":3", absl::StrCat("\"log_index\":", base::ToAbsl(n))));
    ExpectAgreement(Replace(kTrade, "19000000", n));
    ExpectAgreement(Replace(kTrade, "1767225600000", n));
    ExpectAgreement(Replace(kPrice, "1767225600000", n));
  }
  EXPECT_GT(accepted_, 40);
}

TEST_F(FastPathAgreementTest, EverySingleByteEditOfCanonicalLines) {
  std::vector<std::string> lines = {
      kTrade,
      kPrice,
      Replace(kTrade, "617.25}", "617.25,\"removed\":true}"),
      Replace(kTrade, "617.25}", "617.25,\"removed\":false}"),
      Replace(Replace(kTrade, "\"buy\"", "\"sell\""), "\"PEPE\"",
              absl::StrCat("\"", base::ToAbsl(kTokenAddress), "\"")),
      Replace(kPrice, "\"ETH\"", absl::StrCat("\"", base::ToAbsl(kTokenAddress), "\""))};
  const std::string_view replacements = "09afAFxX\"\\ \t,:{}[]-+.eE_tnl\x01\xc3";
  for (const std::string& line : lines) {
    ExpectAgreement(line);
    for (size_t i = 0; i <= line.size(); ++i) {
      if (i < line.size()) {
        ExpectAgreement(line.substr(0, i) + line.substr(i + 1));  // deletion
        for (char c : replacements) {
          std::string edited = line;
          edited[i] = c;
          ExpectAgreement(edited);
        }
      }
      for (char c : std::string_view("0a\" ,}")) {
        ExpectAgreement(line.substr(0, i) + c + line.substr(i));  // insertion
      }
    }
  }
  EXPECT_GT(checked_, 10000);
  EXPECT_GT(accepted_, 100);
}

}  // namespace
}  // namespace coattail::event
