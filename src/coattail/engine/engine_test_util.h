// Builders for event lines and a harness that feeds them to an Engine, shared by the engine tests.
#ifndef COATTAIL_ENGINE_ENGINE_TEST_UTIL_H_
#define COATTAIL_ENGINE_ENGINE_TEST_UTIL_H_

#include <cstdio>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_format.h"
#include "coattail/engine/engine.h"

namespace coattail::engine::testing {

inline constexpr int64_t kT0 = 1'767'225'600'000;  // 2026-01-01T00:00:00Z
inline constexpr int64_t kMinute = 60'000;
inline constexpr int64_t kHour = 3'600'000;

// A wallet address whose last byte is `id`.
inline std::string Wallet(int id) { return absl::StrFormat("0x%040x", id); }

inline std::string PriceLine(const std::string& token, int64_t time_ms, double price) {
  return absl::StrFormat(R"({"type":"price","token":"%s","time":%d,"price_usd":%.17g})", token,
                         time_ms, price);
}

struct TradeSpec {
  int wallet = 1;
  std::string token = "TKN";
  bool buy = true;
  double amount = 1;
  double price = 1;
  int64_t time_ms = kT0;
  int tx = 1;
  int log_index = 0;
  int64_t block = -1;  // default: derived from time (12 s blocks)
  bool removed = false;
};

inline std::string TradeLine(const TradeSpec& t) {
  const int64_t block = t.block >= 0 ? t.block : 19'000'000 + (t.time_ms - kT0) / 12'000;
  return absl::StrFormat(
      R"({"type":"trade","chain":"ethereum","block_number":%d,"block_time":%d,"tx_hash":"0x%064x","log_index":%d,"wallet":"%s","token":"%s","side":"%s","amount":%.17g,"price_usd":%.17g,"usd_value":%.17g%s})",
      block, t.time_ms, t.tx, t.log_index, Wallet(t.wallet), t.token, t.buy ? "buy" : "sell",
      t.amount, t.price, t.amount * t.price, t.removed ? R"(,"removed":true)" : "");
}

class Harness : public AlertSink, public RejectSink {
 public:
  explicit Harness(const EngineConfig& config) {
    auto engine = Engine::Create(config, this, this);
    if (!engine.ok()) {
      std::fprintf(stderr, "bad test config: %s\n", std::string(engine.status().message()).c_str());
      std::abort();
    }
    engine_ = std::move(*engine);
  }

  void Feed(const std::string& line) {
    // The parser reads up to 64 bytes past the line (simdjson padding).
    std::string padded = line + std::string(64, ' ');
    engine_->ProcessLine(std::string_view(padded.data(), line.size()), ++line_number_);
  }
  void FeedAll(const std::vector<std::string>& lines) {
    for (const std::string& l : lines) Feed(l);
  }

  void OnAlert(const Alert& alert) override { alerts.push_back(alert); }
  void OnAlertRetracted(std::string_view alert_id, int64_t) override {
    retracted.emplace_back(alert_id);
  }
  void OnReject(int64_t line, std::string_view reason, std::string_view) override {
    rejects.emplace_back(line, std::string(reason));
  }

  Engine& engine() { return *engine_; }
  void Replace(std::unique_ptr<Engine> e) { engine_ = std::move(e); }

  std::vector<Alert> alerts;
  std::vector<std::string> retracted;
  std::vector<std::pair<int64_t, std::string>> rejects;
  int64_t line_number_ = 0;

 private:
  std::unique_ptr<Engine> engine_;
};

}  // namespace coattail::engine::testing

#endif  // COATTAIL_ENGINE_ENGINE_TEST_UTIL_H_
