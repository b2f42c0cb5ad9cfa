// Fast, deterministic number text for the simulator's NDJSON.
//
// Amounts and prices are rounded to a fixed number of significant digits and written in plain
// decimal notation (never an exponent). The writer also reports the exact double a correctly
// rounding JSON parser reads back, so usd_value can be computed from the values as written and the
// parser's amount * price_usd consistency check holds to ~1e-12 instead of "usually".
#ifndef COATTAIL_SIM_DECIMAL_H_
#define COATTAIL_SIM_DECIMAL_H_

#include <cstddef>
#include <cstdint>

namespace coattail::sim {

// Upper bound on the characters WriteDecimal produces.
inline constexpr size_t kMaxDecimalChars = 48;

// Writes `value` (finite, > 0) rounded to `significant` digits (1..15) without trailing zeros, e.g.
// 3000, 0.5, 1234.56789, 0.00000025. Values outside [1e-20, 1e20] fall back to the shortest
// round-trip form (which may use an exponent). Returns the end of the text; if `parsed` is non-null
// it receives the double that the text denotes (as a correctly rounding parser would read it).
char* WriteDecimal(char* out, double value, int significant, double* parsed);

// The double that WriteDecimal(value, significant) denotes, without producing the text.
double RoundDecimal(double value, int significant);

// Writes the 16 lower-case hex digits of `v`, most significant first. Returns the end.
char* WriteHex64(char* out, uint64_t v);

}  // namespace coattail::sim

#endif  // COATTAIL_SIM_DECIMAL_H_
