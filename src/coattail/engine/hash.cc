#include "coattail/engine/hash.h"

#include <array>
#include <cstring>

#include "coattail/event/hex.h"

namespace coattail::engine {
namespace {

// Hex digit values, -1 for anything else: one load per character on the hot path.
constexpr std::array<int8_t, 256> kHexValue = [] {
  std::array<int8_t, 256> t{};
  t.fill(-1);
  for (int i = 0; i < 10; ++i) t[static_cast<size_t>('0' + i)] = static_cast<int8_t>(i);
  for (int i = 0; i < 6; ++i) {
    t[static_cast<size_t>('a' + i)] = static_cast<int8_t>(10 + i);
    t[static_cast<size_t>('A' + i)] = static_cast<int8_t>(10 + i);
  }
  return t;
}();

int HexValue(char c) { return kHexValue[static_cast<uint8_t>(c)]; }

constexpr char kHexDigits[] = "0123456789abcdef";

}  // namespace

std::string Key128::Hex() const {
  std::string out(32, '0');
  for (int i = 0; i < 16; ++i) {
    out[static_cast<size_t>(15 - i)] = kHexDigits[(hi >> (4 * i)) & 0xf];
    out[static_cast<size_t>(31 - i)] = kHexDigits[(lo >> (4 * i)) & 0xf];
  }
  return out;
}

Key128 Fingerprint128(std::string_view data, uint64_t seed) {
  uint64_t a = Mix64(seed ^ 0x243f6a8885a308d3ULL ^ data.size());
  uint64_t b = Mix64(seed ^ 0x13198a2e03707344ULL ^ (data.size() << 1));
  size_t i = 0;
  for (; i + 8 <= data.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, data.data() + i, 8);
    a = Mix64(a ^ w);
    b = Mix64(b + (w * 0x9fb21c651e98df25ULL));
  }
  uint64_t tail = 0;
  for (size_t j = 0; i < data.size(); ++i, ++j) {
    tail |= static_cast<uint64_t>(static_cast<uint8_t>(data[i])) << (8 * j);
  }
  a = Mix64(a ^ tail);
  b = Mix64(b + (tail * 0x9fb21c651e98df25ULL) + 1);
  return Key128{Mix64(a ^ (b >> 17)), Mix64(b ^ (a << 13))};
}

bool ParseHexBytes(std::string_view text, uint8_t* out, size_t n) {
  if (text.size() != 2 + 2 * n || text[0] != '0' || (text[1] != 'x' && text[1] != 'X')) {
    return false;
  }
  if (n % 4 == 0) return event::DecodeHexDigits(text.data() + 2, out, n);
  int bad = 0;
  for (size_t i = 0; i < n; ++i) {
    const int h = HexValue(text[2 + 2 * i]);
    const int l = HexValue(text[3 + 2 * i]);
    bad |= h | l;  // any -1 sets the sign bit
    out[i] = static_cast<uint8_t>((h << 4) | (l & 0xf));
  }
  return bad >= 0;
}

std::string HexWithPrefix(const uint8_t* data, size_t n) {
  std::string out(2 + 2 * n, '0');
  out[1] = 'x';
  for (size_t i = 0; i < n; ++i) {
    out[2 + 2 * i] = kHexDigits[data[i] >> 4];
    out[3 + 2 * i] = kHexDigits[data[i] & 0xf];
  }
  return out;
}

Key128 TradeKey(std::string_view chain, const TxHash& tx, int64_t log_index) {
  // Built on the stack: this runs once per trade. Chain names are at most 32 bytes (validated by
  // the parser); longer ones, which only direct callers could pass, take a heap buffer.
  constexpr size_t kInline = 64 + 1 + sizeof(TxHash) + sizeof(uint64_t);
  const size_t size = chain.size() + 1 + tx.size() + sizeof(uint64_t);
  char inline_buf[kInline];
  std::string heap_buf;
  char* buf = inline_buf;
  if (size > kInline) {
    heap_buf.resize(size);
    buf = heap_buf.data();
  }
  std::memcpy(buf, chain.data(), chain.size());
  buf[chain.size()] = '\0';  // chain names cannot contain NUL, so the concatenation is unambiguous
  std::memcpy(buf + chain.size() + 1, tx.data(), tx.size());
  const uint64_t li = static_cast<uint64_t>(log_index);
  std::memcpy(buf + chain.size() + 1 + tx.size(), &li, sizeof(li));
  return Fingerprint128(std::string_view(buf, size), 0x7472616465ULL /* "trade" */);
}

uint64_t SymbolTie(std::string_view symbol) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (const char c : symbol) {
    h ^= static_cast<uint8_t>(c);
    h *= 0x100000001b3ULL;
  }
  return h;
}

uint64_t AddressTie(const Address& address) {
  return SymbolTie(std::string_view(reinterpret_cast<const char*>(address.data()), address.size()));
}

}  // namespace coattail::engine
