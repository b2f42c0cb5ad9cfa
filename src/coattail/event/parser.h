// Strict, allocation-free parser for one NDJSON event line (format: docs/EVENTS.md).
//
// Padding contract: simdjson reads past the end of its input with wide loads. The caller of
// EventParser::Parse must guarantee that the kParsePadding bytes (== simdjson::SIMDJSON_PADDING,
// checked at compile time) at [line.data() + line.size(), +kParsePadding) are readable memory;
// their content does not matter. coattail::io::LineReader hands out lines that satisfy this
// (io::kLinePadding >= kParsePadding), so lines are parsed in place without a copy.
//
// Lifetime contract: on success the string views in the EventView point into `line` and are valid
// exactly as long as the bytes of `line` are.
#ifndef COATTAIL_EVENT_PARSER_H_
#define COATTAIL_EVENT_PARSER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "absl/status/status.h"
#include "coattail/event/event.h"

namespace coattail::event {

// Readable bytes required after every line passed to EventParser::Parse.
inline constexpr size_t kParsePadding = 64;

// 2009-01-03T00:00:00Z (the Bitcoin genesis block): nothing on-chain is older.
inline constexpr int64_t kDefaultMinTimeMs = 1230940800000;
// 2100-01-01T00:00:00Z.
inline constexpr int64_t kDefaultMaxTimeMs = 4102444800000;

// Maximum relative difference between usd_value and amount * price_usd.
inline constexpr double kUsdValueTolerance = 0.005;

struct ParserOptions {
  // Event times (trade block_time, price time) outside [min_time_ms, max_time_ms] (inclusive) are
  // rejected as implausible: they are almost always seconds-vs-milliseconds mistakes or garbage.
  int64_t min_time_ms = kDefaultMinTimeMs;
  int64_t max_time_ms = kDefaultMaxTimeMs;
  // Parse lines with the fields in the documented order and no whitespace by a hand-written fast
  // path first. It accepts exactly what the strict parser accepts, with the same values, and
  // leaves every other line to it; turning it off exists for tests that compare the two.
  bool canonical_fast_path = true;
};

class EventParser {
 public:
  explicit EventParser(ParserOptions options = {});
  ~EventParser();

  EventParser(const EventParser&) = delete;
  EventParser& operator=(const EventParser&) = delete;

  // Parses and validates one line (without its line terminator). See the padding and lifetime
  // contracts at the top of this file.
  //
  // Returns OK and fills `out`, or InvalidArgument whose message is the human-readable rejection
  // reason for the dead-letter file (e.g. "missing field 'wallet'"). Any other status code
  // (ResourceExhausted when the parser cannot grow its buffers) is not about the line and should
  // be treated as fatal. `out` is unspecified after an error.
  absl::Status Parse(std::string_view line, EventView& out);

  const ParserOptions& options() const { return options_; }

 private:
  // Holds the reused simdjson::ondemand::parser; kept out of this header so that users of the
  // parser do not compile simdjson.
  struct Impl;

  ParserOptions options_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace coattail::event

#endif  // COATTAIL_EVENT_PARSER_H_
