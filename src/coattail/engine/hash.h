// Small, deterministic hashing and hex helpers (no per-process seeds: results must be stable across
// runs because alert ids and checkpoints depend on them).
#ifndef COATTAIL_ENGINE_HASH_H_
#define COATTAIL_ENGINE_HASH_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "coattail/engine/types.h"

namespace coattail::engine {

// The splitmix64 finaliser: a bijective 64-bit mixer with good avalanche.
inline uint64_t Mix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// Two independent 64-bit lanes over the bytes of `data`. Not cryptographic; inputs here are keys we
// control the shape of (hashes of public on-chain identifiers), and 128 bits make accidental
// collisions negligible (~1e-20 at 1e9 keys).
Key128 Fingerprint128(std::string_view data, uint64_t seed = 0);

// Parses "0x" + 2*N hex digits (either case) into `out`. Returns false on any malformation.
bool ParseHexBytes(std::string_view text, uint8_t* out, size_t n);

// Writes "0x" + lower-case hex of the bytes.
std::string HexWithPrefix(const uint8_t* data, size_t n);

// The idempotency key of a trade: (chain, tx_hash, log_index).
Key128 TradeKey(std::string_view chain, const TxHash& tx, int64_t log_index);

}  // namespace coattail::engine

#endif  // COATTAIL_ENGINE_HASH_H_
