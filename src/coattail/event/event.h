// Event views produced by the parser: the two kinds of line in the NDJSON stream (docs/EVENTS.md).
//
// Views borrow from the line they were parsed from; the engine copies what it keeps into its own
// compact representation before the line buffer is reused.
#ifndef COATTAIL_EVENT_EVENT_H_
#define COATTAIL_EVENT_EVENT_H_

#include <array>
#include <cstdint>
#include <string_view>

namespace coattail::event {

// The sign of a trade in return arithmetic: a buy profits when the price rises.
enum class Side : int8_t { kSell = -1, kBuy = 1 };

enum class EventKind : uint8_t { kPrice = 0, kTrade = 1 };

// A swap executed by `wallet` on `chain`. (chain, tx_hash, log_index) is the idempotency key.
struct TradeView {
  std::string_view chain;                   // lower-case identifier, e.g. "ethereum"
  int64_t block_number = 0;                 // >= 0
  int64_t block_time_ms = 0;                // UTC epoch milliseconds
  std::string_view tx_hash;                 // "0x" + 64 hex digits, as written in the input
  std::array<uint8_t, 32> tx_hash_bytes{};  // tx_hash decoded (the parser validates by decoding)
  int64_t log_index = 0;                    // >= 0
  std::string_view wallet;  // "0x" + 40 hex digits, as written (case is not significant)
  std::array<uint8_t, 20> wallet_bytes{};  // wallet decoded
  std::string_view token;  // symbol such as "PEPE" or a "0x" + 40 hex contract address
  Side side = Side::kBuy;
  double amount = 0;     // finite, > 0, token units
  double price_usd = 0;  // finite, > 0
  double usd_value = 0;  // finite, > 0, amount * price_usd within tolerance
  bool removed = false;  // true: a chain reorganisation retracts this trade
};

// The price of `token` in USD at `time_ms`.
struct PriceView {
  std::string_view token;
  int64_t time_ms = 0;
  double price_usd = 0;  // finite, > 0
};

struct EventView {
  EventKind kind = EventKind::kPrice;
  TradeView trade;  // valid when kind == kTrade
  PriceView price;  // valid when kind == kPrice

  int64_t time_ms() const {
    return kind == EventKind::kTrade ? trade.block_time_ms : price.time_ms;
  }
};

}  // namespace coattail::event

#endif  // COATTAIL_EVENT_EVENT_H_
