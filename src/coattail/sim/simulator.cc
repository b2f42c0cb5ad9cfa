#include "coattail/sim/simulator.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <memory>
#include <queue>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "coattail/sim/decimal.h"
#include "coattail/sim/market.h"
#include "coattail/sim/random.h"
#include "coattail/sim/streams.h"

namespace coattail::sim {
namespace {

constexpr int64_t kDayMs = 86400000;
constexpr int64_t kMinuteMs = 60000;
constexpr int64_t kBlockMs = 12000;
constexpr int64_t kFirstBlock = 19000000;
constexpr int kAmountDigits = 8;
constexpr int kUsdDigits = 10;
constexpr double kMaxSlippage = 0.001;
constexpr double kLateFraction = 0.1;
constexpr int64_t kMaxCopyDelayMs = 60000;
constexpr int kMalformedKinds = 5;
constexpr size_t kLineBufferSize = 1024;

enum class WalletClass : uint8_t { kInformed, kNoise, kActive, kLucky, kBot, kExchange, kWash };
constexpr int kNumClasses = 7;

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

  std::string_view address_view() const { return {address.data(), address.size()}; }
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
  std::string_view view() const { return {buf_.data(), static_cast<size_t>(end_ - buf_.data())}; }

 private:
  std::array<char, kLineBufferSize> buf_{};
  char* end_ = buf_.data();
};

void RandomAddress(Rng& rng, std::array<char, 42>& out) {
  char hex[48];
  for (size_t i = 0; i < 3; ++i) WriteHex64(hex + 16 * i, rng.Next());
  out[0] = '0';
  out[1] = 'x';
  std::memcpy(out.data() + 2, hex, 40);
}

// Optional replacements that turn a trade line into an injected malformed one.
struct Corruption {
  std::string_view side;
  std::string_view amount;
};

class Simulation {
 public:
  Simulation(const SimConfig& config, LineSink& sink)
      : config_(config),
        market_(config),
        sink_(sink),
        span_ms_(market_.last_tick_time() - config.start_time_ms),
        faults_(Rng::ForStream(config.seed, kStreamFaults, 0)) {
    trade_prefix_ =
        absl::StrCat(R"({"type":"trade","chain":")", config.chain, R"(","block_number":)");
    for (int a = 0; a < market_.num_assets(); ++a) {
      price_prefixes_.push_back(
          absl::StrCat(R"({"type":"price","token":")", market_.symbol(a), R"(","time":)"));
    }
  }

  absl::StatusOr<SimTruth> Run() {
    SetUpWallets();
    SetUpTips();
    SetUpFaults();
    for (int64_t k = 0; k < market_.num_ticks() && status_.ok(); ++k) {
      const int64_t tick_time = market_.tick_time(k);
      while (!queue_.empty() && queue_.top().key < tick_time && status_.ok()) Process();
      EmitPrices(k);
    }
    while (!queue_.empty() && status_.ok()) Process();
    if (!status_.ok()) return status_;
    return std::move(truth_);
  }

 private:
  // ---- Set-up -----------------------------------------------------------------------------------

  void SetUpWallets() {
    const std::array<int, kNumClasses> counts = {
        config_.informed, config_.noise,     config_.active_noise, config_.lucky_noise,
        config_.bots,     config_.exchanges, config_.wash};
    truth_.benchmark = config_.benchmark;
    for (int a = 1; a < market_.num_assets(); ++a) {
      truth_.tokens.push_back(market_.symbol(a));
      truth_.betas.push_back(market_.beta(a));
    }
    std::array<std::vector<std::string>*, kNumClasses> lists = {
        &truth_.informed, &truth_.noise,     &truth_.active, &truth_.lucky,
        &truth_.bots,     &truth_.exchanges, &truth_.wash};
    size_t total = 0;
    for (int n : counts) total += static_cast<size_t>(n);
    wallets_.reserve(total);
    for (int c = 0; c < kNumClasses; ++c) {
      const uint64_t base = kStreamWalletBase + 4 * static_cast<uint64_t>(c);
      for (int i = 0; i < counts[static_cast<size_t>(c)]; ++i) {
        const auto index = static_cast<uint64_t>(i);
        Wallet& w = wallets_.emplace_back();
        w.cls = static_cast<WalletClass>(c);
        w.decide = Rng::ForStream(config_.seed, base + kWalletPurposeDecide, index);
        w.deliver = Rng::ForStream(config_.seed, base + kWalletPurposeDeliver, index);
        Rng address_rng = Rng::ForStream(config_.seed, base + kWalletPurposeAddress, index);
        RandomAddress(address_rng, w.address);
        lists[static_cast<size_t>(c)]->emplace_back(w.address_view());
        InitWallet(static_cast<uint32_t>(wallets_.size() - 1));
      }
    }
  }

