// Parse throughput of EventParser on synthetic lines laid out as LineReader delivers them: one
// buffer of newline-separated lines with padding after the last.
#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "coattail/event/event.h"
#include "coattail/event/parser.h"

namespace coattail::event {
namespace {

constexpr int kLines = 4096;

// Deterministic pseudo-random numbers (xorshift64) so that runs are comparable.
struct Rng {
  uint64_t state = 0x9E3779B97F4A7C15u;
  uint64_t Next() {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  }
};

std::string Hex(Rng& rng, int digits) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string s = "0x";
  for (int i = 0; i < digits; ++i) s.push_back(kDigits[rng.Next() & 15]);
  return s;
}

std::string TradeLine(Rng& rng, int i) {
  const double amount = static_cast<double>(rng.Next() % 1000000) / 100.0 + 1.0;
  const double price = static_cast<double>(rng.Next() % 100000) / 10000.0 + 0.0001;
  static constexpr const char* kTokens[] = {"PEPE", "WIF", "BONK", "ETH", "LINK", "UNI"};
  return absl::StrCat(R"({"type":"trade","chain":"ethereum","block_number":)", 19000000 + i,
                      R"(,"block_time":)", int64_t{1767225600000} + i * 1000, R"(,"tx_hash":")",
                      Hex(rng, 64), R"(","log_index":)", rng.Next() % 300, R"(,"wallet":")",
                      Hex(rng, 40), R"(","token":")", kTokens[rng.Next() % 6], R"(","side":")",
                      (rng.Next() & 1) != 0 ? "buy" : "sell", R"(","amount":)", amount,
                      R"(,"price_usd":)", price, R"(,"usd_value":)", amount * price, "}");
}

std::string PriceLine(Rng& rng, int i) {
  const double price = static_cast<double>(rng.Next() % 10000000) / 1000.0 + 0.001;
  return absl::StrCat(R"({"type":"price","token":"ETH","time":)", int64_t{1767225600000} + i * 1000,
                      R"(,"price_usd":)", price, "}");
}

struct Corpus {
  std::string buffer;
  std::vector<std::string_view> lines;
};

template <typename MakeLine>
Corpus MakeCorpus(MakeLine make_line) {
  Rng rng;
  Corpus c;
  std::vector<size_t> starts, lengths;
  for (int i = 0; i < kLines; ++i) {
    const std::string line = make_line(rng, i);
    starts.push_back(c.buffer.size());
    lengths.push_back(line.size());
    c.buffer += line;
    c.buffer += '\n';
  }
  c.buffer.append(kParsePadding, ' ');
  for (size_t i = 0; i < starts.size(); ++i) {
    c.lines.emplace_back(c.buffer.data() + starts[i], lengths[i]);
  }
  return c;
}

void RunParse(benchmark::State& state, const Corpus& corpus) {
  EventParser parser;
  EventView event;
  // Every line must be valid, or the benchmark would measure the error path.
  for (std::string_view line : corpus.lines) {
    if (!parser.Parse(line, event).ok()) {
      state.SkipWithError(std::string(parser.Parse(line, event).message()).c_str());
      return;
    }
  }
  int64_t bytes = 0;
  for (std::string_view line : corpus.lines) bytes += static_cast<int64_t>(line.size()) + 1;
  for (auto _ : state) {
    for (std::string_view line : corpus.lines) {
      absl::Status s = parser.Parse(line, event);
      benchmark::DoNotOptimize(s);
      benchmark::DoNotOptimize(event);
    }
  }
  state.SetItemsProcessed(state.iterations() * kLines);
  state.SetBytesProcessed(state.iterations() * bytes);
}

void BM_ParseTrades(benchmark::State& state) {
  static const Corpus corpus = MakeCorpus(TradeLine);
  RunParse(state, corpus);
}
BENCHMARK(BM_ParseTrades);

void BM_ParsePrices(benchmark::State& state) {
  static const Corpus corpus = MakeCorpus(PriceLine);
  RunParse(state, corpus);
}
BENCHMARK(BM_ParsePrices);

// The realistic mix: roughly one price tick per ten trades.
void BM_ParseMixed(benchmark::State& state) {
  static const Corpus corpus = MakeCorpus(
      [](Rng& rng, int i) { return i % 10 == 0 ? PriceLine(rng, i) : TradeLine(rng, i); });
  RunParse(state, corpus);
}
BENCHMARK(BM_ParseMixed);

// Rejections must not be pathologically slow either (a bad feed can be all garbage).
void BM_ParseRejected(benchmark::State& state) {
  static const Corpus corpus = MakeCorpus([](Rng& rng, int i) {
    std::string line = TradeLine(rng, i);
    line.replace(line.find("\"amount\""), 8, "\"amout\"");
    return line;
  });
  EventParser parser;
  EventView event;
  for (auto _ : state) {
    for (std::string_view line : corpus.lines) {
      absl::Status s = parser.Parse(line, event);
      benchmark::DoNotOptimize(s);
    }
  }
  state.SetItemsProcessed(state.iterations() * kLines);
}
BENCHMARK(BM_ParseRejected);

}  // namespace
}  // namespace coattail::event
