// The simulation's run loop, set-up, scheduling, trades and the price and trade lines.
#include "coattail/sim/simulation.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>
#include <string_view>
#include <utility>

#include "absl/strings/str_cat.h"
#include "coattail/sim/streams.h"

namespace coattail::sim::internal {

void RandomAddress(Rng& rng, std::array<char, 42>& out) {
  char hex[48];
  for (size_t i = 0; i < 3; ++i) WriteHex64(hex + 16 * i, rng.Next());
  out[0] = '0';
  out[1] = 'x';
  std::memcpy(out.data() + 2, hex, 40);
}

Simulation::Simulation(const SimConfig& config, LineSink& sink)
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

absl::StatusOr<SimTruth> Simulation::Run() {
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

void Simulation::SetUpWallets() {
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

void Simulation::SetUpTips() {
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

void Simulation::ScheduleNext(uint32_t id) {
  Wallet& w = wallets_[id];
  w.next_ms += w.decide.Exponential() * w.mean_gap_ms;
  if (w.next_ms <= static_cast<double>(span_ms_)) {
    Push(ItemKind::kAction, BlockTime(static_cast<int64_t>(w.next_ms)), id);
  }
}

TradeRecord Simulation::MakeTrade(uint32_t id, int asset, bool buy, double usd, int64_t time_ms) {
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

double Simulation::SlippedPrice(Rng& rng, int asset, int64_t time_ms) const {
  const double tick_price = market_.price(market_.TickAt(time_ms), asset);
  return RoundDecimal(tick_price * (1.0 + rng.Uniform(-kMaxSlippage, kMaxSlippage)), kPriceDigits);
}

void Simulation::NewTransaction(Rng& rng, TradeRecord& t) {
  for (uint64_t& word : t.tx) word = rng.Next();
  t.log_index = static_cast<int64_t>(rng.Below(300));
}

void Simulation::QueueTrade(const TradeRecord& t) {
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

void Simulation::Emit(std::string_view line) {
  if (!status_.ok()) return;
  status_ = sink_.Consume(line);
  ++truth_.counts.lines;
}

void Simulation::EmitPrices(int64_t k) {
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

void Simulation::FormatTrade(const TradeRecord& t, bool removed) {
  FormatTrade(t, wallets_[t.wallet].address_view(), removed, nullptr);
}

void Simulation::FormatTrade(const TradeRecord& t, std::string_view wallet, bool removed,
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

void Simulation::Process() {
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

}  // namespace coattail::sim::internal
