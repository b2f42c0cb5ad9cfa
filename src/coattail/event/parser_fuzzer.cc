// libFuzzer target for EventParser: the input is split into lines the way LineReader does and
// every accepted event is checked against the format's invariants (docs/EVENTS.md), with
// validation code independent of the parser's.
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string_view>

#include "absl/status/status.h"
#include "coattail/event/event.h"
#include "coattail/event/parser.h"

namespace {

using coattail::event::EventKind;
using coattail::event::EventParser;
using coattail::event::EventView;
using coattail::event::Side;

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "invariant violated: %s\n", what);
    std::abort();  // libFuzzer records the input as a crash
  }
}

bool IsHex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool IsPrefixedHex(std::string_view s, size_t digits) {
  if (s.size() != digits + 2 || s.substr(0, 2) != "0x") return false;
  for (char c : s.substr(2)) {
    if (!IsHex(c)) return false;
  }
  return true;
}

bool IsChain(std::string_view s) {
  if (s.empty() || s.size() > 32) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (!alnum && (i == 0 || (c != '_' && c != '-'))) return false;
  }
  return true;
}

bool IsToken(std::string_view s) {
  if (IsPrefixedHex(s, 40)) return true;
  if (s.empty() || s.size() > 32) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!alnum && (i == 0 || (c != '.' && c != '_' && c != '-'))) return false;
  }
  return true;
}

// The bytes `hex` ("0x" + 2n digits, already checked) spells, decoded one digit at a time.
template <size_t N>
bool Spells(std::string_view hex, const std::array<uint8_t, N>& bytes) {
  const auto value = [](char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return c - 'A' + 10;
  };
  for (size_t i = 0; i < N; ++i) {
    const int byte = value(hex[2 + 2 * i]) * 16 + value(hex[3 + 2 * i]);
    if (bytes[i] != byte) return false;
  }
  return true;
}

bool Within(std::string_view view, std::string_view line) {
  return view.data() >= line.data() && view.data() + view.size() <= line.data() + line.size();
}

bool FinitePositive(double v) { return std::isfinite(v) && v > 0; }

void CheckEvent(const EventView& e, std::string_view line, const EventParser& parser) {
  const int64_t t = e.time_ms();
  Check(t >= parser.options().min_time_ms && t <= parser.options().max_time_ms, "time range");
  if (e.kind == EventKind::kPrice) {
    Check(IsToken(e.price.token) && Within(e.price.token, line), "price token");
    Check(FinitePositive(e.price.price_usd), "price_usd");
    return;
  }
  Check(e.kind == EventKind::kTrade, "kind");
  const auto& tr = e.trade;
  Check(IsChain(tr.chain) && Within(tr.chain, line), "chain");
  Check(IsPrefixedHex(tr.tx_hash, 64) && Within(tr.tx_hash, line), "tx_hash");
  Check(IsPrefixedHex(tr.wallet, 40) && Within(tr.wallet, line), "wallet");
  Check(Spells(tr.tx_hash, tr.tx_hash_bytes), "tx_hash bytes");
  Check(Spells(tr.wallet, tr.wallet_bytes), "wallet bytes");
  Check(IsToken(tr.token) && Within(tr.token, line), "token");
  Check(tr.block_number >= 0 && tr.log_index >= 0, "non-negative integers");
  Check(tr.side == Side::kBuy || tr.side == Side::kSell, "side");
  Check(FinitePositive(tr.amount) && FinitePositive(tr.price_usd) && FinitePositive(tr.usd_value),
        "positive numbers");
  const double product = tr.amount * tr.price_usd;
  Check(std::isfinite(product) && std::fabs(tr.usd_value - product) <= 0.005 * product,
        "usd_value consistency");
}

// The canonical fast path must agree with the strict parser on status and on every value.
void CheckSameAsStrict(const absl::Status& status, const EventView& e, std::string_view line) {
  static EventParser* strict = [] {
    coattail::event::ParserOptions options;
    options.canonical_fast_path = false;
    return new EventParser(options);
  }();
  EventView s;
  const absl::Status strict_status = strict->Parse(line, s);
  Check(status == strict_status, "fast path status differs from the strict parser's");
  if (!status.ok()) return;
  Check(e.kind == s.kind, "fast path kind");
  const auto same = [](double a, double b) { return std::memcmp(&a, &b, sizeof(a)) == 0; };
  if (e.kind == EventKind::kPrice) {
    Check(e.price.token == s.price.token && e.price.time_ms == s.price.time_ms &&
              same(e.price.price_usd, s.price.price_usd),
          "fast path price values");
    return;
  }
  const auto& a = e.trade;
  const auto& b = s.trade;
  Check(a.chain == b.chain && a.block_number == b.block_number &&
            a.block_time_ms == b.block_time_ms && a.tx_hash == b.tx_hash &&
            a.tx_hash_bytes == b.tx_hash_bytes && a.wallet_bytes == b.wallet_bytes &&
            a.log_index == b.log_index && a.wallet == b.wallet && a.token == b.token &&
            a.side == b.side && same(a.amount, b.amount) && same(a.price_usd, b.price_usd) &&
            same(a.usd_value, b.usd_value) && a.removed == b.removed,
        "fast path trade values");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static EventParser* parser = new EventParser();
  // Exactly the padding the contract promises and no more, so that ASan catches any read beyond.
  std::unique_ptr<char[]> buffer(new char[size + coattail::event::kParsePadding]);
  if (size > 0) std::memcpy(buffer.get(), data, size);
  std::memset(buffer.get() + size, 'x', coattail::event::kParsePadding);
  const std::string_view input(buffer.get(), size);

  EventView event;
  size_t pos = 0;
  while (pos <= input.size()) {
    size_t nl = input.find('\n', pos);
    if (nl == std::string_view::npos) nl = input.size();
    std::string_view line = input.substr(pos, nl - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const absl::Status status = parser->Parse(line, event);
    CheckSameAsStrict(status, event, line);
    if (status.ok()) {
      CheckEvent(event, line, *parser);
    } else {
      // Every rejection is about the line and carries a reason for the dead-letter file.
      Check(status.code() == absl::StatusCode::kInvalidArgument, "status code");
      Check(!status.message().empty(), "empty reason");
    }
    if (nl == input.size()) break;
    pos = nl + 1;
  }
  return 0;
}
