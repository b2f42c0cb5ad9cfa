#include "coattail/speed/dynamodb_score_lookup.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"

namespace coattail::speed {
namespace {

void ReadNumber(const aws::Item& item, std::string_view name, double& out) {
  const auto it = item.find(name);
  if (it == item.end()) return;
  if (const std::optional<double> v = it->second.AsDouble(); v.has_value()) out = *v;
}

}  // namespace

absl::StatusOr<Standing> StandingFromItem(const aws::Item& item) {
  const auto wallet = item.find("wallet");
  if (wallet == item.end() || wallet->second.type() != aws::AttributeValue::Type::kS) {
    return absl::DataLossError("whale-scores item without a wallet");
  }
  const auto smart = item.find("smart_money");
  if (smart == item.end() || smart->second.type() != aws::AttributeValue::Type::kBool) {
    return absl::DataLossError(
        absl::StrCat("whale-scores item of ", wallet->second.text(), " has no smart_money flag"));
  }
  Standing s;
  s.smart_money = smart->second.boolean();
  ReadNumber(item, "shrunk_alpha", s.shrunk_alpha);
  ReadNumber(item, "t_stat", s.t_stat);
  ReadNumber(item, "q_value", s.q_value);
  ReadNumber(item, "effective_n", s.effective_n);
  ReadNumber(item, "hit_rate", s.hit_rate);
  ReadNumber(item, "hit_rate_lower", s.hit_rate_lower);
  return s;
}

absl::StatusOr<Standings> DynamoDbScoreLookup::Find(const std::vector<std::string>& wallets,
                                                    int64_t horizon_ms) {
  const absl::Time now = now_();
  Standings out;
  std::vector<aws::Item> keys;
  for (const std::string& wallet : wallets) {
    const auto it = cache_.find(std::make_pair(wallet, horizon_ms));
    if (it != cache_.end() && now - it->second.read_at < cache_ttl_) {
      ++cache_hits_;
      if (it->second.standing.has_value()) out.emplace(wallet, *it->second.standing);
      continue;
    }
    keys.push_back({{"wallet", aws::AttributeValue::S(wallet)},
                    {"horizon_ms", aws::AttributeValue::N(horizon_ms)}});
  }
  if (keys.empty()) return out;
  absl::StatusOr<std::vector<aws::Item>> items = client_->BatchGetAll(table_, keys);
  if (!items.ok()) return items.status();
  keys_read_ += static_cast<int64_t>(keys.size());
  Standings read;
  for (const aws::Item& item : *items) {
    absl::StatusOr<Standing> standing = StandingFromItem(item);
    if (!standing.ok()) return standing.status();
    read.emplace(item.at("wallet").text(), *standing);
  }
  // Every wallet asked for is cached, found or not, so an unscored wallet is not asked for again
  // on each of its trades.
  for (const aws::Item& key : keys) {
    const std::string& wallet = key.at("wallet").text();
    const auto found = read.find(wallet);
    Cached& entry = cache_[std::make_pair(wallet, horizon_ms)];
    entry.read_at = now;
    entry.standing = found == read.end() ? std::nullopt : std::optional<Standing>(found->second);
    if (found != read.end()) out.emplace(wallet, found->second);
  }
  return out;
}

}  // namespace coattail::speed