  // Draws the wallet's parameters and schedules its first action.
  void InitWallet(uint32_t id) {
    Wallet& w = wallets_[id];
    Rng& rng = w.decide;
    double per_day = 0.0;
    switch (w.cls) {
      case WalletClass::kInformed:
        per_day = rng.Uniform(10.0, 20.0);
        break;
      case WalletClass::kNoise:
        per_day = rng.Uniform(2.0, 6.0);
        break;
      case WalletClass::kActive:
        per_day = rng.Uniform(60.0, 120.0);
        break;
      case WalletClass::kBot:
        per_day = rng.Uniform(150.0, 300.0);
        break;
      case WalletClass::kExchange:
        per_day = rng.Uniform(100.0, 200.0);
        break;
      case WalletClass::kWash:
        per_day = rng.Uniform(20.0, 50.0);
        break;
      case WalletClass::kLucky: {
        const int64_t n = rng.IntBetween(15, 40);
        for (int64_t i = 0; i < n; ++i) {
          w.schedule.push_back(static_cast<int64_t>(rng.Uniform() * static_cast<double>(span_ms_)));
        }
        std::sort(w.schedule.begin(), w.schedule.end());
        const int64_t run = rng.IntBetween(8, std::min<int64_t>(15, n));
        w.streak_begin = static_cast<size_t>(rng.IntBetween(0, n - run));
        w.streak_end = w.streak_begin + static_cast<size_t>(run);
        Push(ItemKind::kAction, BlockTime(w.schedule[0]), id);
        return;
      }
    }
    if (w.cls == WalletClass::kBot || w.cls == WalletClass::kWash) {
      w.num_favourites = static_cast<int>(rng.IntBetween(1, 3));
      for (int i = 0; i < w.num_favourites; ++i)
        w.favourites[static_cast<size_t>(i)] = RandomToken(rng);
    }
    w.mean_gap_ms = static_cast<double>(kDayMs) / (per_day * config_.activity);
    w.next_ms = 0.0;
    ScheduleNext(id);
  }

  // Informed wallets buy minutes before half of the big positive jumps (> +1 sd of the token's
  // jump size), each jump going to one informed wallet at random.
  void SetUpTips() {
    Rng rng = Rng::ForStream(config_.seed, kStreamTips, 0);
    for (const PriceJump& jump : market_.jumps()) {
      if (jump.log_size < market_.jump_sd(jump.asset)) continue;
      const bool tipped = rng.Bernoulli(0.5);
      const uint64_t who = rng.Next();
      const double lead_ms = rng.Uniform(2.0 * kMinuteMs, 30.0 * kMinuteMs);
      if (!tipped || config_.informed == 0) continue;
      const double at =
          static_cast<double>(market_.tick_time(jump.tick) - config_.start_time_ms) - lead_ms;
      if (at < 0.0) continue;
      Wallet& w = wallets_[who % static_cast<uint64_t>(config_.informed)];
      w.tips.push_back(Tip{BlockTime(static_cast<int64_t>(at)), jump.asset});
    }
    for (int i = 0; i < config_.informed; ++i) {
      Wallet& w = wallets_[static_cast<size_t>(i)];
      std::stable_sort(w.tips.begin(), w.tips.end(), [](const Tip& a, const Tip& b) {
        return a.time_ms != b.time_ms ? a.time_ms < b.time_ms : a.asset < b.asset;
      });
      if (!w.tips.empty()) Push(ItemKind::kTipAction, w.tips[0].time_ms, static_cast<uint32_t>(i));
    }
  }

  static std::vector<int64_t> SortedTimes(Rng& rng, int n, int64_t from, int64_t span) {
    std::vector<int64_t> times;
    times.reserve(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) {
      times.push_back(from + static_cast<int64_t>(rng.Uniform() * static_cast<double>(span)));
    }
    std::sort(times.begin(), times.end());
    return times;
  }

