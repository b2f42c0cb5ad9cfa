#include "coattail/aws/env.h"

#include <cstdlib>
#include <memory>
#include <utility>

namespace coattail::aws {

Env Env::Process() {
  return Env([](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr || *value == '\0') return std::nullopt;
    return std::string(value);
  });
}

Env Env::FromMap(absl::flat_hash_map<std::string, std::string> vars) {
  auto shared =
      std::make_shared<const absl::flat_hash_map<std::string, std::string>>(std::move(vars));
  return Env([shared](const std::string& name) -> std::optional<std::string> {
    auto it = shared->find(name);
    if (it == shared->end() || it->second.empty()) return std::nullopt;
    return it->second;
  });
}

std::optional<std::string> Env::Get(std::string_view name) const {
  return lookup_(std::string(name));
}

}  // namespace coattail::aws
