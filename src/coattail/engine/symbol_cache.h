// A direct-mapped cache of interned ids for short identifiers (token symbols, chain names), in
// front of the engine's string-keyed maps. Every event names a token, and nearly all symbols are a
// few bytes long: a hit here costs two loads and three compares, where the map hashes the string
// and compares it through a call to memcmp.
#ifndef COATTAIL_ENGINE_SYMBOL_CACHE_H_
#define COATTAIL_ENGINE_SYMBOL_CACHE_H_

#include <array>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace coattail::engine {

class SymbolCache {
 public:
  static constexpr size_t kMaxLength = 16;  // longer symbols always miss
  static constexpr uint32_t kMiss = UINT32_MAX;

  // The id stored for `symbol`, or kMiss.
  uint32_t Find(std::string_view symbol) const {
    Packed k;
    if (!Pack(symbol, k)) return kMiss;
    const Entry& e = entries_[Slot(k)];
    const bool same = e.key.a == k.a && e.key.b == k.b && e.key.length == k.length;
    return same ? e.id : kMiss;  // an empty entry has length 0, which no symbol has
  }

  // Remembers `id` for `symbol`, replacing whatever shared its slot. No-op for a long symbol.
  void Insert(std::string_view symbol, uint32_t id) {
    Packed k;
    if (!Pack(symbol, k)) return;
    entries_[Slot(k)] = Entry{k, id};
  }

  void Clear() { entries_.fill(Entry{}); }

 private:
  // The bytes of a symbol of 1 to 16 bytes, read with loads that stay inside it: two overlapping
  // words (or half-words, or three bytes) that together cover every byte. With the length, they
  // determine the symbol.
  struct Packed {
    uint64_t a = 0;
    uint64_t b = 0;
    uint32_t length = 0;
  };
  struct Entry {
    Packed key;
    uint32_t id = kMiss;
  };
  static constexpr size_t kSlots = 64;

  static bool Pack(std::string_view s, Packed& k) {
    const size_t n = s.size();
    if (n == 0 || n > kMaxLength) return false;
    const char* p = s.data();
    if (n >= 8) {
      std::memcpy(&k.a, p, 8);
      std::memcpy(&k.b, p + n - 8, 8);
    } else if (n >= 4) {
      uint32_t lo = 0;
      uint32_t hi = 0;
      std::memcpy(&lo, p, 4);
      std::memcpy(&hi, p + n - 4, 4);
      k.a = lo;
      k.b = hi;
    } else {
      k.a = static_cast<uint64_t>(static_cast<uint8_t>(p[0])) |
            static_cast<uint64_t>(static_cast<uint8_t>(p[n / 2])) << 8 |
            static_cast<uint64_t>(static_cast<uint8_t>(p[n - 1])) << 16;
      k.b = 0;
    }
    k.length = static_cast<uint32_t>(n);
    return true;
  }

  static size_t Slot(const Packed& k) {
    const uint64_t h = (k.a ^ (k.b * 0x9e3779b97f4a7c15ULL) ^ k.length) * 0xbf58476d1ce4e5b9ULL;
    return static_cast<size_t>(h >> 58);  // the top 6 bits: kSlots == 64
  }

  std::array<Entry, kSlots> entries_{};
};

}  // namespace coattail::engine

#endif  // COATTAIL_ENGINE_SYMBOL_CACHE_H_
