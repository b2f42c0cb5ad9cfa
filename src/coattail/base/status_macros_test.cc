#include "coattail/base/status_macros.h"

#include <memory>
#include <string>

#include "gtest/gtest.h"

namespace coattail::base {
namespace {

absl::StatusOr<std::unique_ptr<int>> MakeInt(bool ok) {
  if (!ok) return absl::NotFoundError("no int");
  return std::make_unique<int>(41);
}

absl::Status Check(bool ok) { return ok ? absl::OkStatus() : absl::InternalError("bad"); }

absl::StatusOr<int> AddOne(bool ok) {
  ASSIGN_OR_RETURN(std::unique_ptr<int> p, MakeInt(ok));  // a move-only value
  return *p + 1;
}

absl::Status Both(bool first, bool second) {
  RETURN_IF_ERROR(Check(first));
  RETURN_IF_ERROR(Check(second));
  return absl::OkStatus();
}

TEST(StatusMacrosTest, AssignOrReturnAssignsOrPropagates) {
  EXPECT_EQ(*AddOne(true), 42);
  EXPECT_EQ(AddOne(false).status().code(), absl::StatusCode::kNotFound);
}

TEST(StatusMacrosTest, ReturnIfErrorStopsAtTheFirstFailure) {
  EXPECT_TRUE(Both(true, true).ok());
  EXPECT_EQ(Both(false, true).code(), absl::StatusCode::kInternal);
  EXPECT_EQ(Both(true, false).code(), absl::StatusCode::kInternal);
}

}  // namespace
}  // namespace coattail::base
