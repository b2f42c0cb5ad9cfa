// The simulation behind Generate (simulator.h): the wallets, the queue of everything due, and the
// line formatting, as one class whose parts are defined by responsibility in
//   simulation.cc        the run loop, set-up, scheduling, trade construction and price/trade lines
//   wallet_behaviour.cc  the seven wallet classes' parameters and actions
//   fault_injection.cc   the injected malformed lines, duplicates and retractions
// Internal to coattail_sim.
#ifndef COATTAIL_SIM_SIMULATION_H_
#define COATTAIL_SIM_SIMULATION_H_

#include <array>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <queue>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "coattail/sim/config.h"
#include "coattail/sim/decimal.h"
#include "coattail/sim/market.h"
#include "coattail/sim/random.h"
#include "coattail/sim/simulator.h"

namespace coattail::sim::internal {

inline constexpr int64_t kDayMs = 86400000;
inline constexpr int64_t kMinuteMs = 60000;
inline constexpr int64_t kBlockMs = 12000;
inline constexpr int64_t kFirstBlock = 19000000;
inline constexpr int kAmountDigits = 8;
inline constexpr int kUsdDigits = 10;
inline constexpr double kMaxSlippage = 0.001;
inline constexpr double kLateFraction = 0.1;
inline constexpr int64_t kMaxCopyDelayMs = 60000;
inline constexpr int kMalformedKinds = 5;
inline constexpr size_t kLineBufferSize = 1024;

enum class WalletClass : uint8_t { kInformed, kNoise, kActive, kLucky, kBot, kExchange, kWash };
inline constexpr int kNumClasses = 7;

struct Tip {
  int64_t time_ms;
  int asset;
};

struct Wallet {
  WalletClass cls = WalletClass::kNoise;
  std::array<char, 42> address{};
  Rng decide{0};
  Rng deliver{0};
  double mean_gap_ms = 0.0;  // mean time between actions (Poisson classes)
  double next_ms = 0.0;      // raw time of the latest scheduled action, relative to the start
  std::array<int, 3> favourites{};
  int num_favourites = 0;
  // Lucky wallets: every trade time in advance (15-40 of them) and the lucky run [begin, end).
  std::vector<int64_t> schedule;
  size_t schedule_pos = 0;
  size_t streak_begin = 0;
  size_t streak_end = 0;
  // Informed wallets: pre-jump buys, ascending by time.
  std::vector<Tip> tips;
  size_t tip_pos = 0;

  [[nodiscard]] std::string_view address_view() const { return {address.data(), address.size()}; }
};

struct TradeRecord {
  int64_t block_time_ms = 0;
  std::array<uint64_t, 4> tx{};
  double amount = 0.0;
  double price = 0.0;
  uint32_t wallet = 0;
  int asset = 0;
  int64_t log_index = 0;
  bool buy = true;
};

enum class ItemKind : uint8_t {
  kAction,      // a wallet decides and trades
  kTipAction,   // an informed wallet's pre-jump buy
  kTrade,       // a trade line due
  kDuplicate,   // an injected exact copy of an earlier trade line
  kRetraction,  // an injected "removed":true copy of an earlier trade line
  kMalformed,   // an injected invalid line; trade.log_index holds its ordinal
};

// Everything due in the future, ordered by (key, seq): key is the emission time, seq the order of
// scheduling, so the stream is a pure function of the config.
struct Item {
  int64_t key;
  uint64_t seq;
  ItemKind kind;
  TradeRecord trade;
};

struct ItemAfter {
  bool operator()(const Item& a, const Item& b) const {
    return a.key != b.key ? a.key > b.key : a.seq > b.seq;
  }
};

// Builds one line in a fixed buffer; lines are far below kLineBufferSize.
class LineBuilder {
 public:
  void Clear() { end_ = buf_.data(); }
  void Append(std::string_view s) {
    std::memcpy(end_, s.data(), s.size());
    end_ += s.size();
  }
  void Append(char c) { *end_++ = c; }
  void AppendInt(int64_t v) { end_ = std::to_chars(end_, buf_.data() + buf_.size(), v).ptr; }
  void AppendDecimal(double v, int significant) {
    end_ = WriteDecimal(end_, v, significant, nullptr);
  }
  void AppendHex(const std::array<uint64_t, 4>& words) {
    for (uint64_t w : words) end_ = WriteHex64(end_, w);
  }
  [[nodiscard]] std::string_view view() const {
    return {buf_.data(), static_cast<size_t>(end_ - buf_.data())};
  }

