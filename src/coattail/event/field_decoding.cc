#include "coattail/event/field_decoding.h"

#include <simdjson.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "coattail/base/strings.h"
#include "coattail/event/field_grammar.h"

namespace coattail::event::parser_internal {
namespace {

std::string_view TrimRight(std::string_view s) {
  while (!s.empty() && IsJsonSpace(s.back())) s.remove_suffix(1);
  return s;
}

// The value's text as written in the line. raw_json_token() runs up to the next structural
// character, so it can carry trailing whitespace.
std::string_view RawToken(ondemand::value& v) { return TrimRight(v.raw_json_token()); }

// The JSON number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
// Used on error paths only, to tell "not JSON" from "JSON number of the wrong kind".
bool IsJsonNumber(std::string_view s, bool* is_integer) {
  size_t i = 0;
  const size_t n = s.size();
  if (i < n && s[i] == '-') ++i;
  if (i >= n || !IsDigit(s[i])) return false;
  if (s[i] == '0') {
    ++i;
  } else {
    while (i < n && IsDigit(s[i])) ++i;
  }
  *is_integer = true;
  if (i < n && s[i] == '.') {
    *is_integer = false;
    ++i;
    if (i >= n || !IsDigit(s[i])) return false;
    while (i < n && IsDigit(s[i])) ++i;
  }
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    *is_integer = false;
    ++i;
    if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
    if (i >= n || !IsDigit(s[i])) return false;
    while (i < n && IsDigit(s[i])) ++i;
  }
  return i == n;
}

}  // namespace

absl::Status WrongType(Field f, std::string_view expected, ondemand::value& v) {
  const std::string_view tok = RawToken(v);
  std::string_view got;
  bool is_integer = false;
  if (tok.empty()) {
    got = {};
  } else if (tok.front() == '"') {
    got = "a string";
  } else if (tok.front() == '{') {
    got = "an object";
  } else if (tok.front() == '[') {
    got = "an array";
  } else if (tok == "true" || tok == "false") {
    got = "a boolean";
  } else if (tok == "null") {
    got = "null";
  } else if (IsJsonNumber(tok, &is_integer)) {
    got = is_integer ? "an integer" : "a non-integer number";
  }
  if (got.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid JSON: field '", base::ToAbsl(kFieldNames[f]), "': not a JSON value"));
  }
  return FieldError(f,
                    absl::StrCat("must be ", base::ToAbsl(expected), ", got ", base::ToAbsl(got)));
}

absl::Status FieldError(Field f, std::string_view problem) {
  return absl::InvalidArgumentError(
      absl::StrCat("field '", base::ToAbsl(kFieldNames[f]), "': ", base::ToAbsl(problem)));
}

absl::Status JsonError(simdjson::error_code e) {
  return absl::InvalidArgumentError(absl::StrCat("invalid JSON: ", simdjson::error_message(e)));
}

absl::Status GetRawString(Field f, ondemand::value& v, std::string_view& out) {
  const std::string_view tok = RawToken(v);
  if (tok.size() < 2 || tok.front() != '"' || tok.back() != '"') {
    return WrongType(f, "a string", v);
  }
  out = tok.substr(1, tok.size() - 2);
  return absl::OkStatus();
}

absl::Status GetInteger(Field f, ondemand::value& v, int64_t& out) {
  if (v.get_int64().get(out) == simdjson::SUCCESS) return absl::OkStatus();
  const std::string_view tok = RawToken(v);
  bool is_integer = false;
  if (IsJsonNumber(tok, &is_integer) && is_integer) {
    return FieldError(f, "integer out of range");
  }
  return WrongType(f, "an integer", v);
}

absl::Status GetPositiveNumber(Field f, ondemand::value& v, double& out) {
  if (v.get_double().get(out) != simdjson::SUCCESS) {
    const std::string_view tok = RawToken(v);
    bool is_integer = false;
    if (IsJsonNumber(tok, &is_integer)) {
      // Valid JSON number that does not fit a double, e.g. 1e400.
      return FieldError(f, "must be finite and > 0 (the number overflows a double)");
    }
    return WrongType(f, "a number", v);
  }
  // Written as !(x > 0) so that a NaN, should one ever get through, is rejected as well.
  if (!(out > 0) || !std::isfinite(out)) {
    return FieldError(f, "must be finite and > 0");
  }
  return absl::OkStatus();
}

absl::Status NotAnObject(std::string_view line) {
  size_t start = 0;
  while (start < line.size() && IsJsonSpace(line[start])) ++start;
  const std::string_view text = TrimRight(line.substr(start));
  bool is_integer = false;
  const char c = text.front();  // non-empty: empty lines are rejected before parsing
  if (c == '[' || c == '"' || text == "true" || text == "false" || text == "null" ||
      IsJsonNumber(text, &is_integer)) {
    return absl::InvalidArgumentError("not a JSON object");
  }
  return absl::InvalidArgumentError("invalid JSON: not a JSON value");
}

}  // namespace coattail::event::parser_internal
