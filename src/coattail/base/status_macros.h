// RETURN_IF_ERROR and ASSIGN_OR_RETURN, in abseil's spelling. The abseil release this project
// builds against (Debian's 20220623) does not ship them publicly.
//
//   RETURN_IF_ERROR(store.Commit(batch));
//   ASSIGN_OR_RETURN(std::unique_ptr<Store> store, Store::Open(path));
//
// Both return the failing absl::Status from the enclosing function, which must return
// absl::Status or an absl::StatusOr<T>.
#ifndef COATTAIL_BASE_STATUS_MACROS_H_
#define COATTAIL_BASE_STATUS_MACROS_H_

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define COATTAIL_STATUS_CONCAT_INNER_(a, b) a##b
#define COATTAIL_STATUS_CONCAT_(a, b) COATTAIL_STATUS_CONCAT_INNER_(a, b)

#define RETURN_IF_ERROR(expr)                                             \
  do {                                                                    \
    if (absl::Status coattail_status_ = (expr); !coattail_status_.ok()) { \
      return coattail_status_;                                            \
    }                                                                     \
  } while (false)

#define ASSIGN_OR_RETURN(lhs, rexpr) \
  COATTAIL_ASSIGN_OR_RETURN_IMPL_(COATTAIL_STATUS_CONCAT_(coattail_statusor_, __LINE__), lhs, rexpr)

// `lhs` may be a declaration ("std::unique_ptr<T> p"), which parentheses would break.
// NOLINTBEGIN(bugprone-macro-parentheses)
#define COATTAIL_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, rexpr) \
  auto statusor = (rexpr);                                    \
  if (!statusor.ok()) return std::move(statusor).status();    \
  lhs = std::move(statusor).value()
// NOLINTEND(bugprone-macro-parentheses)

#endif  // COATTAIL_BASE_STATUS_MACROS_H_
