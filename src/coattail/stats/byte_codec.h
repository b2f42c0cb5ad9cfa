// Fixed-width little-endian encoding of the scalars that make up the stats checkpoints.
//
// Doubles travel as their IEEE-754 bit pattern, so a value read back is bit-identical to the value
// written (including -0.0 and every NaN payload); the byte order is fixed regardless of the host.
// Internal to coattail_stats: DecayedMoments and BetaEstimator build their AppendTo/ReadFrom on it.
#ifndef COATTAIL_STATS_BYTE_CODEC_H_
#define COATTAIL_STATS_BYTE_CODEC_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace coattail::stats::internal {

void AppendU8(std::string& out, uint8_t v);
void AppendI64(std::string& out, int64_t v);
void AppendF64(std::string& out, double v);

// Reads from the front of `in` and advances it; returns false (leaving `in` untouched) when fewer
// bytes remain than the value needs.
bool ReadU8(std::string_view& in, uint8_t& v);
bool ReadI64(std::string_view& in, int64_t& v);
bool ReadF64(std::string_view& in, double& v);

}  // namespace coattail::stats::internal

#endif  // COATTAIL_STATS_BYTE_CODEC_H_
