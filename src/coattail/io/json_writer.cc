#include "coattail/io/json_writer.h"

#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace coattail::io {

namespace {

inline bool IsContinuation(unsigned char c) { return (c & 0xC0) == 0x80; }

// Length of the well-formed UTF-8 sequence starting with the non-ASCII byte p[0] (Unicode 15,
// table 3-7), or 0 if there is none. The second byte's range depends on the lead byte; that is
// what excludes overlong forms, surrogates and code points above U+10FFFF.
size_t Utf8SequenceLength(const unsigned char* p, size_t available) {
  const unsigned char lead = p[0];
  size_t length;
  unsigned char second_lo = 0x80;
  unsigned char second_hi = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) second_lo = 0xA0;
    if (lead == 0xED) second_hi = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) second_lo = 0x90;
    if (lead == 0xF4) second_hi = 0x8F;
  } else {
    return 0;
  }
  if (available < length) return 0;
  if (p[1] < second_lo || p[1] > second_hi) return 0;
  for (size_t i = 2; i < length; ++i) {
    if (!IsContinuation(p[i])) return 0;
  }
  return length;
}

constexpr char kHexDigits[] = "0123456789abcdef";

void AppendEscapedAscii(std::string& out, unsigned char c) {
  switch (c) {
    case '"':
      out.append("\\\"");
      return;
    case '\\':
      out.append("\\\\");
      return;
    case '\b':
      out.append("\\b");
      return;
    case '\f':
      out.append("\\f");
      return;
    case '\n':
      out.append("\\n");
      return;
    case '\r':
      out.append("\\r");
      return;
    case '\t':
      out.append("\\t");
      return;
    default: {
      const char escape[6] = {'\\', 'u', '0', '0', kHexDigits[c >> 4], kHexDigits[c & 0xF]};
      out.append(escape, sizeof(escape));
      return;
    }
  }
}

}  // namespace

void AppendJsonString(std::string& out, std::string_view s) {
  out.reserve(out.size() + s.size() + 2);
  out.push_back('"');
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  // Bytes that need no escaping are copied in runs rather than one push_back at a time.
  size_t run_start = 0;
  size_t i = 0;
  while (i < n) {
    const unsigned char c = p[i];
    if (c < 0x80) {
      if (c >= 0x20 && c != '"' && c != '\\') {
        ++i;
        continue;
      }
      out.append(s.data() + run_start, i - run_start);
      AppendEscapedAscii(out, c);
    } else {
      const size_t length = Utf8SequenceLength(p + i, n - i);
      if (length != 0) {
        i += length;
        continue;
      }
      out.append(s.data() + run_start, i - run_start);
      out.append("\\ufffd");
    }
    ++i;
    run_start = i;
  }
  out.append(s.data() + run_start, n - run_start);
  out.push_back('"');
}

void AppendDouble(std::string& out, double v) {
  if (!std::isfinite(v)) {
    out.append("null");
    return;
  }
  // The longest shortest-round-trip double is 24 characters (-2.2250738585072014e-308).
  char buf[32];
  const std::to_chars_result r = std::to_chars(buf, buf + sizeof(buf), v);
  out.append(buf, static_cast<size_t>(r.ptr - buf));
}

void AppendInt(std::string& out, int64_t v) {
  char buf[24];
  const std::to_chars_result r = std::to_chars(buf, buf + sizeof(buf), v);
  out.append(buf, static_cast<size_t>(r.ptr - buf));
}

}  // namespace coattail::io