 private:
  std::array<char, kLineBufferSize> buf_{};
  char* end_ = buf_.data();
};

// A random "0x" + 40 lower-case hex digit address.
void RandomAddress(Rng& rng, std::array<char, 42>& out);

// Optional replacements that turn a trade line into an injected malformed one.
struct Corruption {
  std::string_view side;
  std::string_view amount;
};
class Simulation {
 public:
  Simulation(const SimConfig& config, LineSink& sink);
  absl::StatusOr<SimTruth> Run();

 private:
  // ---- Set-up, scheduling and output (simulation.cc) ----
  void SetUpWallets();
  // Informed wallets buy minutes before half of the big positive jumps (> +1 sd of the token's
  // jump size), each jump going to one informed wallet at random.
  void SetUpTips();
  // Poisson arrivals: the next action an exponential gap after the previous one.
  void ScheduleNext(uint32_t id);
  // A trade at `time_ms` (a block time) at the tick price with slippage, `usd` worth of the token.
  TradeRecord MakeTrade(uint32_t id, int asset, bool buy, double usd, int64_t time_ms);
  double SlippedPrice(Rng& rng, int asset, int64_t time_ms) const;
  static void NewTransaction(Rng& rng, TradeRecord& t);
  // Queues a trade line; a tenth of them are delivered up to max_disorder_ms late.
  void QueueTrade(const TradeRecord& t);
  void Emit(std::string_view line);
  void EmitPrices(int64_t k);
  void FormatTrade(const TradeRecord& t, bool removed);
  void FormatTrade(const TradeRecord& t, std::string_view wallet, bool removed,
                   const Corruption* corruption);
  void Process();

  // ---- Scheduling helpers shared by every part ----
  [[nodiscard]] int64_t BlockTime(int64_t elapsed_ms) const {
    return config_.start_time_ms + elapsed_ms / kBlockMs * kBlockMs;
  }
  int RandomToken(Rng& rng) const {
    return 1 + static_cast<int>(rng.Below(static_cast<uint64_t>(market_.num_assets() - 1)));
  }
  Item MakeItem(ItemKind kind, int64_t key) { return Item{key, next_seq_++, kind, TradeRecord{}}; }
  void Push(ItemKind kind, int64_t key, uint32_t wallet) {
    Item item = MakeItem(kind, key);
    item.trade.wallet = wallet;
    queue_.push(item);
  }

  // ---- Wallet behaviour (wallet_behaviour.cc) ----
  // Draws the wallet's parameters and schedules its first action.
  void InitWallet(uint32_t id);
  void Act(uint32_t id, ItemKind kind, int64_t now);

  // ---- Fault injection (fault_injection.cc) ----
  static std::vector<int64_t> SortedTimes(Rng& rng, int n, int64_t from, int64_t span);
  // Copies are attached to the first trade emitted at or after each target time; targets stop at
  // 90% of the span so the requested counts are met whenever the market has enough trades.
  void SetUpFaults();
  // Re-emits `item`'s trade later (within the disorder bound and a minute) if a target is due.
  // Returns whether it did.
  bool MaybeCopy(const Item& item, const std::vector<int64_t>& targets, size_t& pos, ItemKind kind);
  // Kinds, in rotation: truncated JSON, NaN amount, negative amount, bad wallet address, unknown
  // side.
  void EmitMalformed(const Item& item);

  const SimConfig& config_;
  const Market market_;
  LineSink& sink_;
  const int64_t span_ms_;  // from the start to the last price tick
  Rng faults_;
  std::string trade_prefix_;
  std::vector<std::string> price_prefixes_;
  std::vector<Wallet> wallets_;
  std::priority_queue<Item, std::vector<Item>, ItemAfter> queue_;
  uint64_t next_seq_ = 0;
  std::vector<int64_t> malformed_targets_;
  std::vector<int64_t> duplicate_targets_;
  std::vector<int64_t> retraction_targets_;
  size_t duplicate_pos_ = 0;
  size_t retraction_pos_ = 0;
  LineBuilder line_;
  SimTruth truth_;
  absl::Status status_;
};

}  // namespace coattail::sim::internal

#endif  // COATTAIL_SIM_SIMULATION_H_
