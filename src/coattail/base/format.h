// Human renderings shared by the engine (alert reasons) and the CLI (tables, summaries), and the
// duration syntax of the command line.
#ifndef COATTAIL_BASE_FORMAT_H_
#define COATTAIL_BASE_FORMAT_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace coattail::base {

// "$1.23B", "$4.56M", "$12.3k", "$12.34"; a negative amount gets a leading "-".
std::string FormatUsd(double usd);

// The shortest exact rendering, hours at most (horizons read as "24h", not "1d"):
// 86400000 -> "24h", 900000 -> "15m", 90000 -> "90s", 1500 -> "1500ms".
std::string FormatDuration(int64_t ms);

// "500ms", "90s", "15m", "1h", "7d", or plain milliseconds. Negative, fractional or overflowing
// values are an InvalidArgumentError that names the text and the accepted forms.
absl::StatusOr<int64_t> ParseDurationMs(std::string_view text);

}  // namespace coattail::base

#endif  // COATTAIL_BASE_FORMAT_H_
