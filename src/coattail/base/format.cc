#include "coattail/base/format.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "coattail/base/strings.h"

namespace coattail::base {

std::string FormatUsd(double usd) {
  const char* sign = usd < 0 ? "-" : "";
  const double a = std::fabs(usd);
  if (a >= 1e9) return absl::StrFormat("%s$%.2fB", sign, a / 1e9);
  if (a >= 1e6) return absl::StrFormat("%s$%.2fM", sign, a / 1e6);
  if (a >= 1e3) return absl::StrFormat("%s$%.1fk", sign, a / 1e3);
  return absl::StrFormat("%s$%.2f", sign, a);
}

std::string FormatDuration(int64_t ms) {
  if (ms > 0 && ms % 3'600'000 == 0) return absl::StrCat(ms / 3'600'000, "h");
  if (ms > 0 && ms % 60'000 == 0) return absl::StrCat(ms / 60'000, "m");
  if (ms > 0 && ms % 1000 == 0) return absl::StrCat(ms / 1000, "s");
  return absl::StrCat(ms, "ms");
}

absl::StatusOr<int64_t> ParseDurationMs(std::string_view text) {
  struct Unit {
    std::string_view suffix;
    int64_t ms;
  };
  // "ms" must be tried before "m" and "s".
  static constexpr Unit kUnits[] = {
      {"ms", 1}, {"s", 1000}, {"m", 60'000}, {"h", 3'600'000}, {"d", 86'400'000}};
  int64_t multiplier = 1;
  std::string_view digits = text;
  for (const Unit& u : kUnits) {
    if (text.size() > u.suffix.size() && text.ends_with(u.suffix)) {
      multiplier = u.ms;
      digits = text.substr(0, text.size() - u.suffix.size());
      break;
    }
  }
  int64_t value = 0;
  if (!absl::SimpleAtoi(ToAbsl(digits), &value) || value < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid duration '", ToAbsl(text), "' (use e.g. 500ms, 90s, 15m, 1h, 7d)"));
  }
  if (value > std::numeric_limits<int64_t>::max() / multiplier) {
    return absl::InvalidArgumentError(absl::StrCat("duration '", ToAbsl(text), "' is too large"));
  }
  return value * multiplier;
}

}  // namespace coattail::base
