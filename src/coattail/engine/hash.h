// Small, deterministic hashing and hex helpers (no per-process seeds: results must be stable across
// runs because alert ids and checkpoints depend on them).
#ifndef COATTAIL_ENGINE_HASH_H_
#define COATTAIL_ENGINE_HASH_H_

#include <cstdint>
#include <cstring>
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

// ---- Tie-breakers: the content order of events that share a time and a class (types.h). ----

// FNV-1a: a fixed function of the symbol's bytes, the same in every run and on every machine.
uint64_t SymbolTie(std::string_view symbol);
uint64_t AddressTie(const Address& address);

// ---- Hash functors of the engine's in-memory tables (never persisted, so free to change). ----

// Addresses are effectively random bytes already, so three word loads mixed by multiplication hash
// them well enough, without hashing all 20 bytes byte-stream style as absl::Hash does.
struct AddressHash {
  size_t operator()(const Address& a) const {
    uint64_t x = 0;
    uint64_t y = 0;
    uint32_t z = 0;
    std::memcpy(&x, a.data(), 8);
    std::memcpy(&y, a.data() + 8, 8);
    std::memcpy(&z, a.data() + 16, 4);
    return static_cast<size_t>((x * 0x9e3779b97f4a7c15ULL) ^ (y * 0xbf58476d1ce4e5b9ULL) ^
                               (z * 0x94d049bb133111ebULL));
  }
};

struct AddressEq {
  bool operator()(const Address& a, const Address& b) const {
    return std::memcmp(a.data(), b.data(), a.size()) == 0;
  }
};

// Trade keys are already uniformly mixed 128-bit fingerprints.
struct Key128Hash {
  size_t operator()(const Key128& k) const { return static_cast<size_t>(k.lo); }
};

}  // namespace coattail::engine

#endif  // COATTAIL_ENGINE_HASH_H_