  // Copies are attached to the first trade emitted at or after each target time; targets stop at
  // 90% of the span so the requested counts are met whenever the market has enough trades.
  void SetUpFaults() {
    const int64_t start = config_.start_time_ms;
    malformed_targets_ = SortedTimes(faults_, config_.malformed, start, span_ms_ + 1);
    duplicate_targets_ = SortedTimes(faults_, config_.duplicates, start, span_ms_ * 9 / 10);
    retraction_targets_ = SortedTimes(faults_, config_.retractions, start, span_ms_ * 9 / 10);
    if (!malformed_targets_.empty()) {
      Item item = MakeItem(ItemKind::kMalformed, malformed_targets_[0]);
      item.trade.log_index = 0;
      queue_.push(item);
    }
  }

  // ---- Scheduling -------------------------------------------------------------------------------

  int64_t BlockTime(int64_t elapsed_ms) const {
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

  // Poisson arrivals: the next action an exponential gap after the previous one.
  void ScheduleNext(uint32_t id) {
    Wallet& w = wallets_[id];
    w.next_ms += w.decide.Exponential() * w.mean_gap_ms;
    if (w.next_ms <= static_cast<double>(span_ms_)) {
      Push(ItemKind::kAction, BlockTime(static_cast<int64_t>(w.next_ms)), id);
    }
  }

  // A trade at `time_ms` (a block time) at the tick price with slippage, `usd` worth of the token.
  TradeRecord MakeTrade(uint32_t id, int asset, bool buy, double usd, int64_t time_ms) {
    Wallet& w = wallets_[id];
    TradeRecord t;
    t.block_time_ms = time_ms;
    t.wallet = id;
    t.asset = asset;
    t.buy = buy;
    t.price = SlippedPrice(w.deliver, asset, time_ms);
    t.amount = RoundDecimal(usd / t.price, kAmountDigits);
    NewTransaction(w.deliver, t);
    return t;
  }

  double SlippedPrice(Rng& rng, int asset, int64_t time_ms) const {
    const double tick_price = market_.price(market_.TickAt(time_ms), asset);
    return RoundDecimal(tick_price * (1.0 + rng.Uniform(-kMaxSlippage, kMaxSlippage)),
                        kPriceDigits);
  }

  static void NewTransaction(Rng& rng, TradeRecord& t) {
    for (uint64_t& word : t.tx) word = rng.Next();
    t.log_index = static_cast<int64_t>(rng.Below(300));
  }

  // Queues a trade line; a tenth of them are delivered up to max_disorder_ms late.
  void QueueTrade(const TradeRecord& t) {
    Rng& rng = wallets_[t.wallet].deliver;
    const bool late = rng.Bernoulli(kLateFraction);
    const double fraction = rng.Uniform();
    int64_t delay = 0;
    if (late && config_.max_disorder_ms > 0) {
      delay = 1 + static_cast<int64_t>(fraction * static_cast<double>(config_.max_disorder_ms));
      delay = std::min(delay, config_.max_disorder_ms);
    }
    Item item = MakeItem(ItemKind::kTrade, t.block_time_ms + delay);
    item.trade = t;
    queue_.push(item);
  }

  // ---- Wallet behaviour -------------------------------------------------------------------------

  void Act(uint32_t id, ItemKind kind, int64_t now) {
    Wallet& w = wallets_[id];
    Rng& rng = w.decide;
    switch (w.cls) {
      case WalletClass::kInformed: {
        if (kind == ItemKind::kTipAction) {
          const Tip tip = w.tips[w.tip_pos++];
          QueueTrade(MakeTrade(id, tip.asset, true, rng.LogUniform(5e4, 2e6), now));
          if (w.tip_pos < w.tips.size()) Push(ItemKind::kTipAction, w.tips[w.tip_pos].time_ms, id);
          return;
        }
        const int asset = RandomToken(rng);
        const bool up = market_.IdiosyncraticMove(asset, now, config_.informed_lookahead_ms) >= 0.0;
        const bool right = rng.Bernoulli(config_.informed_accuracy);
        QueueTrade(MakeTrade(id, asset, right ? up : !up, rng.LogUniform(5e4, 2e6), now));
        ScheduleNext(id);
        return;
      }
      case WalletClass::kNoise:
      case WalletClass::kActive: {
        const int asset = RandomToken(rng);
        const bool buy = rng.Bernoulli(0.5);
        QueueTrade(MakeTrade(id, asset, buy, rng.LogUniform(2e4, 1e6), now));
        ScheduleNext(id);
        return;
      }
      case WalletClass::kLucky: {
        const size_t i = w.schedule_pos++;
        int asset = RandomToken(rng);
        bool buy = rng.Bernoulli(0.5);
        if (i >= w.streak_begin && i < w.streak_end) {
          // Right in hindsight on every measure: pick a token whose raw and idiosyncratic moves
          // agree, and trade that way.
          for (int attempt = 0; attempt < 16; ++attempt) {
            const double raw = market_.RawMove(asset, now, config_.informed_lookahead_ms);
            const double idio =
                market_.IdiosyncraticMove(asset, now, config_.informed_lookahead_ms);
            buy = idio >= 0.0;
            if ((raw > 0.0 && idio > 0.0) || (raw < 0.0 && idio < 0.0)) break;
            asset = RandomToken(rng);
          }
        }
        QueueTrade(MakeTrade(id, asset, buy, rng.LogUniform(2e4, 1e6), now));
        if (w.schedule_pos < w.schedule.size()) {
          Push(ItemKind::kAction, BlockTime(w.schedule[w.schedule_pos]), id);
        }
        return;
      }
      case WalletClass::kBot: {
        // A same-block round trip: the same amount bought and sold, in one transaction half the
        // time, else in two.
        const int asset = w.favourites[rng.Below(static_cast<uint64_t>(w.num_favourites))];
        const TradeRecord buy = MakeTrade(id, asset, true, rng.LogUniform(500.0, 5000.0), now);
        TradeRecord sell = buy;
        sell.buy = false;
        sell.price = SlippedPrice(w.deliver, asset, now);
        const bool same_tx = w.deliver.Bernoulli(0.5);
        NewTransaction(w.deliver, sell);
        if (same_tx) {
          sell.tx = buy.tx;
          sell.log_index = buy.log_index + 1;
        }
        QueueTrade(buy);
        QueueTrade(sell);
        ScheduleNext(id);
        return;
      }
      case WalletClass::kExchange: {
        const int asset = RandomToken(rng);
        const bool buy = rng.Bernoulli(0.5);
        QueueTrade(MakeTrade(id, asset, buy, rng.LogUniform(1e6, 2e7), now));
        ScheduleNext(id);
        return;
      }
      case WalletClass::kWash: {
        // Buy, then sell (almost) the same amount a few minutes later in another block.
        const int asset = w.favourites[rng.Below(static_cast<uint64_t>(w.num_favourites))];
        const double usd = rng.LogUniform(5e4, 3e5);
        const double sell_at = static_cast<double>(now - config_.start_time_ms) +
                               rng.Uniform(2.0 * kMinuteMs, 10.0 * kMinuteMs);
        const double amount_ratio = 1.0 + rng.Uniform(-0.0045, 0.0045);
        if (sell_at > static_cast<double>(span_ms_)) return;  // no room left for a round trip
        const TradeRecord buy = MakeTrade(id, asset, true, usd, now);
        const int64_t sell_time = BlockTime(static_cast<int64_t>(sell_at));
        TradeRecord sell = buy;
        sell.block_time_ms = sell_time;
        sell.buy = false;
        sell.price = SlippedPrice(w.deliver, asset, sell_time);
        sell.amount = RoundDecimal(buy.amount * amount_ratio, kAmountDigits);
        NewTransaction(w.deliver, sell);
        QueueTrade(buy);
        QueueTrade(sell);
        w.next_ms = sell_at;
        ScheduleNext(id);
        return;
      }
    }
  }

  // ---- Output -----------------------------------------------------------------------------------

  void Emit(std::string_view line) {
    if (!status_.ok()) return;
    status_ = sink_.Consume(line);
    ++truth_.counts.lines;
  }

  void EmitPrices(int64_t k) {
    char time_text[24];
    const std::string_view time_view(
        time_text,
        static_cast<size_t>(
            std::to_chars(time_text, time_text + sizeof(time_text), market_.tick_time(k)).ptr -
            time_text));
    const double* prices = market_.tick_prices(k);
    for (int a = 0; a < market_.num_assets(); ++a) {
      line_.Clear();
      line_.Append(price_prefixes_[static_cast<size_t>(a)]);
      line_.Append(time_view);
      line_.Append(R"(,"price_usd":)");
      line_.AppendDecimal(prices[a], kPriceDigits);
      line_.Append('}');
      Emit(line_.view());
      ++truth_.counts.prices;
    }
  }

  void FormatTrade(const TradeRecord& t, bool removed) {
    FormatTrade(t, wallets_[t.wallet].address_view(), removed, nullptr);
  }

  void FormatTrade(const TradeRecord& t, std::string_view wallet, bool removed,
                   const Corruption* corruption) {
    line_.Clear();
    line_.Append(trade_prefix_);
    line_.AppendInt(kFirstBlock + (t.block_time_ms - config_.start_time_ms) / kBlockMs);
    line_.Append(R"(,"block_time":)");
    line_.AppendInt(t.block_time_ms);
    line_.Append(R"(,"tx_hash":"0x)");
    line_.AppendHex(t.tx);
    line_.Append(R"(","log_index":)");
    line_.AppendInt(t.log_index);
    line_.Append(R"(,"wallet":")");
    line_.Append(wallet);
    line_.Append(R"(","token":")");
    line_.Append(market_.symbol(t.asset));
    line_.Append(R"(","side":")");
    if (corruption != nullptr && !corruption->side.empty()) {
      line_.Append(corruption->side);
    } else {
      line_.Append(t.buy ? std::string_view("buy") : std::string_view("sell"));
    }
    line_.Append(R"(","amount":)");
    if (corruption != nullptr && !corruption->amount.empty()) {
      line_.Append(corruption->amount);
    } else {
      line_.AppendDecimal(t.amount, kAmountDigits);
    }
    line_.Append(R"(,"price_usd":)");
    line_.AppendDecimal(t.price, kPriceDigits);
    line_.Append(R"(,"usd_value":)");
    // amount and price are exactly the doubles their text denotes, so this is the product a parser
    // computes from the line.
    line_.AppendDecimal(t.amount * t.price, kUsdDigits);
    if (removed) line_.Append(R"(,"removed":true)");
    line_.Append('}');
  }

  void Process() {
    const Item item = queue_.top();
    queue_.pop();
    switch (item.kind) {
      case ItemKind::kAction:
      case ItemKind::kTipAction:
        Act(item.trade.wallet, item.kind, item.key);
        return;
      case ItemKind::kTrade:
        FormatTrade(item.trade, false);
        Emit(line_.view());
        ++truth_.counts.trades;
        // Never both copies of one trade: whether a duplicate after a retraction revives the trade
        // would be a question about the engine, not something the truth could state.
        if (!MaybeCopy(item, duplicate_targets_, duplicate_pos_, ItemKind::kDuplicate)) {
          MaybeCopy(item, retraction_targets_, retraction_pos_, ItemKind::kRetraction);
        }
        return;
      case ItemKind::kDuplicate:
        FormatTrade(item.trade, false);
        Emit(line_.view());
        ++truth_.counts.duplicates;
        truth_.duplicate_lines.push_back(truth_.counts.lines);
        return;
      case ItemKind::kRetraction:
        FormatTrade(item.trade, true);
        Emit(line_.view());
        ++truth_.counts.retractions;
        truth_.retraction_lines.push_back(truth_.counts.lines);
        return;
      case ItemKind::kMalformed:
        EmitMalformed(item);
        return;
    }
  }

  // Re-emits `item`'s trade later (within the disorder bound and a minute) if a target is due.
  // Returns whether it did.
  bool MaybeCopy(const Item& item, const std::vector<int64_t>& targets, size_t& pos,
                 ItemKind kind) {
    if (pos >= targets.size() || item.trade.block_time_ms < targets[pos]) return false;
    ++pos;
    const int64_t room =
        std::min(kMaxCopyDelayMs, item.trade.block_time_ms + config_.max_disorder_ms - item.key);
    const int64_t delay =
        room > 0 ? static_cast<int64_t>(faults_.Below(static_cast<uint64_t>(room) + 1)) : 0;
    Item copy = MakeItem(kind, item.key + delay);
    copy.trade = item.trade;
    queue_.push(copy);
    return true;
  }

  // Kinds, in rotation: truncated JSON, NaN amount, negative amount, bad wallet address, unknown
  // side.
  void EmitMalformed(const Item& item) {
    const int64_t ordinal = item.trade.log_index;
    const int64_t elapsed = item.key - config_.start_time_ms;
    TradeRecord t;
    t.block_time_ms = BlockTime(elapsed);
    t.asset = RandomToken(faults_);
    t.buy = faults_.Bernoulli(0.5);
    t.price = SlippedPrice(faults_, t.asset, t.block_time_ms);
    t.amount = RoundDecimal(faults_.LogUniform(1e3, 1e5) / t.price, kAmountDigits);
    NewTransaction(faults_, t);
    // Malformed lines belong to no simulated wallet.
    std::array<char, 42> address{};
    RandomAddress(faults_, address);
    Corruption corruption;
    char amount_text[kMaxDecimalChars + 1];
    const auto kind = static_cast<int>(ordinal % kMalformedKinds);
    switch (kind) {
      case 0:
        break;  // truncated below
      case 1:
        corruption.amount = "NaN";
        break;
      case 2: {
        amount_text[0] = '-';
        char* end = WriteDecimal(amount_text + 1, t.amount, kAmountDigits, nullptr);
        corruption.amount = std::string_view(amount_text, static_cast<size_t>(end - amount_text));
        break;
      }
      case 3:
        address[2 + faults_.Below(40)] = 'g';  // not a hex digit
        break;
      default:
        corruption.side = "hold";
        break;
    }
    FormatTrade(t, std::string_view(address.data(), address.size()), false, &corruption);
    std::string_view line = line_.view();
    if (kind == 0) {
      // Any proper prefix of a JSON object is invalid; keep at least a quarter of it.
      const uint64_t keep = line.size() / 4 + faults_.Below(line.size() - 1 - line.size() / 4);
      line = line.substr(0, static_cast<size_t>(keep));
    }
    Emit(line);
    ++truth_.counts.malformed;
    truth_.malformed_lines.push_back(truth_.counts.lines);
    const auto next = static_cast<size_t>(ordinal + 1);
    if (next < malformed_targets_.size()) {
      Item following = MakeItem(ItemKind::kMalformed, malformed_targets_[next]);
      following.trade.log_index = ordinal + 1;
      queue_.push(following);
    }
  }

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

// ---- Files --------------------------------------------------------------------------------------

absl::Status IoError(absl::string_view what, const std::string& path, int err) {
  std::string message = absl::StrCat(what, " ", path, ": ", std::strerror(err));
  switch (err) {
    case ENOENT:
      return absl::NotFoundError(message);
    case EACCES:
    case EPERM:
      return absl::PermissionDeniedError(message);
    case ENOSPC:
      return absl::ResourceExhaustedError(message);
    default:
      return absl::InternalError(message);
  }
}

// Appends lines to a large buffer and writes it out in big chunks.
class FileSink final : public LineSink {
 public:
  FileSink(std::FILE* file, std::string path)
      : file_(file), path_(std::move(path)), buffer_(new char[kBufferSize]) {}

  absl::Status Consume(std::string_view line) override {
    if (used_ + line.size() + 1 > kBufferSize) {
      if (absl::Status s = Flush(); !s.ok()) return s;
    }
    if (line.size() + 1 > kBufferSize) {
      if (std::fwrite(line.data(), 1, line.size(), file_) != line.size() ||
          std::fputc('\n', file_) == EOF) {
        return IoError("cannot write", path_, errno);
      }
      return absl::OkStatus();
    }
    std::memcpy(buffer_.get() + used_, line.data(), line.size());
    used_ += line.size();
    buffer_[used_++] = '\n';
    return absl::OkStatus();
  }

  absl::Status Flush() {
    if (used_ > 0 && std::fwrite(buffer_.get(), 1, used_, file_) != used_) {
      return IoError("cannot write", path_, errno);
    }
    used_ = 0;
    if (std::fflush(file_) != 0) return IoError("cannot write", path_, errno);
    return absl::OkStatus();
  }

 private:
  static constexpr size_t kBufferSize = size_t{1} << 20;
  std::FILE* file_;
  std::string path_;
  std::unique_ptr<char[]> buffer_;
  size_t used_ = 0;
};

struct FileCloser {
  void operator()(std::FILE* f) const {
    if (f != nullptr) std::fclose(f);
  }
};
using FilePtr = std::unique_ptr<std::FILE, FileCloser>;

absl::Status WriteWholeFile(const std::string& path, std::string_view text) {
  FilePtr file(std::fopen(path.c_str(), "wb"));
  if (file == nullptr) return IoError("cannot open", path, errno);
  if (std::fwrite(text.data(), 1, text.size(), file.get()) != text.size()) {
    return IoError("cannot write", path, errno);
  }
  if (std::fclose(file.release()) != 0) return IoError("cannot write", path, errno);
  return absl::OkStatus();
}

void AppendStringArray(const std::vector<std::string>& values, std::string& out) {
  out.push_back('[');
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out.push_back(',');
    // Addresses are hex: nothing to escape.
    absl::StrAppend(&out, "\"", values[i], "\"");
  }
  out.push_back(']');
}

void AppendIntArray(const std::vector<int64_t>& values, std::string& out) {
  out.push_back('[');
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out.push_back(',');
    absl::StrAppend(&out, values[i]);
  }
  out.push_back(']');
}

}  // namespace

