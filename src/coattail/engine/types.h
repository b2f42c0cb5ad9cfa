// Compact, owned representations the engine keeps after a line's buffer is gone.
#ifndef COATTAIL_ENGINE_TYPES_H_
#define COATTAIL_ENGINE_TYPES_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace coattail::engine {

using WalletId = uint32_t;
using TokenId = uint32_t;
using ChainId = uint16_t;

// A 128-bit fingerprint. Used for the idempotency key of a trade and for alert ids.
struct Key128 {
  uint64_t hi = 0;
  uint64_t lo = 0;
  friend bool operator==(const Key128&, const Key128&) = default;
  template <typename H>
  friend H AbslHashValue(H h, const Key128& k) {
    return H::combine(std::move(h), k.hi, k.lo);
  }
  std::string Hex() const;  // 32 lower-case hex digits
};

using TxHash = std::array<uint8_t, 32>;
using Address = std::array<uint8_t, 20>;

// Equal event times are processed in this order, so that "the last price at or before t" includes
// prices stamped exactly t, and a token's interval return sees the benchmark price of the same
// instant (docs/EVENTS.md).
enum class EventClass : uint8_t { kBenchmarkPrice = 0, kPrice = 1, kTrade = 2 };

struct CompactEvent {
  int64_t time_ms = 0;
  // Orders events of equal time and class by content, not arrival: a hash of the token for a
  // price, of the wallet's address for a trade. Events of one token or one wallet share
  // it and keep their arrival order; across tokens and wallets the order no longer depends on how
  // the input was interleaved, so a merge of Kinesis shards and the file they came from give the
  // same processing order, and bit-identical results.
  uint64_t tie = 0;
  uint64_t seq = 0;  // arrival order, the final tie-breaker
  int64_t line = 0;  // 1-based input line, for dead letters and alerts
  EventClass cls = EventClass::kPrice;
  bool removed = false;
  int8_t side = 1;  // +1 buy, -1 sell
  ChainId chain = 0;
  TokenId token = 0;
  WalletId wallet = 0;
  int64_t block_number = 0;
  int64_t log_index = 0;
  double amount = 0;
  double price_usd = 0;
  double usd_value = 0;
  Key128 key;  // idempotency key of a trade
  TxHash tx{};
};

// The reorder buffer's order: time, then class. Equal keys keep arrival order.
inline bool GroupBefore(const CompactEvent& a, const CompactEvent& b) {
  if (a.time_ms != b.time_ms) return a.time_ms < b.time_ms;
  return a.cls < b.cls;
}

// The processing order: time, then class, then the content tie-breaker, then arrival. The reorder
// buffer applies the last two when it releases a (time, class) group.
inline bool ProcessedBefore(const CompactEvent& a, const CompactEvent& b) {
  if (a.time_ms != b.time_ms) return a.time_ms < b.time_ms;
  if (a.cls != b.cls) return a.cls < b.cls;
  if (a.tie != b.tie) return a.tie < b.tie;
  return a.seq < b.seq;
}

}  // namespace coattail::engine

#endif  // COATTAIL_ENGINE_TYPES_H_
