// Engine throughput on an in-memory synthetic stream (parse + order + score), one core.
// The end-to-end figure against DuckDB lives in tests/bench (make bench).
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "coattail/engine/engine.h"
#include "coattail/engine/engine_test_util.h"

namespace coattail::engine {
namespace {

using ::coattail::engine::testing::kMinute;
using ::coattail::engine::testing::kT0;
using ::coattail::engine::testing::PriceLine;
using ::coattail::engine::testing::TradeLine;

// Lines laid out back to back with padding after each, as the line reader provides them.
struct PaddedLines {
  std::string buffer;
  std::vector<std::pair<size_t, size_t>> spans;
};

PaddedLines MakeStream(int minutes) {
  PaddedLines out;
  int tx = 1;
  for (int m = 0; m < minutes; ++m) {
    const int64_t t = kT0 + m * kMinute;
    std::vector<std::string> lines = {PriceLine("ETH", t, 2000 + m % 17)};
    for (int k = 1; k <= 8; ++k) {
      lines.push_back(PriceLine("TKN" + std::to_string(k), t, 10 + (m * k) % 13));
    }
    for (int k = 0; k < 3; ++k) {
      lines.push_back(TradeLine({.wallet = 1 + (m * 31 + k) % 500,
                                 .token = "TKN" + std::to_string(1 + (m + k) % 8),
                                 .buy = (m + k) % 2 == 0,
                                 .amount = 100,
                                 .price = 10,
                                 .time_ms = t + 1000 * k,
                                 .tx = tx++}));
    }
    for (const std::string& l : lines) {
      out.spans.emplace_back(out.buffer.size(), l.size());
      out.buffer += l;
      out.buffer.append(64, ' ');
    }
  }
  return out;
}

void BM_EngineProcessLine(benchmark::State& state) {
  const PaddedLines stream = MakeStream(static_cast<int>(state.range(0)));
  EngineConfig config;
  for (auto _ : state) {
    auto engine = Engine::Create(config, nullptr, nullptr);
    int64_t n = 0;
    for (const auto& [offset, size] : stream.spans) {
      (*engine)->ProcessLine(std::string_view(stream.buffer.data() + offset, size), ++n);
    }
    (*engine)->Finish();
    benchmark::DoNotOptimize((*engine)->counters().evaluations_resolved);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(stream.spans.size()));
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(stream.buffer.size()));
}
BENCHMARK(BM_EngineProcessLine)->Arg(20'000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace coattail::engine