absl::StatusOr<SimTruth> Generate(const SimConfig& config, LineSink& sink) {
  if (absl::Status s = ValidateConfig(config); !s.ok()) return s;
  auto simulation = std::make_unique<Simulation>(config, sink);
  return simulation->Run();
}

std::string TruthJson(const SimConfig& config, const SimTruth& truth) {
  std::string out;
  absl::StrAppend(&out, "{\"seed\":", config.seed, ",\n\"config\":");
  AppendConfigJson(config, out);
  absl::StrAppend(&out, ",\n\"benchmark\":\"", truth.benchmark, "\"");
  const std::pair<const char*, const std::vector<std::string>*> lists[] = {
      {"informed", &truth.informed}, {"noise", &truth.noise}, {"lucky", &truth.lucky},
      {"active", &truth.active},     {"bots", &truth.bots},   {"exchanges", &truth.exchanges},
      {"wash", &truth.wash}};
  for (const auto& [name, list] : lists) {
    absl::StrAppend(&out, ",\n\"", name, "\":");
    AppendStringArray(*list, out);
  }
  out.append(",\n\"betas\":{");
  for (size_t i = 0; i < truth.tokens.size(); ++i) {
    if (i > 0) out.push_back(',');
    absl::StrAppend(&out, "\"", truth.tokens[i], "\":");
    char buf[kMaxDecimalChars];
    out.append(buf, WriteDecimal(buf, truth.betas[i], 15, nullptr));
  }
  const SimStats& c = truth.counts;
  absl::StrAppend(&out, "},\n\"counts\":{\"lines\":", c.lines, ",\"trades\":", c.trades,
                  ",\"prices\":", c.prices, ",\"malformed\":", c.malformed,
                  ",\"duplicates\":", c.duplicates, ",\"retractions\":", c.retractions, "}");
  out.append(",\n\"malformed_lines\":");
  AppendIntArray(truth.malformed_lines, out);
  out.append(",\n\"duplicate_lines\":");
  AppendIntArray(truth.duplicate_lines, out);
  out.append(",\n\"retraction_lines\":");
  AppendIntArray(truth.retraction_lines, out);
  out.append("}\n");
  return out;
}

