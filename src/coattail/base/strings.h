// Conversions between std::string_view and absl::string_view. The abseil this project builds
// against (Debian's 20220623) has its own absl::string_view rather than an alias of the standard
// one, so every call into absl::Str* with a std::string_view needs one of these.
#ifndef COATTAIL_BASE_STRINGS_H_
#define COATTAIL_BASE_STRINGS_H_

#include <string_view>

#include "absl/strings/string_view.h"

namespace coattail::base {

inline absl::string_view ToAbsl(std::string_view s) { return {s.data(), s.size()}; }
inline std::string_view ToStd(absl::string_view s) { return {s.data(), s.size()}; }

}  // namespace coattail::base

#endif  // COATTAIL_BASE_STRINGS_H_
