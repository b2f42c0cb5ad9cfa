#include "coattail/sim/config.h"

#include <charconv>
#include <cmath>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "coattail/event/parser.h"

namespace coattail::sim {
namespace {

constexpr int64_t kDayMs = 86400000;
constexpr int kMaxWalletsPerClass = 100000;
constexpr int kMaxInjected = 1000000;
// Price paths are held in memory: (tokens + 1) * ticks doubles.
constexpr int64_t kMaxPricePoints = 200000000;
// Every simulated time must be one the event parser accepts as plausible.
constexpr int64_t kMinTimeMs = event::kDefaultMinTimeMs;
constexpr int64_t kMaxTimeMs = event::kDefaultMaxTimeMs;

bool IsAlnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// ^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$
bool IsValidSymbol(std::string_view s) {
  if (s.empty() || s.size() > 32 || !IsAlnum(s[0])) return false;
  for (char c : s.substr(1)) {
    if (!IsAlnum(c) && c != '.' && c != '_' && c != '-') return false;
  }
  return true;
}

// ^[a-z0-9][a-z0-9_-]{0,31}$
bool IsValidChain(std::string_view s) {
  auto lower_alnum = [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z'); };
  if (s.empty() || s.size() > 32 || !lower_alnum(s[0])) return false;
  for (char c : s.substr(1)) {
    if (!lower_alnum(c) && c != '_' && c != '-') return false;
  }
  return true;
}

absl::Status OutOfRange(absl::string_view field, absl::string_view range, absl::string_view got) {
  return absl::InvalidArgumentError(absl::StrCat(field, " must be ", range, ", got ", got));
}

absl::Status CheckCount(absl::string_view field, int value, int max) {
  if (value < 0 || value > max) {
    return OutOfRange(field, absl::StrCat("in [0, ", max, "]"), absl::StrCat(value));
  }
  return absl::OkStatus();
}

void AppendDouble(double v, std::string& out) {
  char buf[32];
  const std::to_chars_result r = std::to_chars(buf, buf + sizeof(buf), v);
  out.append(buf, r.ptr);
}

}  // namespace

std::string TokenSymbol(int i) { return absl::StrFormat("TKN%02d", i); }

absl::Status ValidateConfig(const SimConfig& c) {
  if (c.start_time_ms < kMinTimeMs || c.start_time_ms > kMaxTimeMs) {
    return OutOfRange("start_time_ms",
                      absl::StrCat("in the parser's plausible range [", kMinTimeMs, ", ",
                                   kMaxTimeMs, "] (epoch milliseconds)"),
                      absl::StrCat(c.start_time_ms));
  }
  if (c.days < 1 || c.days > 3650) {
    return OutOfRange("days", "in [1, 3650]", absl::StrCat(c.days));
  }
  if (c.start_time_ms + static_cast<int64_t>(c.days) * kDayMs + c.max_disorder_ms > kMaxTimeMs) {
    return absl::InvalidArgumentError(
        absl::StrCat("start_time_ms + days must end by ", kMaxTimeMs,
                     " (2100-01-01Z), the end of the parser's plausible range"));
  }
  if (c.price_interval_ms < 1000 || c.price_interval_ms > kDayMs) {
    return OutOfRange("price_interval_ms", "in [1000, 86400000]",
                      absl::StrCat(c.price_interval_ms));
  }
  if (c.tokens < 1 || c.tokens > 9999) {
    return OutOfRange("tokens", "in [1, 9999]", absl::StrCat(c.tokens));
  }
  const int64_t ticks = static_cast<int64_t>(c.days) * kDayMs / c.price_interval_ms + 1;
  if (ticks * (c.tokens + 1) > kMaxPricePoints) {
    return absl::InvalidArgumentError(
        absl::StrCat("(tokens + 1) * price ticks must be at most ", kMaxPricePoints,
                     " (the price paths are held in memory), got ", ticks * (c.tokens + 1),
                     "; use fewer tokens or days, or a longer price_interval_ms"));
  }
  if (!IsValidSymbol(c.benchmark)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "benchmark must match ^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$, got \"", c.benchmark, "\""));
  }
  for (int i = 1; i <= c.tokens; ++i) {
    if (c.benchmark == TokenSymbol(i)) {
      return absl::InvalidArgumentError(
          absl::StrCat("benchmark \"", c.benchmark, "\" collides with a simulated token symbol"));
    }
  }
  if (!IsValidChain(c.chain)) {
    return absl::InvalidArgumentError(
        absl::StrCat("chain must match ^[a-z0-9][a-z0-9_-]{0,31}$, got \"", c.chain, "\""));
  }
  for (const auto& [field, value] : {std::pair<absl::string_view, int>{"informed", c.informed},
                                     {"noise", c.noise},
                                     {"active_noise", c.active_noise},
                                     {"lucky_noise", c.lucky_noise},
                                     {"bots", c.bots},
                                     {"exchanges", c.exchanges},
                                     {"wash", c.wash}}) {
    if (absl::Status s = CheckCount(field, value, kMaxWalletsPerClass); !s.ok()) return s;
  }
  for (const auto& [field, value] : {std::pair<absl::string_view, int>{"malformed", c.malformed},
                                     {"duplicates", c.duplicates},
                                     {"retractions", c.retractions}}) {
    if (absl::Status s = CheckCount(field, value, kMaxInjected); !s.ok()) return s;
  }
  if (!(c.informed_accuracy >= 0.5 && c.informed_accuracy <= 1.0)) {
    return OutOfRange("informed_accuracy", "in [0.5, 1]", absl::StrCat(c.informed_accuracy));
  }
  if (c.informed_lookahead_ms < c.price_interval_ms ||
      c.informed_lookahead_ms > static_cast<int64_t>(c.days) * kDayMs) {
    return OutOfRange(
        "informed_lookahead_ms",
        absl::StrCat("in [price_interval_ms, days * 86400000] = [", c.price_interval_ms, ", ",
                     static_cast<int64_t>(c.days) * kDayMs, "]"),
        absl::StrCat(c.informed_lookahead_ms));
  }
  if (!(c.activity > 0.0 && c.activity <= 100.0)) {
    return OutOfRange("activity", "in (0, 100]", absl::StrCat(c.activity));
  }
  if (c.max_disorder_ms < 0 || c.max_disorder_ms >= 300000) {
    return OutOfRange("max_disorder_ms", "in [0, 300000) (below the engine's allowed lateness)",
                      absl::StrCat(c.max_disorder_ms));
  }
  return absl::OkStatus();
}