absl::StatusOr<SimStats> Simulate(const SimConfig& config, const std::string& events_path,
                                  const std::string& truth_path) {
  if (absl::Status s = ValidateConfig(config); !s.ok()) return s;
  if (events_path.empty()) {
    return absl::InvalidArgumentError("events path must be a file path or \"-\" for stdout");
  }
  if (truth_path == events_path) {
    return absl::InvalidArgumentError("truth path must differ from the events path");
  }
  const bool to_stdout = events_path == "-";
  FilePtr owned;
  std::FILE* file = stdout;
  if (!to_stdout) {
    owned.reset(std::fopen(events_path.c_str(), "wb"));
    if (owned == nullptr) return IoError("cannot open", events_path, errno);
    file = owned.get();
  }
  FileSink sink(file, to_stdout ? std::string("<stdout>") : events_path);
  absl::StatusOr<SimTruth> truth = Generate(config, sink);
  if (!truth.ok()) return truth.status();
  if (absl::Status s = sink.Flush(); !s.ok()) return s;
  if (owned != nullptr && std::fclose(owned.release()) != 0) {
    return IoError("cannot write", events_path, errno);
  }
  if (!truth_path.empty()) {
    if (absl::Status s = WriteWholeFile(truth_path, TruthJson(config, *truth)); !s.ok()) return s;
  }
  return truth->counts;
}

}  // namespace coattail::sim
