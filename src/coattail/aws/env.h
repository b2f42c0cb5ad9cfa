// Where AWS settings come from: the process environment in production, a fixed map in tests, so
// that resolving credentials, region and endpoints never depends on the machine running the tests.
#ifndef COATTAIL_AWS_ENV_H_
#define COATTAIL_AWS_ENV_H_

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "absl/container/flat_hash_map.h"

namespace coattail::aws {

class Env {
 public:
  // Reads the process environment with getenv() at each lookup.
  static Env Process();
  static Env FromMap(absl::flat_hash_map<std::string, std::string> vars);

  // nullopt when the variable is unset or empty: the AWS SDKs treat an empty variable as unset,
  // and `AWS_PROFILE= cmd` is a common way to clear one.
  std::optional<std::string> Get(std::string_view name) const;

 private:
  explicit Env(std::function<std::optional<std::string>(const std::string&)> lookup)
      : lookup_(std::move(lookup)) {}

  std::function<std::optional<std::string>(const std::string&)> lookup_;
};

}  // namespace coattail::aws

#endif  // COATTAIL_AWS_ENV_H_
