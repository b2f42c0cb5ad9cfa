#include "coattail/event/parser.h"

#include <simdjson.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "coattail/base/strings.h"
#include "coattail/event/canonical_parser.h"
#include "coattail/event/event.h"
#include "coattail/event/field_decoding.h"
#include "coattail/event/field_grammar.h"

namespace coattail::event {

static_assert(kParsePadding == simdjson::SIMDJSON_PADDING,
              "kParsePadding must match the padding simdjson reads past its input");

struct EventParser::Impl {
  simdjson::ondemand::parser parser;
};

// The fast path (canonical_parser.h), the field grammar (field_grammar.h) and the strict path's
// value decoding (field_decoding.h) are this file's internals, split out by responsibility.
using namespace parser_internal;

EventParser::EventParser(ParserOptions options)
    : options_(options), impl_(std::make_unique<Impl>()) {}

EventParser::~EventParser() = default;

absl::Status EventParser::Parse(std::string_view line, EventView& out) {
  if (options_.canonical_fast_path && TryCanonical(line, options_, out)) return absl::OkStatus();
  {
    size_t i = 0;
    while (i < line.size() && IsJsonSpace(line[i])) ++i;
    if (i == line.size()) return absl::InvalidArgumentError("empty line");
  }

  ondemand::parser& parser = impl_->parser;
  if (line.size() > parser.capacity()) {
    // Grow geometrically: simdjson would otherwise reallocate to the exact size of every line
    // longer than the last.
    const size_t capacity = std::max(line.size(), 2 * parser.capacity());
    if (parser.allocate(capacity, parser.max_depth()) != simdjson::SUCCESS) {
      return absl::ResourceExhaustedError(
          absl::StrCat("cannot allocate a JSON parser for a ", line.size(), "-byte line"));
    }
  }

  ondemand::document doc;
  if (auto e = parser
                   .iterate(simdjson::padded_string_view(line.data(), line.size(),
                                                         line.size() + kParsePadding))
                   .get(doc);
      e != simdjson::SUCCESS) {
    return JsonError(e);
  }
  ondemand::object object;
  if (auto e = doc.get_object().get(object); e != simdjson::SUCCESS) {
    if (e == simdjson::INCORRECT_TYPE) return NotAnObject(line);
    if (e == simdjson::INCOMPLETE_ARRAY_OR_OBJECT) {
      // simdjson checks up front that an object document ends with '}'; say what that means.
      return absl::InvalidArgumentError(
          "invalid JSON: the object does not end the line (truncated, or followed by other text)");
    }
    return JsonError(e);
  }

  uint32_t seen = 0;
  EventKind kind = EventKind::kPrice;
  std::string_view chain, tx_hash, wallet, token;
  std::array<uint8_t, 32> tx_hash_bytes{};
  std::array<uint8_t, 20> wallet_bytes{};
  int64_t block_number = 0, block_time = 0, log_index = 0, time = 0;
  double amount = 0, price_usd = 0, usd_value = 0;
  Side side = Side::kBuy;
  bool removed = false;

  for (auto field_result : object) {
    if (field_result.error() != simdjson::SUCCESS) return JsonError(field_result.error());
    // Used in place: moving the field out with get() costs a store-forwarding stall per field.
    ondemand::field& field = field_result.value_unsafe();

    const char* raw_key = field.key().raw();
    Field f = MatchRawKey(raw_key);
    if (f == kNumFields) {
      // Not a known key as written: it is unknown, or a known key spelled with escapes.
      size_t key_len = 0;
      while (raw_key[key_len] != '"' && raw_key[key_len] != '\\') ++key_len;
      std::string_view key(raw_key, key_len);
      if (raw_key[key_len] == '\\') {
        if (auto e = field.unescaped_key().get(key); e != simdjson::SUCCESS) return JsonError(e);
        f = LookupField(key);
      }
      if (f == kNumFields) {
        return absl::InvalidArgumentError(
            absl::StrCat("unknown field '", base::ToAbsl(Excerpt(key)), "'"));
      }
    }
    if ((seen & Bit(f)) != 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("duplicate field '", base::ToAbsl(kFieldNames[f]), "'"));
    }
    seen |= Bit(f);

    ondemand::value& v = field.value();
    absl::Status s;
    switch (f) {
      case kType: {
        std::string_view type;
        s = GetRawString(f, v, type);
        if (!s.ok()) break;
        if (type == "trade") {
          kind = EventKind::kTrade;
        } else if (type == "price") {
          kind = EventKind::kPrice;
        } else {
          s = FieldError(f, "must be 'trade' or 'price'");
        }
        break;
      }
      case kChain:
        s = GetRawString(f, v, chain);
        if (s.ok() && !IsChain(chain)) s = FieldError(f, "must match [a-z0-9][a-z0-9_-]{0,31}");
        break;
      case kBlockNumber:
        s = GetNonNegativeInteger(f, v, block_number);
        break;
      case kBlockTime:
        s = GetInteger(f, v, block_time);
        break;
      case kTxHash:
        s = GetRawString(f, v, tx_hash);
        if (s.ok() && !DecodeHexString(tx_hash, tx_hash_bytes)) {
          s = FieldError(f, "not a 0x-prefixed 64-hex transaction hash");
        }
        break;
      case kLogIndex:
        s = GetNonNegativeInteger(f, v, log_index);
        break;
      case kWallet:
        s = GetRawString(f, v, wallet);
        if (s.ok() && !DecodeHexString(wallet, wallet_bytes))
          s = FieldError(f, "not a 0x-prefixed 40-hex address");
        break;
      case kToken:
        s = GetRawString(f, v, token);
        if (s.ok() && !IsToken(token)) {
          s = FieldError(f,
                         "not a symbol ([A-Za-z0-9][A-Za-z0-9._-]{0,31}) or a 0x-prefixed 40-hex "
                         "address");
        }
        break;
      case kSide: {
        std::string_view text;
        s = GetRawString(f, v, text);
        if (!s.ok()) break;
        if (text == "buy") {
          side = Side::kBuy;
        } else if (text == "sell") {
          side = Side::kSell;
        } else {
          s = FieldError(f, "must be 'buy' or 'sell'");
        }
        break;
      }
      case kAmount:
        s = GetPositiveNumber(f, v, amount);
        break;
      case kPriceUsd:
        s = GetPositiveNumber(f, v, price_usd);
        break;
      case kUsdValue:
        s = GetPositiveNumber(f, v, usd_value);
        break;
      case kRemoved:
        s = GetBool(f, v, removed);
        break;
      case kTime:
        s = GetInteger(f, v, time);
        break;
      case kNumFields:
        break;
    }
    if (!s.ok()) return s;
  }

