// Human durations on the command line: "500ms", "90s", "15m", "1h", "7d", or plain milliseconds.
#ifndef COATTAIL_CLI_DURATION_H_
#define COATTAIL_CLI_DURATION_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace coattail::cli {

absl::StatusOr<int64_t> ParseDurationMs(std::string_view text);
// The shortest exact rendering: 3600000 -> "1h", 90000 -> "90s".
std::string FormatDuration(int64_t ms);

}  // namespace coattail::cli

#endif  // COATTAIL_CLI_DURATION_H_
