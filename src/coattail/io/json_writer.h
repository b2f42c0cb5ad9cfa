// Minimal JSON text builders that append to a std::string, for the alert, dead-letter and CLI
// writers. The output is always valid JSON (RFC 8259) whatever bytes come in.
#ifndef COATTAIL_IO_JSON_WRITER_H_
#define COATTAIL_IO_JSON_WRITER_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace coattail::io {

// Appends `s` as a quoted JSON string. Escapes '"' and '\\' and writes control characters
// (< 0x20) as \b \f \n \r \t or \u00XX. Well-formed UTF-8 passes through unchanged; every byte
// that is not part of a well-formed UTF-8 sequence (stray continuation bytes, truncated or
// overlong sequences, surrogates, code points above U+10FFFF) is replaced by the escape \ufffd
// (U+FFFD REPLACEMENT CHARACTER), one per byte. Replacement rather than \u00XX because \u00XX
// would silently decode as a different, valid character (0xFF would read back as "ÿ").
void AppendJsonString(std::string& out, std::string_view s);

// Appends the shortest decimal text that parses back to exactly `v` (std::to_chars), e.g.
// 617.25, 1e+20, 5e-324. JSON has no NaN or infinity: those are written as null.
void AppendDouble(std::string& out, double v);

void AppendInt(std::string& out, int64_t v);

inline void AppendBool(std::string& out, bool v) { out.append(v ? "true" : "false"); }

}  // namespace coattail::io

#endif  // COATTAIL_IO_JSON_WRITER_H_
