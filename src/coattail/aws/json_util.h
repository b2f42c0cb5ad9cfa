// Small helpers shared by the Kinesis and DynamoDB response readers (not a public API).
#ifndef COATTAIL_AWS_JSON_UTIL_H_
#define COATTAIL_AWS_JSON_UTIL_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "simdjson.h"

namespace coattail::aws::internal {

// "kinesis GetRecords: unexpected response: <detail>".
absl::Status BadResponse(std::string_view what, std::string_view detail);

// Parses a response body. `body` gets SIMDJSON_PADDING spare capacity so the parser need not
// copy it.
absl::StatusOr<simdjson::dom::element> ParseResponse(simdjson::dom::parser& parser,
                                                     std::string& body, std::string_view what);

// A string member; "" when absent or null. Any other type is an error.
absl::StatusOr<std::string_view> OptionalString(simdjson::dom::object object, std::string_view key,
                                                std::string_view what);
// A string member that must be present.
absl::StatusOr<std::string_view> RequiredString(simdjson::dom::object object, std::string_view key,
                                                std::string_view what);
// An integer member; `fallback` when absent or null.
absl::StatusOr<int64_t> OptionalInt(simdjson::dom::object object, std::string_view key,
                                    int64_t fallback, std::string_view what);

}  // namespace coattail::aws::internal

#endif  // COATTAIL_AWS_JSON_UTIL_H_
