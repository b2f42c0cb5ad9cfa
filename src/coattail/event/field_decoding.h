// The strict parsing path's decoding of one field value, and the rejection reasons it reports.
// Each Get* reads a simdjson value as the type its field needs; on a mismatch it returns the
// InvalidArgument status whose message is the line's rejection reason. Internal to the parser:
// included by parser.cc and field_decoding.cc only.
#ifndef COATTAIL_EVENT_FIELD_DECODING_H_
#define COATTAIL_EVENT_FIELD_DECODING_H_

#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "absl/status/status.h"
#include "coattail/event/field_grammar.h"

namespace coattail::event::parser_internal {

namespace ondemand = simdjson::ondemand;

// Rejection reasons name the field and the kind of problem but not the offending value (the
// dead-letter record carries the raw line), so that they form a small set the run summary can
// count. Only unknown field names appear in a reason.
absl::Status FieldError(Field f, std::string_view problem);

absl::Status JsonError(simdjson::error_code e);

// Rejection for a value that is not of the `expected` JSON type. Text that is not JSON at all
// (NaN, Infinity, tru, 01) is reported as invalid JSON rather than as a type mismatch.
absl::Status WrongType(Field f, std::string_view expected, ondemand::value& v);

// The contents of a string value exactly as written (escape sequences are not decoded: none of
// the identifier grammars admits a backslash, so an escaped identifier fails validation).
absl::Status GetRawString(Field f, ondemand::value& v, std::string_view& out);

absl::Status GetInteger(Field f, ondemand::value& v, int64_t& out);
absl::Status GetPositiveNumber(Field f, ondemand::value& v, double& out);

// The rejection of a line whose document is not an object: says whether it is other JSON or not
// JSON at all (a bare word like `hello` is reported by simdjson as a type mismatch, not as a
// syntax error). `line` is not blank.
absl::Status NotAnObject(std::string_view line);

// The small pieces below are inline with internal linkage (see field_grammar.h), so that the
// strict path's field loop in parser.cc inlines them as it did when they were written there.
namespace {

// Keeps rejection reasons short even when the offending text is megabytes of garbage.
inline std::string_view Excerpt(std::string_view s) {
  constexpr size_t kMax = 40;
  return s.size() <= kMax ? s : s.substr(0, kMax);
}

inline absl::Status GetNonNegativeInteger(Field f, ondemand::value& v, int64_t& out) {
  if (absl::Status s = GetInteger(f, v, out); !s.ok()) return s;
  if (out < 0) return FieldError(f, "must be >= 0");
  return absl::OkStatus();
}

inline absl::Status GetBool(Field f, ondemand::value& v, bool& out) {
  if (v.get_bool().get(out) == simdjson::SUCCESS) return absl::OkStatus();
  return WrongType(f, "a boolean", v);
}

}  // namespace
}  // namespace coattail::event::parser_internal

#endif  // COATTAIL_EVENT_FIELD_DECODING_H_
