// Simulator throughput: lines generated per second into an in-memory sink and into /dev/null
// (through the buffered file writer).
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "benchmark/benchmark.h"
#include "coattail/sim/simulator.h"

namespace coattail::sim {
namespace {

// A consumer that looks at each line (so the formatting cannot be optimised away) but costs next to
// nothing itself, so the numbers measure the simulator.
class CountingSink : public LineSink {
 public:
  absl::Status Consume(std::string_view line) override {
    sum_ += static_cast<unsigned char>(line[line.size() / 2]);
    bytes_ += static_cast<int64_t>(line.size()) + 1;
    return absl::OkStatus();
  }
  uint64_t sum() const { return sum_; }
  int64_t bytes() const { return bytes_; }

 private:
  uint64_t sum_ = 0;
  int64_t bytes_ = 0;
};

SimConfig ConfigFor(const benchmark::State& state) {
  SimConfig c;
  c.days = static_cast<int>(state.range(0));
  c.tokens = static_cast<int>(state.range(1));
  return c;
}

void BM_GenerateToSink(benchmark::State& state) {
  const SimConfig c = ConfigFor(state);
  int64_t lines = 0;
  int64_t bytes = 0;
  for (auto _ : state) {
    CountingSink sink;
    absl::StatusOr<SimTruth> truth = Generate(c, sink);
    if (!truth.ok()) {
      state.SkipWithError(std::string(truth.status().message()).c_str());
      return;
    }
    benchmark::DoNotOptimize(sink.sum());
    lines += truth->counts.lines;
    bytes += sink.bytes();
    state.counters["trades"] = static_cast<double>(truth->counts.trades);
    state.counters["lines"] = static_cast<double>(truth->counts.lines);
  }
  state.SetItemsProcessed(lines);
  state.SetBytesProcessed(bytes);
}
// The default demo (14 days, 40 tokens) and the engine benchmark's scale (120 days, 80 tokens).
BENCHMARK(BM_GenerateToSink)->Args({14, 40})->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_GenerateToSink)->Args({120, 80})->Unit(benchmark::kSecond)->Iterations(1);

void BM_SimulateToDevNull(benchmark::State& state) {
  const SimConfig c = ConfigFor(state);
  int64_t lines = 0;
  for (auto _ : state) {
    absl::StatusOr<SimStats> stats = Simulate(c, "/dev/null", "");
    if (!stats.ok()) {
      state.SkipWithError(std::string(stats.status().message()).c_str());
      return;
    }
    lines += stats->lines;
  }
  state.SetItemsProcessed(lines);
}
BENCHMARK(BM_SimulateToDevNull)->Args({14, 40})->Unit(benchmark::kMillisecond)->MinTime(2.0);

}  // namespace
}  // namespace coattail::sim