  // A complete object followed by more JSON (`{...} {...}` or `{...}}`) leaves unread tokens.
  const char* location = nullptr;
  if (doc.current_location().get(location) != simdjson::OUT_OF_BOUNDS) {
    return absl::InvalidArgumentError("trailing content after the JSON object");
  }

  if ((seen & Bit(kType)) == 0) return absl::InvalidArgumentError("missing field 'type'");
  const bool is_trade = kind == EventKind::kTrade;
  const uint32_t allowed = is_trade ? kTradeAllowed : kPriceAllowed;
  const uint32_t required = is_trade ? kTradeRequired : kPriceRequired;
  if (const uint32_t extra = seen & ~allowed; extra != 0) {
    return FieldError(FirstField(extra),
                      is_trade ? "not allowed in a trade event" : "not allowed in a price event");
  }
  if (const uint32_t missing = required & ~seen; missing != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("missing field '", base::ToAbsl(kFieldNames[FirstField(missing)]), "'"));
  }

  const Field time_field = is_trade ? kBlockTime : kTime;
  const int64_t event_time = is_trade ? block_time : time;
  if (event_time < options_.min_time_ms || event_time > options_.max_time_ms) {
    return FieldError(time_field,
                      absl::StrCat("outside the plausible range [", options_.min_time_ms, ", ",
                                   options_.max_time_ms, "] (epoch milliseconds)"));
  }

  out.kind = kind;
  if (is_trade) {
    const double product = amount * price_usd;
    // An overflowing product is infinite and an underflowing one is 0; neither can match.
    if (!std::isfinite(product) ||
        !(std::fabs(usd_value - product) <= kUsdValueTolerance * product)) {
      return FieldError(kUsdValue, "differs from amount * price_usd by more than 0.5%");
    }
    TradeView& t = out.trade;
    t.chain = chain;
    t.block_number = block_number;
    t.block_time_ms = block_time;
    t.tx_hash = tx_hash;
    t.tx_hash_bytes = tx_hash_bytes;
    t.log_index = log_index;
    t.wallet = wallet;
    t.wallet_bytes = wallet_bytes;
    t.token = token;
    t.side = side;
    t.amount = amount;
    t.price_usd = price_usd;
    t.usd_value = usd_value;
    t.removed = removed;
  } else {
    PriceView& p = out.price;
    p.token = token;
    p.time_ms = time;
    p.price_usd = price_usd;
  }
  return absl::OkStatus();
}

}  // namespace coattail::event