#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "coattail/base/strings.h"
#include "coattail/event/event.h"
#include "coattail/event/parser.h"
#include "coattail/sim/simulator.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace coattail::sim {
namespace {

using ::testing::HasSubstr;

constexpr int64_t kBlockMs = 12000;
constexpr int64_t kFirstBlock = 19000000;

// ---- A strict mini-validator of the event format (docs/EVENTS.md) -------------------------------

struct Event {
  bool is_trade = false;
  std::string token;
  int64_t time = 0;  // price time or block_time
  double price = 0;
  // Trades only.
  std::string chain;
  int64_t block_number = 0;
  std::string tx_hash;
  int64_t log_index = 0;
  std::string wallet;
  bool buy = false;
  double amount = 0;
  double usd = 0;
  bool removed = false;
};

bool IsHex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool IsHexId(const std::string& s, size_t digits) {
  if (s.size() != digits + 2 || s[0] != '0' || s[1] != 'x') return false;
  return std::all_of(s.begin() + 2, s.end(), IsHex);
}

bool IsAlnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool IsSymbol(const std::string& s) {
  if (IsHexId(s, 40)) return true;
  if (s.empty() || s.size() > 32 || !IsAlnum(s[0])) return false;
  return std::all_of(s.begin() + 1, s.end(),
                     [](char c) { return IsAlnum(c) || c == '.' || c == '_' || c == '-'; });
}

bool IsChain(const std::string& s) {
  auto ok = [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z'); };
  if (s.empty() || s.size() > 32 || !ok(s[0])) return false;
  return std::all_of(s.begin() + 1, s.end(), [&](char c) { return ok(c) || c == '_' || c == '-'; });
}

// Returns the event, or nullopt with `error` naming the first offending part ("json", a field name,
// "keys" or "usd_value").
std::optional<Event> ParseEvent(const std::string& line, std::string* error) {
  const nlohmann::json j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  auto fail = [&](const char* what) {
    *error = what;
    return std::nullopt;
  };
  if (j.is_discarded() || !j.is_object()) return fail("json");
  if (!j.contains("type") || !j["type"].is_string()) return fail("type");
  auto positive = [&](const char* key, double* out) {
    if (!j.contains(key) || !j[key].is_number()) return false;
    *out = j[key].get<double>();
    return std::isfinite(*out) && *out > 0;
  };
  auto non_negative_int = [&](const char* key, int64_t* out) {
    if (!j.contains(key) || !j[key].is_number_integer()) return false;
    *out = j[key].get<int64_t>();
    return *out >= 0;
  };
  auto string_field = [&](const char* key, std::string* out) {
    if (!j.contains(key) || !j[key].is_string()) return false;
    *out = j[key].get<std::string>();
    return true;
  };
  Event e;
  const std::string type = j["type"].get<std::string>();
  if (type == "price") {
    if (j.size() != 4) return fail("keys");
    if (!string_field("token", &e.token) || !IsSymbol(e.token)) return fail("token");
    if (!non_negative_int("time", &e.time)) return fail("time");
    if (!positive("price_usd", &e.price)) return fail("price_usd");
    return e;
  }
  if (type != "trade") return fail("type");
  e.is_trade = true;
  if (j.contains("removed")) {
    if (!j["removed"].is_boolean()) return fail("removed");
    e.removed = j["removed"].get<bool>();
  }
  if (j.size() != (j.contains("removed") ? 13u : 12u)) return fail("keys");
  if (!string_field("chain", &e.chain) || !IsChain(e.chain)) return fail("chain");
  if (!non_negative_int("block_number", &e.block_number)) return fail("block_number");
  if (!non_negative_int("block_time", &e.time)) return fail("block_time");
  if (!string_field("tx_hash", &e.tx_hash) || !IsHexId(e.tx_hash, 64)) return fail("tx_hash");
  if (!non_negative_int("log_index", &e.log_index)) return fail("log_index");
  if (!string_field("wallet", &e.wallet) || !IsHexId(e.wallet, 40)) return fail("wallet");
  if (!string_field("token", &e.token) || !IsSymbol(e.token)) return fail("token");
  std::string side;
  if (!string_field("side", &side) || (side != "buy" && side != "sell")) return fail("side");
  e.buy = side == "buy";
  if (!positive("amount", &e.amount)) return fail("amount");
  if (!positive("price_usd", &e.price)) return fail("price_usd");
  if (!positive("usd_value", &e.usd)) return fail("usd_value");
  if (std::fabs(e.usd - e.amount * e.price) > 0.005 * e.usd) return fail("usd_value");
  return e;
}

// The raw text of `"key":` in one of the simulator's own lines (values hold no ',' or '}'), quotes
// stripped. Only for statistics over output that the strict validator has already covered.
std::string_view RawField(std::string_view line, std::string_view key) {
  std::string needle = "\"";
  needle.append(key);
  needle.append("\":");
  const size_t at = line.find(needle);
  if (at == std::string_view::npos) return {};
  const size_t from = at + needle.size();
  std::string_view value = line.substr(from, line.find_first_of(",}", from) - from);
  if (value.size() >= 2 && value.front() == '"') value = value.substr(1, value.size() - 2);
  return value;
}

template <typename T>
T Number(std::string_view text) {
  T v{};
  std::from_chars(text.data(), text.data() + text.size(), v);
  return v;
}

std::optional<Event> FastParseEvent(std::string_view line) {
  Event e;
  if (RawField(line, "type") == "price") {
    e.token = std::string(RawField(line, "token"));
    e.time = Number<int64_t>(RawField(line, "time"));
    e.price = Number<double>(RawField(line, "price_usd"));
    return e;
  }
  e.is_trade = true;
  e.chain = std::string(RawField(line, "chain"));
  e.block_number = Number<int64_t>(RawField(line, "block_number"));
  e.time = Number<int64_t>(RawField(line, "block_time"));
  e.tx_hash = std::string(RawField(line, "tx_hash"));
  e.log_index = Number<int64_t>(RawField(line, "log_index"));
  e.wallet = std::string(RawField(line, "wallet"));
  e.token = std::string(RawField(line, "token"));
  e.buy = RawField(line, "side") == "buy";
  e.amount = Number<double>(RawField(line, "amount"));
  e.price = Number<double>(RawField(line, "price_usd"));
  e.usd = Number<double>(RawField(line, "usd_value"));
  e.removed = RawField(line, "removed") == "true";
  return e;
}

// The engine's own parser, with the padding its contract asks for.
class RealParser {
 public:
  absl::Status Parse(std::string_view line, event::EventView& out) {
    buffer_.assign(line.begin(), line.end());
    buffer_.resize(line.size() + event::kParsePadding, '\0');
    return parser_.Parse(std::string_view(buffer_.data(), line.size()), out);
  }

 private:
  event::EventParser parser_;
  std::vector<char> buffer_;
};

// ---- Running the simulator ----------------------------------------------------------------------

class CollectingSink : public LineSink {
 public:
  absl::Status Consume(std::string_view line) override {
    lines.emplace_back(line);
    return absl::OkStatus();
  }
  std::vector<std::string> lines;
};

struct SimRun {
  std::vector<std::string> lines;
  SimTruth truth;
  std::vector<std::optional<Event>> events;  // index = line number - 1
  std::vector<std::string> errors;
};

enum class Parse { kNone, kStrict, kFast };

SimRun Capture(const SimConfig& config, Parse parse) {
  CollectingSink sink;
  absl::StatusOr<SimTruth> truth = Generate(config, sink);
  EXPECT_TRUE(truth.ok()) << truth.status();
  SimRun run;
  run.lines = std::move(sink.lines);
  if (truth.ok()) run.truth = *std::move(truth);
  if (parse != Parse::kNone) {
    run.events.reserve(run.lines.size());
    run.errors.resize(run.lines.size());
    for (size_t i = 0; i < run.lines.size(); ++i) {
      run.events.push_back(parse == Parse::kStrict ? ParseEvent(run.lines[i], &run.errors[i])
                                                   : FastParseEvent(run.lines[i]));
    }
  }
  return run;
}

// Two days of a small market: ~20k price lines and a few thousand trades.
SimConfig SmallConfig() {
  SimConfig c;
  c.days = 2;
  c.tokens = 6;
  c.informed = 4;
  c.noise = 20;
  c.active_noise = 3;
  c.lucky_noise = 4;
  c.bots = 2;
  c.exchanges = 2;
  c.wash = 3;
  return c;
}

// SmallConfig's run, strictly parsed once and shared by the tests that only read it.
const SimRun& SmallRun() {
  static const SimRun* const run = new SimRun(Capture(SmallConfig(), Parse::kStrict));
  return *run;
}

// A week at 5-minute ticks with only informed and plain noise wallets, for skill statistics.
SimConfig SkillConfig() {
  SimConfig c;
  c.days = 7;
  c.tokens = 20;
  c.price_interval_ms = 300000;
  c.informed = 20;
  c.noise = 200;
  c.active_noise = 0;
  c.lucky_noise = 0;
  c.bots = 0;
  c.exchanges = 0;
  c.wash = 0;
  return c;
}

std::set<std::string> AsSet(const std::vector<std::string>& v) { return {v.begin(), v.end()}; }

uint64_t Fnv1a(const std::vector<std::string>& lines) {
  uint64_t h = 0xCBF29CE484222325ULL;
  for (const std::string& line : lines) {
    for (char c : line) {
      h ^= static_cast<unsigned char>(c);
      h *= 0x100000001B3ULL;
    }
    h ^= '\n';
    h *= 0x100000001B3ULL;
  }
  return h;
}

// Tick prices rebuilt from the stream's price lines: prices[tick][asset], asset 0 = benchmark.
struct PriceTable {
  int64_t start = 0;
  int64_t interval = 0;
  std::map<std::string, int> asset_of;
  std::vector<std::vector<double>> prices;

  int64_t TickAt(int64_t t) const {
    return std::min<int64_t>((t - start) / interval, static_cast<int64_t>(prices.size()) - 1);
  }
  int64_t last_time() const { return start + (static_cast<int64_t>(prices.size()) - 1) * interval; }
};

PriceTable BuildPrices(const SimRun& run, const SimConfig& c) {
  PriceTable table;
  table.start = c.start_time_ms;
  table.interval = c.price_interval_ms;
  table.asset_of[c.benchmark] = 0;
  for (size_t i = 0; i < run.truth.tokens.size(); ++i) {
    table.asset_of[run.truth.tokens[i]] = static_cast<int>(i) + 1;
  }
  for (const auto& e : run.events) {
    if (!e || e->is_trade) continue;
    const auto tick = static_cast<size_t>((e->time - table.start) / table.interval);
    if (table.prices.size() <= tick) table.prices.resize(tick + 1);
    auto& row = table.prices[tick];
    row.resize(static_cast<size_t>(c.tokens) + 1);
    row[static_cast<size_t>(table.asset_of.at(e->token))] = e->price;
  }
  return table;
}

struct Moves {
  double raw;
  double idio;
};

Moves MovesOf(const PriceTable& p, const std::vector<double>& betas, int asset, int64_t t,
              int64_t horizon) {
  const auto k0 = static_cast<size_t>(p.TickAt(t));
  const auto k1 = static_cast<size_t>(p.TickAt(t + horizon));
  const auto a = static_cast<size_t>(asset);
  const double raw = std::log(p.prices[k1][a] / p.prices[k0][a]);
  const double market = std::log(p.prices[k1][0] / p.prices[k0][0]);
  return {raw, raw - betas[a - 1] * market};
}

// Share of a class's trades (resolved within the stream) whose side matches the idiosyncratic move.
struct HitRate {
  int64_t hits = 0;
  int64_t total = 0;
  double rate() const {
    return total == 0 ? 0.0 : static_cast<double>(hits) / static_cast<double>(total);
  }
};

HitRate IdiosyncraticHitRate(const SimRun& run, const SimConfig& c, const PriceTable& prices,
                             const std::vector<std::string>& wallets) {
  const std::set<std::string> members = AsSet(wallets);
  HitRate h;
  for (const auto& e : run.events) {
    if (!e || !e->is_trade || e->removed || !members.count(e->wallet)) continue;
    if (e->time + c.informed_lookahead_ms > prices.last_time()) continue;
    const Moves m = MovesOf(prices, run.truth.betas, prices.asset_of.at(e->token), e->time,
                            c.informed_lookahead_ms);
    ++h.total;
    if ((m.idio >= 0) == e->buy) ++h.hits;
  }
  return h;
}

// ---- Configuration ------------------------------------------------------------------------------

TEST(ValidateConfigTest, DefaultsAreValid) { EXPECT_TRUE(ValidateConfig(SimConfig{}).ok()); }

TEST(ValidateConfigTest, RejectsEachBadFieldByName) {
  struct Case {
    const char* field;
    void (*mutate)(SimConfig&);
  };
  const Case cases[] = {
      {"informed_accuracy", [](SimConfig& c) { c.informed_accuracy = 0.49; }},
      {"informed_accuracy", [](SimConfig& c) { c.informed_accuracy = 1.01; }},
      {"informed_accuracy", [](SimConfig& c) { c.informed_accuracy = std::nan(""); }},
      {"days", [](SimConfig& c) { c.days = 0; }},
      {"price_interval_ms", [](SimConfig& c) { c.price_interval_ms = 999; }},
      {"tokens", [](SimConfig& c) { c.tokens = 0; }},
      {"benchmark", [](SimConfig& c) { c.benchmark = "bad symbol"; }},
      {"benchmark", [](SimConfig& c) { c.benchmark = "TKN07"; }},
      {"chain", [](SimConfig& c) { c.chain = "Ethereum"; }},
      {"noise", [](SimConfig& c) { c.noise = -1; }},
      {"wash", [](SimConfig& c) { c.wash = 100001; }},
      {"duplicates", [](SimConfig& c) { c.duplicates = -3; }},
      {"informed_lookahead_ms", [](SimConfig& c) { c.informed_lookahead_ms = 1000; }},
      {"activity", [](SimConfig& c) { c.activity = 0.0; }},
      {"max_disorder_ms", [](SimConfig& c) { c.max_disorder_ms = 300000; }},
      {"max_disorder_ms", [](SimConfig& c) { c.max_disorder_ms = -1; }},
      {"start_time_ms", [](SimConfig& c) { c.start_time_ms = -1; }},
      {"start_time_ms", [](SimConfig& c) { c.start_time_ms = 1767225600; }},  // seconds
      {"start_time_ms", [](SimConfig& c) { c.start_time_ms = 4102444800000 - 86400000; }},
      {"price ticks",
       [](SimConfig& c) {
         c.days = 3650;
         c.price_interval_ms = 1000;
       }},
  };
  for (const Case& tc : cases) {
    SimConfig c;
    tc.mutate(c);
    const absl::Status s = ValidateConfig(c);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << tc.field;
    EXPECT_THAT(std::string(s.message()), HasSubstr(tc.field));
  }
}

TEST(ValidateConfigTest, GenerateAndSimulateRefuseInvalidConfigs) {
  SimConfig c = SmallConfig();
  c.informed_accuracy = 0.3;
  CollectingSink sink;
  EXPECT_EQ(Generate(c, sink).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(sink.lines.empty());
  EXPECT_EQ(coattail::sim::Simulate(c, "-", "").status().code(),
            absl::StatusCode::kInvalidArgument);
}

// ---- Determinism --------------------------------------------------------------------------------

TEST(SimulatorTest, SameSeedSameBytesDifferentSeedDifferentBytes) {
  const SimConfig c = SmallConfig();
  const SimRun a = Capture(c, Parse::kNone);
  const SimRun b = Capture(c, Parse::kNone);
  ASSERT_GT(a.lines.size(), 10000u);
  EXPECT_EQ(a.lines, b.lines);
  EXPECT_EQ(TruthJson(c, a.truth), TruthJson(c, b.truth));

  SimConfig other = c;
  other.seed = 2;
  const SimRun d = Capture(other, Parse::kNone);
  EXPECT_NE(a.lines, d.lines);
  EXPECT_NE(a.truth.informed, d.truth.informed);
  EXPECT_NE(a.truth.betas, d.truth.betas);
}

// The exact bytes of a small run, pinned: any change to the RNG, the distributions, the price
// model, the wallet behaviour or the formatting changes this hash, and so does a platform whose
// arithmetic differs. Update the constant only for an intended change to the simulated market.
TEST(SimulatorTest, OutputIsPinned) {
  const SimRun run = Capture(SmallConfig(), Parse::kNone);
  EXPECT_EQ(Fnv1a(run.lines), 0xb8c1878d8ebb3777ULL)
      << std::hex << Fnv1a(run.lines) << std::dec << " over " << run.lines.size() << " lines";
}

TEST(SimulatorTest, KnobsOnlyChangeWhatDependsOnThem) {
  const SimConfig base = SmallConfig();
  SimConfig more_noise = base;
  more_noise.noise = 35;
  more_noise.max_disorder_ms = 5000;
  const SimRun& a = SmallRun();
  const SimRun b = Capture(more_noise, Parse::kFast);
  EXPECT_EQ(a.truth.informed, b.truth.informed);
  EXPECT_EQ(a.truth.bots, b.truth.bots);
  EXPECT_EQ(a.truth.betas, b.truth.betas);
  // Same prices, and the same trades for every wallet that exists in both (delivery order aside).
  auto collect = [](const SimRun& run, const std::set<std::string>& wallets) {
    std::vector<std::string> prices;
    std::vector<std::string> trades;
    for (size_t i = 0; i < run.lines.size(); ++i) {
      const auto& e = run.events[i];
      if (!e) continue;
      if (!e->is_trade) prices.push_back(run.lines[i]);
      if (e->is_trade && wallets.count(e->wallet)) trades.push_back(run.lines[i]);
    }
    std::sort(trades.begin(), trades.end());
    return std::make_pair(prices, trades);
  };
  std::set<std::string> shared = AsSet(a.truth.informed);
  for (const auto* list : {&a.truth.noise, &a.truth.bots, &a.truth.wash, &a.truth.lucky}) {
    shared.insert(list->begin(), list->end());
  }
  const auto [prices_a, trades_a] = collect(a, shared);
  const auto [prices_b, trades_b] = collect(b, shared);
  EXPECT_EQ(prices_a, prices_b);
  ASSERT_GT(trades_a.size(), 1000u);
  EXPECT_EQ(trades_a, trades_b);
}

TEST(SimulatorTest, SimulateWritesTheSameBytesToFiles) {
  const SimConfig c = SmallConfig();
  const std::string dir = ::testing::TempDir();
  const std::string events = dir + "/sim_test_events.ndjson";
  const std::string truth = dir + "/sim_test_truth.json";
  const absl::StatusOr<SimStats> stats = coattail::sim::Simulate(c, events, truth);
  ASSERT_TRUE(stats.ok()) << stats.status();
  const SimRun run = Capture(c, Parse::kNone);
  std::string expected;
  for (const std::string& line : run.lines) expected += line + "\n";
  auto slurp = [](const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  };
  EXPECT_EQ(slurp(events), expected);
  EXPECT_EQ(slurp(truth), TruthJson(c, run.truth));
  EXPECT_EQ(stats->lines, static_cast<int64_t>(run.lines.size()));
  EXPECT_EQ(stats->trades, run.truth.counts.trades);
  std::remove(events.c_str());
  std::remove(truth.c_str());
}

TEST(SimulatorTest, ReportsIoAndSinkErrors) {
  const SimConfig c = SmallConfig();
  EXPECT_EQ(coattail::sim::Simulate(c, "/nonexistent-dir/x/events.ndjson", "").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(coattail::sim::Simulate(c, "same", "same").status().code(),
            absl::StatusCode::kInvalidArgument);

  class FailingSink : public LineSink {
   public:
    absl::Status Consume(std::string_view) override {
      return ++seen == 100 ? absl::DataLossError("consumer gone") : absl::OkStatus();
    }
    int seen = 0;
  };
  FailingSink sink;
  const absl::StatusOr<SimTruth> result = Generate(c, sink);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(sink.seen, 100);  // stops at the first failure
}

// ---- The stream ---------------------------------------------------------------------------------

TEST(SimulatorTest, EveryLineIsValidOrderedAndConsistent) {
  const SimConfig c = SmallConfig();
  const SimRun& run = SmallRun();
  const SimTruth& t = run.truth;
  ASSERT_EQ(t.counts.lines, static_cast<int64_t>(run.lines.size()));
  std::set<std::string> wallets;
  for (const auto* list :
       {&t.informed, &t.noise, &t.lucky, &t.active, &t.bots, &t.exchanges, &t.wash}) {
    wallets.insert(list->begin(), list->end());
  }
  const int64_t ticks = int64_t{c.days} * 86400000 / c.price_interval_ms + 1;
  const int assets = c.tokens + 1;
  int64_t max_time = 0;
  int64_t late_trades = 0;
  int64_t prices = 0;
  int64_t trades = 0;
  std::vector<std::vector<double>> tick_prices;
  std::set<std::tuple<std::string, std::string, int64_t>> keys;
  for (size_t i = 0; i < run.lines.size(); ++i) {
    const auto& e = run.events[i];
    ASSERT_TRUE(e.has_value()) << run.errors[i] << ": " << run.lines[i];
    for (const char* key : {"\"price_usd\":", "\"amount\":", "\"usd_value\":"}) {
      // Plain decimals: no exponent, no sign, at most one point.
      const size_t at = run.lines[i].find(key);
      if (at == std::string::npos) continue;
      const size_t from = at + std::strlen(key);
      const std::string number =
          run.lines[i].substr(from, run.lines[i].find_first_of(",}", from) - from);
      EXPECT_EQ(number.find_first_not_of("0123456789."), std::string::npos) << run.lines[i];
      EXPECT_LE(std::count(number.begin(), number.end(), '.'), 1) << run.lines[i];
    }
    if (!e->is_trade) {
      // Ticks in order, each complete, benchmark first then TKN01, TKN02, ...
      const int64_t tick = prices / assets;
      const auto asset = static_cast<size_t>(prices % assets);
      EXPECT_EQ(e->time, c.start_time_ms + tick * c.price_interval_ms);
      EXPECT_EQ(e->token, asset == 0 ? c.benchmark : t.tokens[asset - 1]);
      ASSERT_GE(e->time, max_time) << "price lines are never late";
      if (asset == 0) tick_prices.emplace_back(static_cast<size_t>(assets), 0.0);
      tick_prices.back()[asset] = e->price;
      ++prices;
    } else {
      ++trades;
      ASSERT_GE(e->time, max_time - c.max_disorder_ms) << run.lines[i];
      if (e->time < max_time) ++late_trades;
      EXPECT_EQ(e->chain, c.chain);
      EXPECT_EQ((e->time - c.start_time_ms) % kBlockMs, 0);
      EXPECT_EQ(e->block_number, kFirstBlock + (e->time - c.start_time_ms) / kBlockMs);
      EXPECT_LE(e->time, c.start_time_ms + (ticks - 1) * c.price_interval_ms);
      EXPECT_TRUE(wallets.count(e->wallet)) << e->wallet;
      EXPECT_NE(e->token, c.benchmark);
      EXPECT_FALSE(e->removed);
      // The price of the tick at or before the trade (already emitted, as prices are never
      // late), +-0.1% slippage.
      const auto it = std::find(t.tokens.begin(), t.tokens.end(), e->token);
      ASSERT_NE(it, t.tokens.end());
      const auto asset = static_cast<size_t>(it - t.tokens.begin()) + 1;
      const auto tick = static_cast<size_t>((e->time - c.start_time_ms) / c.price_interval_ms);
      ASSERT_LT(tick, tick_prices.size());
      EXPECT_NEAR(e->price / tick_prices[tick][asset], 1.0, 0.001 + 1e-9) << run.lines[i];
      // usd_value is the product of the values as written, up to its own 10-digit rounding.
      EXPECT_NEAR(e->usd / (e->amount * e->price), 1.0, 1e-9) << run.lines[i];
      EXPECT_TRUE(keys.emplace(e->chain, e->tx_hash, e->log_index).second) << run.lines[i];
    }
    max_time = std::max(max_time, e->time);
  }
  EXPECT_EQ(prices, ticks * assets);
  EXPECT_EQ(prices, t.counts.prices);
  EXPECT_EQ(trades, t.counts.trades);
  // 10% of trades are delayed; those that end up behind a later line are out of order.
  EXPECT_GT(late_trades, trades / 100) << "some trades must arrive out of order";
}

TEST(SimulatorTest, NoDisorderMeansNonDecreasingTimes) {
  SimConfig c = SmallConfig();
  c.max_disorder_ms = 0;
  const SimRun run = Capture(c, Parse::kFast);
  int64_t max_time = 0;
  for (const auto& e : run.events) {
    ASSERT_TRUE(e.has_value());
    ASSERT_GE(e->time, max_time);
    max_time = e->time;
  }
}

TEST(SimulatorTest, TradeSizesAndRatesFollowTheClasses) {
  const SimConfig c = SmallConfig();
  const SimRun& run = SmallRun();
  const SimTruth& t = run.truth;
  struct Bounds {
    const std::vector<std::string>* wallets;
    double min_usd;
    double max_usd;
    double min_per_day;  // Poisson rates with generous slack
    double max_per_day;
  };
  const Bounds bounds[] = {
      {&t.informed, 5e4, 2e6, 5, 30},         {&t.noise, 2e4, 1e6, 0, 15},
      {&t.active, 2e4, 1e6, 40, 160},         {&t.exchanges, 1e6, 2e7, 70, 260},
      {&t.bots, 500, 5000, 2 * 100, 2 * 380},  // two lines per round trip
      {&t.wash, 5e4, 3e5, 2 * 10, 2 * 60},
  };
  std::map<std::string, std::vector<const Event*>> by_wallet;
  for (const auto& e : run.events) {
    if (e && e->is_trade) by_wallet[e->wallet].push_back(&*e);
  }
  for (const Bounds& b : bounds) {
    for (const std::string& w : *b.wallets) {
      const auto& trades = by_wallet[w];
      const double per_day = static_cast<double>(trades.size()) / c.days;
      EXPECT_GE(per_day, b.min_per_day) << w;
      EXPECT_LE(per_day, b.max_per_day) << w;
      for (const Event* e : trades) {
        // Buys are sized at the trade price; the second leg of a round trip may be priced later.
        if (!e->buy && (b.wallets == &t.bots || b.wallets == &t.wash)) continue;
        EXPECT_GE(e->usd, b.min_usd * (1 - 1e-7)) << w;
        EXPECT_LE(e->usd, b.max_usd * (1 + 1e-7)) << w;
      }
    }
  }
  for (const std::string& w : t.lucky) {
    EXPECT_GE(by_wallet[w].size(), 15u);
    EXPECT_LE(by_wallet[w].size(), 40u);
  }
}

TEST(SimulatorTest, ActivityScalesTradeRates) {
  SimConfig c = SmallConfig();
  c.lucky_noise = 0;
  const SimRun one = Capture(c, Parse::kNone);
  c.activity = 2.0;
  const SimRun two = Capture(c, Parse::kNone);
  const double ratio =
      static_cast<double>(two.truth.counts.trades) / static_cast<double>(one.truth.counts.trades);
  EXPECT_GT(ratio, 1.85);
  EXPECT_LT(ratio, 2.15);
  EXPECT_EQ(one.truth.counts.prices, two.truth.counts.prices);
}

TEST(SimulatorTest, BotRoundTripsShareABlockAndAnAmount) {
  const SimConfig c = SmallConfig();
  const SimRun& run = SmallRun();
  const std::set<std::string> bots = AsSet(run.truth.bots);
  // (wallet, block, token) -> amounts bought and sold.
  std::map<std::tuple<std::string, int64_t, std::string>,
           std::pair<std::multiset<double>, std::multiset<double>>>
      legs;
  std::map<std::string, std::vector<std::pair<int64_t, bool>>> tx_legs;  // tx -> (log_index, buy)
  int64_t bot_trades = 0;
  for (const auto& e : run.events) {
    if (!e || !e->is_trade || !bots.count(e->wallet)) continue;
    ++bot_trades;
    auto& entry = legs[{e->wallet, e->block_number, e->token}];
    (e->buy ? entry.first : entry.second).insert(e->amount);
    tx_legs[e->tx_hash].emplace_back(e->log_index, e->buy);
  }
  ASSERT_GT(bot_trades, 1000);
  for (const auto& [key, amounts] : legs) {
    EXPECT_EQ(amounts.first, amounts.second) << std::get<0>(key) << " block " << std::get<1>(key);
  }
  int same_tx = 0;
  for (const auto& [tx, entries] : tx_legs) {
    ASSERT_LE(entries.size(), 2u);
    if (entries.size() == 2) {
      ++same_tx;
      auto sorted = entries;
      std::sort(sorted.begin(), sorted.end());
      EXPECT_EQ(sorted[1].first, sorted[0].first + 1);  // consecutive log indexes
      EXPECT_NE(sorted[0].second, sorted[1].second);    // a buy and a sell
    }
  }
  // Half the round trips use one transaction.
  EXPECT_GT(same_tx, bot_trades / 6);
  EXPECT_LT(same_tx, bot_trades / 3);
}

TEST(SimulatorTest, WashTradesAreMatchedRoundTripsInDifferentBlocks) {
  const SimConfig c = SmallConfig();
  const SimRun& run = SmallRun();
  std::map<std::string, std::vector<const Event*>> by_wallet;
  for (const auto& e : run.events) {
    if (e && e->is_trade) by_wallet[e->wallet].push_back(&*e);
  }
  int round_trips = 0;
  for (const std::string& w : run.truth.wash) {
    auto trades = by_wallet[w];
    std::stable_sort(trades.begin(), trades.end(),
                     [](const Event* a, const Event* b) { return a->time < b->time; });
    ASSERT_EQ(trades.size() % 2, 0u) << w;
    for (size_t i = 0; i + 1 < trades.size(); i += 2) {
      const Event& buy = *trades[i];
      const Event& sell = *trades[i + 1];
      ASSERT_TRUE(buy.buy) << w;
      ASSERT_FALSE(sell.buy) << w;
      EXPECT_EQ(buy.token, sell.token);
      EXPECT_NEAR(sell.amount / buy.amount, 1.0, 0.0045 + 1e-7);
      EXPECT_GT(sell.block_number, buy.block_number);
      EXPECT_GE(sell.time - buy.time, 2 * 60000 - kBlockMs);
      EXPECT_LE(sell.time - buy.time, 10 * 60000);
      ++round_trips;
    }
  }
  EXPECT_GT(round_trips, 3 * 2 * 15);
}

// ---- Truth --------------------------------------------------------------------------------------

TEST(SimulatorTest, TruthListsAreDisjointAndSizedPerConfig) {
  const SimConfig c = SmallConfig();
  const SimRun run = Capture(c, Parse::kNone);
  const SimTruth& t = run.truth;
  EXPECT_EQ(t.informed.size(), static_cast<size_t>(c.informed));
  EXPECT_EQ(t.noise.size(), static_cast<size_t>(c.noise));
  EXPECT_EQ(t.active.size(), static_cast<size_t>(c.active_noise));
  EXPECT_EQ(t.lucky.size(), static_cast<size_t>(c.lucky_noise));
  EXPECT_EQ(t.bots.size(), static_cast<size_t>(c.bots));
  EXPECT_EQ(t.exchanges.size(), static_cast<size_t>(c.exchanges));
  EXPECT_EQ(t.wash.size(), static_cast<size_t>(c.wash));
  std::set<std::string> all;
  size_t total = 0;
  for (const auto* list :
       {&t.informed, &t.noise, &t.lucky, &t.active, &t.bots, &t.exchanges, &t.wash}) {
    for (const std::string& a : *list) {
      EXPECT_TRUE(IsHexId(a, 40)) << a;
      EXPECT_EQ(a, absl::AsciiStrToLower(a));
      all.insert(a);
      ++total;
    }
  }
  EXPECT_EQ(all.size(), total);
  ASSERT_EQ(t.tokens.size(), static_cast<size_t>(c.tokens));
  ASSERT_EQ(t.betas.size(), t.tokens.size());
  EXPECT_EQ(t.tokens.front(), "TKN01");
  EXPECT_EQ(t.tokens.back(), "TKN06");
  for (double b : t.betas) {
    EXPECT_GE(b, 0.5);
    EXPECT_LE(b, 2.0);
  }
}

TEST(SimulatorTest, TruthJsonMatchesTheTruth) {
  SimConfig c = SmallConfig();
  c.malformed = 3;
  c.duplicates = 2;
  c.retractions = 2;
  const SimRun run = Capture(c, Parse::kNone);
  const std::string text = TruthJson(c, run.truth);
  ASSERT_EQ(text.back(), '\n');
  const nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << text;
  EXPECT_EQ(j["seed"], c.seed);
  EXPECT_EQ(j["benchmark"], "ETH");
  EXPECT_EQ(j["config"]["days"], c.days);
  EXPECT_EQ(j["config"]["informed_accuracy"].get<double>(), c.informed_accuracy);
  EXPECT_EQ(j["config"]["chain"], c.chain);
  EXPECT_EQ(j["config"]["max_disorder_ms"], c.max_disorder_ms);
  EXPECT_EQ(j["config"].size(), 21u);
  EXPECT_EQ(j["informed"].get<std::vector<std::string>>(), run.truth.informed);
  EXPECT_EQ(j["noise"].get<std::vector<std::string>>(), run.truth.noise);
  EXPECT_EQ(j["lucky"].get<std::vector<std::string>>(), run.truth.lucky);
  EXPECT_EQ(j["active"].get<std::vector<std::string>>(), run.truth.active);
  EXPECT_EQ(j["bots"].get<std::vector<std::string>>(), run.truth.bots);
  EXPECT_EQ(j["exchanges"].get<std::vector<std::string>>(), run.truth.exchanges);
  EXPECT_EQ(j["wash"].get<std::vector<std::string>>(), run.truth.wash);
  ASSERT_EQ(j["betas"].size(), run.truth.tokens.size());
  for (size_t i = 0; i < run.truth.tokens.size(); ++i) {
    EXPECT_EQ(j["betas"][run.truth.tokens[i]].get<double>(), run.truth.betas[i]);  // exact
  }
  EXPECT_EQ(j["counts"]["lines"], run.truth.counts.lines);
  EXPECT_EQ(j["counts"]["trades"], run.truth.counts.trades);
  EXPECT_EQ(j["counts"]["prices"], run.truth.counts.prices);
  EXPECT_EQ(j["counts"]["malformed"], 3);
  EXPECT_EQ(j["counts"]["duplicates"], 2);
  EXPECT_EQ(j["counts"]["retractions"], 2);
  EXPECT_EQ(j["malformed_lines"].get<std::vector<int64_t>>(), run.truth.malformed_lines);
  EXPECT_EQ(j["duplicate_lines"].get<std::vector<int64_t>>(), run.truth.duplicate_lines);
  EXPECT_EQ(j["retraction_lines"].get<std::vector<int64_t>>(), run.truth.retraction_lines);
}

// ---- Injected faults ----------------------------------------------------------------------------

TEST(SimulatorTest, InjectedFaultsAreCountedAndListed) {
  SimConfig c = SmallConfig();
  c.malformed = 25;
  c.duplicates = 20;
  c.retractions = 20;
  const SimRun run = Capture(c, Parse::kStrict);
  const SimTruth& t = run.truth;
  EXPECT_EQ(t.counts.malformed, 25);
  EXPECT_EQ(t.counts.duplicates, 20);
  EXPECT_EQ(t.counts.retractions, 20);
  ASSERT_EQ(t.malformed_lines.size(), 25u);
  ASSERT_EQ(t.duplicate_lines.size(), 20u);
  ASSERT_EQ(t.retraction_lines.size(), 20u);
  EXPECT_EQ(t.counts.lines, t.counts.prices + t.counts.trades + t.counts.malformed +
                                t.counts.duplicates + t.counts.retractions);
  EXPECT_EQ(t.counts.lines, static_cast<int64_t>(run.lines.size()));

  const std::set<int64_t> malformed(t.malformed_lines.begin(), t.malformed_lines.end());
  const std::set<int64_t> duplicates(t.duplicate_lines.begin(), t.duplicate_lines.end());
  const std::set<int64_t> retractions(t.retraction_lines.begin(), t.retraction_lines.end());
  std::map<std::string, int> reasons;
  std::unordered_map<std::string, int64_t> first_seen;  // trade line -> line number
  int64_t max_time = 0;
  for (size_t i = 0; i < run.lines.size(); ++i) {
    const auto line_number = static_cast<int64_t>(i) + 1;
    const std::string& line = run.lines[i];
    const auto& e = run.events[i];
    if (malformed.count(line_number)) {
      EXPECT_FALSE(e.has_value()) << line;
      ++reasons[run.errors[i]];
      continue;
    }
    ASSERT_TRUE(e.has_value()) << line_number << " " << run.errors[i] << ": " << line;
    if (e->is_trade) {
      ASSERT_GE(e->time, max_time - c.max_disorder_ms) << line;
    }
    max_time = std::max(max_time, e->time);
    if (duplicates.count(line_number)) {
      const auto it = first_seen.find(line);
      ASSERT_NE(it, first_seen.end()) << "duplicate of nothing: " << line;
      EXPECT_LT(it->second, line_number);
      continue;
    }
    if (retractions.count(line_number)) {
      ASSERT_TRUE(e->removed) << line;
      std::string original = line;
      const std::string removed = R"(,"removed":true)";
      const size_t at = original.rfind(removed);
      ASSERT_EQ(at + removed.size() + 1, original.size()) << "appended as the last field";
      original.erase(at, removed.size());
      EXPECT_TRUE(first_seen.count(original)) << "retraction of nothing: " << line;
      continue;
    }
    EXPECT_FALSE(e->removed);
    if (e->is_trade) {
      EXPECT_TRUE(first_seen.emplace(line, line_number).second) << "unlisted duplicate: " << line;
    }
  }
  // The engine's parser agrees: exactly the listed lines are rejected, each for its reason, and
  // the retractions are read as retractions.
  RealParser parser;
  std::map<std::string, int> parser_reasons;
  for (size_t i = 0; i < run.lines.size(); ++i) {
    const auto line_number = static_cast<int64_t>(i) + 1;
    event::EventView view;
    const absl::Status s = parser.Parse(run.lines[i], view);
    if (malformed.count(line_number)) {
      ASSERT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << run.lines[i];
      const std::string reason(s.message());
      ++parser_reasons[reason.substr(0, reason.find(':'))];
      continue;
    }
    ASSERT_TRUE(s.ok()) << s << ": " << run.lines[i];
    EXPECT_EQ(view.kind == event::EventKind::kTrade && view.trade.removed,
              retractions.count(line_number) == 1);
  }
  EXPECT_EQ(parser_reasons["invalid JSON"], 10);
  EXPECT_EQ(parser_reasons["field 'amount'"], 5);
  EXPECT_EQ(parser_reasons["field 'wallet'"], 5);
  EXPECT_EQ(parser_reasons["field 'side'"], 5);
  // All five kinds: truncated JSON and NaN fail to parse; the rest fail on their field.
  EXPECT_EQ(reasons["json"], 10);
  EXPECT_EQ(reasons["amount"], 5);
  EXPECT_EQ(reasons["wallet"], 5);
  EXPECT_EQ(reasons["side"], 5);
  int nan_lines = 0;
  for (int64_t n : t.malformed_lines) {
    if (absl::StrContains(run.lines[static_cast<size_t>(n - 1)], "\"amount\":NaN")) ++nan_lines;
  }
  EXPECT_EQ(nan_lines, 5);
}

// ---- Ground truth that matters: skill -----------------------------------------------------------

TEST(SimulatorTest, InformedWalletsBeatNoiseOnTheIdiosyncraticDirection) {
  const SimConfig c = SkillConfig();
  const SimRun run = Capture(c, Parse::kFast);
  const PriceTable prices = BuildPrices(run, c);
  const HitRate informed = IdiosyncraticHitRate(run, c, prices, run.truth.informed);
  const HitRate noise = IdiosyncraticHitRate(run, c, prices, run.truth.noise);
  ASSERT_GT(informed.total, 1200);
  ASSERT_GT(noise.total, 3000);
  // Expected ~0.70 (+ a few pre-jump buys) versus ~0.50; standard errors ~0.01 and ~0.007.
  EXPECT_GT(informed.rate(), 0.64);
  EXPECT_LT(informed.rate(), 0.78);
  EXPECT_GT(noise.rate(), 0.46);
  EXPECT_LT(noise.rate(), 0.54);
  const double p1 = informed.rate();
  const double p2 = noise.rate();
  const double se = std::sqrt(p1 * (1 - p1) / static_cast<double>(informed.total) +
                              p2 * (1 - p2) / static_cast<double>(noise.total));
  EXPECT_GT((p1 - p2) / se, 8.0);
}

TEST(SimulatorTest, AccuracyKnobControlsTheEdge) {
  SimConfig c = SkillConfig();
  c.noise = 0;
  c.informed_accuracy = 1.0;
  SimRun run = Capture(c, Parse::kFast);
  PriceTable prices = BuildPrices(run, c);
  const HitRate perfect = IdiosyncraticHitRate(run, c, prices, run.truth.informed);
  ASSERT_GT(perfect.total, 1200);
  // Our recomputation from the printed prices agrees with the simulator's own decisions.
  EXPECT_GE(perfect.rate(), 0.998);

  c.informed_accuracy = 0.5;
  run = Capture(c, Parse::kFast);
  prices = BuildPrices(run, c);
  const HitRate none = IdiosyncraticHitRate(run, c, prices, run.truth.informed);
  EXPECT_GT(none.rate(), 0.45);
  EXPECT_LT(none.rate(), 0.57);
}

TEST(SimulatorTest, LuckyWalletsHaveARightRunButFewTrades) {
  SimConfig c = SkillConfig();
  c.informed = 0;
  c.noise = 0;
  c.lucky_noise = 30;
  const SimRun run = Capture(c, Parse::kFast);
  const PriceTable prices = BuildPrices(run, c);
  std::map<std::string, std::vector<const Event*>> by_wallet;
  for (const auto& e : run.events) {
    if (e && e->is_trade) by_wallet[e->wallet].push_back(&*e);
  }
  for (const std::string& w : run.truth.lucky) {
    auto trades = by_wallet[w];
    ASSERT_GE(trades.size(), 15u);
    ASSERT_LE(trades.size(), 40u);
    std::stable_sort(trades.begin(), trades.end(),
                     [](const Event* a, const Event* b) { return a->time < b->time; });
    int run_length = 0;
    int longest = 0;
    for (const Event* e : trades) {
      const Moves m = MovesOf(prices, run.truth.betas, prices.asset_of.at(e->token), e->time,
                              c.informed_lookahead_ms);
      const bool right = e->buy ? (m.raw > 0 && m.idio > 0) : (m.raw < 0 && m.idio < 0);
      run_length = right ? run_length + 1 : 0;
      longest = std::max(longest, run_length);
    }
    EXPECT_GE(longest, 8) << w;
  }
}

TEST(SimulatorTest, InformedWalletsBuyBeforeBigJumps) {
  // Regular informed trades are made rare (activity 0.1) and skill-free (accuracy 0.5), so buys
  // shortly before a > 5% idiosyncratic rise come from the pre-jump tips (about 20 expected here),
  // while the same count for sells measures chance (about 1.3 expected).
  SimConfig c = SkillConfig();
  c.days = 30;
  c.noise = 0;
  c.informed_accuracy = 0.5;
  c.activity = 0.1;
  const SimRun run = Capture(c, Parse::kFast);
  const PriceTable prices = BuildPrices(run, c);
  const std::set<std::string> informed = AsSet(run.truth.informed);
  int buys = 0;
  int sells = 0;
  for (const auto& e : run.events) {
    if (!e || !e->is_trade || !informed.count(e->wallet)) continue;
    if (e->time + 1800000 > prices.last_time()) continue;
    const Moves m =
        MovesOf(prices, run.truth.betas, prices.asset_of.at(e->token), e->time, 1800000);
    if (m.idio > 0.05) ++(e->buy ? buys : sells);
  }
  EXPECT_GE(buys, 10);
  EXPECT_GE(buys, 3 * sells + 5) << buys << " buys, " << sells << " sells";
}

// ---- Scale --------------------------------------------------------------------------------------

TEST(SimulatorTest, DefaultConfigSizeAndEveryLineAccepted) {
  // Counts the lines and has the engine's parser accept every trade line and every 50th price line
  // (price lines differ only in their numbers; sampling keeps the sanitizer build quick).
  class CountingSink : public LineSink {
   public:
    absl::Status Consume(std::string_view line) override {
      ++lines;
      bytes += static_cast<int64_t>(line.size()) + 1;
      if (absl::StartsWith(base::ToAbsl(line), R"({"type":"price")") && lines % 50 != 0) {
        return absl::OkStatus();
      }
      ++parsed;
      event::EventView view;
      if (absl::Status s = parser.Parse(line, view); !s.ok()) {
        ++rejected;
        if (first_rejection.empty()) {
          first_rejection = std::string(s.message()) + ": " + std::string(line);
        }
      }
      return absl::OkStatus();
    }
    RealParser parser;
    int64_t lines = 0;
    int64_t bytes = 0;
    int64_t parsed = 0;
    int64_t rejected = 0;
    std::string first_rejection;
  };
  CountingSink sink;
  const absl::StatusOr<SimTruth> truth = Generate(SimConfig{}, sink);
  ASSERT_TRUE(truth.ok()) << truth.status();
  EXPECT_EQ(truth->counts.lines, sink.lines);
  EXPECT_EQ(sink.rejected, 0) << sink.first_rejection;
  EXPECT_GT(sink.parsed, truth->counts.trades);
  EXPECT_GE(sink.lines, 500000);
  EXPECT_LE(sink.lines, 1500000);
  EXPECT_EQ(truth->counts.prices, (14 * 1440 + 1) * 41);
  RecordProperty("lines", std::to_string(sink.lines));
  RecordProperty("trades", std::to_string(truth->counts.trades));
  RecordProperty("bytes", std::to_string(sink.bytes));
}

}  // namespace
}  // namespace coattail::sim