void AppendConfigJson(const SimConfig& c, std::string& out) {
  // benchmark and chain are validated identifiers: no character needs escaping.
  absl::StrAppend(&out, "{\"seed\":", c.seed, ",\"start_time_ms\":", c.start_time_ms,
                  ",\"days\":", c.days, ",\"price_interval_ms\":", c.price_interval_ms,
                  ",\"tokens\":", c.tokens, ",\"benchmark\":\"", c.benchmark,
                  "\",\"informed\":", c.informed, ",\"informed_accuracy\":");
  AppendDouble(c.informed_accuracy, out);
  absl::StrAppend(&out, ",\"informed_lookahead_ms\":", c.informed_lookahead_ms,
                  ",\"noise\":", c.noise, ",\"active_noise\":", c.active_noise,
                  ",\"lucky_noise\":", c.lucky_noise, ",\"bots\":", c.bots,
                  ",\"exchanges\":", c.exchanges, ",\"wash\":", c.wash, ",\"activity\":");
  AppendDouble(c.activity, out);
  absl::StrAppend(&out, ",\"max_disorder_ms\":", c.max_disorder_ms, ",\"malformed\":", c.malformed,
                  ",\"duplicates\":", c.duplicates, ",\"retractions\":", c.retractions,
                  ",\"chain\":\"", c.chain, "\"}");
}

}  // namespace coattail::sim
