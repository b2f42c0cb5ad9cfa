// Injected faults: malformed lines, exact duplicates and "removed":true retractions of trades.
#include <algorithm>
#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

#include "coattail/sim/simulation.h"

namespace coattail::sim::internal {

std::vector<int64_t> Simulation::SortedTimes(Rng& rng, int n, int64_t from, int64_t span) {
  std::vector<int64_t> times;
  times.reserve(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    times.push_back(from + static_cast<int64_t>(rng.Uniform() * static_cast<double>(span)));
  }
  std::sort(times.begin(), times.end());
  return times;
}

void Simulation::SetUpFaults() {
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

bool Simulation::MaybeCopy(const Item& item, const std::vector<int64_t>& targets, size_t& pos,
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

void Simulation::EmitMalformed(const Item& item) {
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

}  // namespace coattail::sim::internal
