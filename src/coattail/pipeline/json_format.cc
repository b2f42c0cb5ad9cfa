#include "coattail/pipeline/json_format.h"

#include "coattail/io/json_writer.h"

namespace coattail::pipeline {
namespace {

class Obj {
 public:
  explicit Obj(std::string& out) : out_(out) { out_.push_back('{'); }
  ~Obj() { out_.push_back('}'); }
  Obj(const Obj&) = delete;
  Obj& operator=(const Obj&) = delete;

  Obj& Str(std::string_view k, std::string_view v) {
    Key(k);
    io::AppendJsonString(out_, v);
    return *this;
  }
  Obj& Num(std::string_view k, double v) {
    Key(k);
    io::AppendDouble(out_, v);
    return *this;
  }
  Obj& Int(std::string_view k, int64_t v) {
    Key(k);
    io::AppendInt(out_, v);
    return *this;
  }
  Obj& Bool(std::string_view k, bool v) {
    Key(k);
    io::AppendBool(out_, v);
    return *this;
  }

 private:
  void Key(std::string_view k) {
    if (!first_) out_.push_back(',');
    first_ = false;
    io::AppendJsonString(out_, k);
    out_.push_back(':');
  }
  std::string& out_;
  bool first_ = true;
};

}  // namespace

void AppendAlertJson(std::string& out, const engine::Alert& a) {
  Obj(out)
      .Str("type", "alert")
      .Str("alert_id", a.alert_id)
      .Str("rule", a.rule)
      .Str("chain", a.chain)
      .Str("tx_hash", a.tx_hash)
      .Int("log_index", a.log_index)
      .Int("line", a.line)
      .Str("wallet", a.wallet)
      .Str("token", a.token)
      .Str("side", a.side)
      .Num("usd", a.usd_value)
      .Int("t", a.event_time_ms)
      .Int("horizon_ms", a.horizon_ms)
      .Num("score", a.score)
      .Num("t_stat", a.t_stat)
      .Num("q", a.q_value)
      .Num("n", a.n)
      .Num("hit_rate", a.hit_rate)
      .Num("hit_rate_lower", a.hit_rate_lower)
      .Str("reason", a.reason);
}

void AppendAlertRetractionJson(std::string& out, std::string_view alert_id, int64_t line) {
  Obj(out)
      .Str("type", "alert_retraction")
      .Str("alert_id", alert_id)
      .Int("line", line)
      .Str("reason", "the trade was retracted by a chain reorganisation");
}

void AppendScoreJson(std::string& out, const engine::WalletScoreRow& r) {
  Obj(out)
      .Str("wallet", r.wallet)
      .Int("horizon_ms", r.horizon_ms)
      .Str("tier", r.tier)
      .Num("effective_n", r.effective_n)
      .Num("mean_return", r.mean_return)
      .Num("std_error", r.std_error)
      .Num("shrunk_alpha", r.shrunk_alpha)
      .Num("t_stat", r.t_stat)
      .Num("p_value", r.p_value)
      .Num("q_value", r.q_value)
      .Num("hit_rate", r.hit_rate)
      .Num("hit_rate_lower", r.hit_rate_lower)
      .Bool("eligible", r.eligible)
      .Bool("smart_money", r.smart_money)
      .Bool("bot_like", r.bot_like)
      .Bool("exchange_like", r.exchange_like)
      .Bool("wash_like", r.wash_like)
      .Num("realized_pnl_usd", r.realized_pnl_usd)
      .Num("unrealized_pnl_usd", r.unrealized_pnl_usd)
      .Num("volume_usd", r.volume_usd)
      .Int("trade_count", r.trade_count)
      .Int("as_of", r.as_of_ms);
}

}  // namespace coattail::pipeline
