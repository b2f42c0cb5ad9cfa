// Identifiers of the simulator's independent random streams (Rng::ForStream's `stream`).
//
// One stream per purpose, and per member where there are many, so changing one knob (e.g. the
// number of noise wallets) leaves everything that does not depend on it byte-identical.
#ifndef COATTAIL_SIM_STREAMS_H_
#define COATTAIL_SIM_STREAMS_H_

#include <cstdint>

namespace coattail::sim {

inline constexpr uint64_t kStreamTokenParams = 1;    // index: token (1-based)
inline constexpr uint64_t kStreamTokenPath = 2;      // index: token (1-based)
inline constexpr uint64_t kStreamBenchmarkPath = 3;  // index: 0
inline constexpr uint64_t kStreamTips = 4;           // informed wallets' pre-jump buys
inline constexpr uint64_t kStreamFaults = 5;  // injected malformed lines, duplicates, retractions

// Wallet streams: kStreamWalletBase + 4 * class + purpose; index: wallet number within its class.
inline constexpr uint64_t kStreamWalletBase = 16;
inline constexpr uint64_t kWalletPurposeDecide = 0;   // when, what, which side, how much
inline constexpr uint64_t kWalletPurposeDeliver = 1;  // slippage, tx hash, log index, lateness
inline constexpr uint64_t kWalletPurposeAddress = 2;  // the wallet's address

}  // namespace coattail::sim

#endif  // COATTAIL_SIM_STREAMS_H_
