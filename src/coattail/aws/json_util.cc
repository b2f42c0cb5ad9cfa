#include "coattail/aws/json_util.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "coattail/base/strings.h"

namespace coattail::aws::internal {

using base::ToAbsl;

absl::Status BadResponse(std::string_view what, std::string_view detail) {
  return absl::InternalError(absl::StrCat(ToAbsl(what), ": unexpected response: ", ToAbsl(detail)));
}

absl::StatusOr<simdjson::dom::element> ParseResponse(simdjson::dom::parser& parser,
                                                     std::string& body, std::string_view what) {
  body.reserve(body.size() + simdjson::SIMDJSON_PADDING);
  simdjson::dom::element root;
  if (auto error = parser.parse(body.data(), body.size(), /*realloc_if_needed=*/false).get(root);
      error != simdjson::SUCCESS) {
    return BadResponse(what, simdjson::error_message(error));
  }
  if (!root.is_object()) return BadResponse(what, "not a JSON object");
  return root;
}

absl::StatusOr<std::string_view> OptionalString(simdjson::dom::object object, std::string_view key,
                                                std::string_view what) {
  simdjson::dom::element value;
  if (object.at_key(key).get(value) != simdjson::SUCCESS || value.is_null()) {
    return std::string_view();
  }
  std::string_view text;
  if (value.get_string().get(text) != simdjson::SUCCESS) {
    return BadResponse(what, absl::StrCat("\"", ToAbsl(key), "\" is not a string"));
  }
  return text;
}

absl::StatusOr<std::string_view> RequiredString(simdjson::dom::object object, std::string_view key,
                                                std::string_view what) {
  simdjson::dom::element value;
  if (object.at_key(key).get(value) != simdjson::SUCCESS || value.is_null()) {
    return BadResponse(what, absl::StrCat("no \"", ToAbsl(key), "\""));
  }
  return OptionalString(object, key, what);
}

absl::StatusOr<int64_t> OptionalInt(simdjson::dom::object object, std::string_view key,
                                    int64_t fallback, std::string_view what) {
  simdjson::dom::element value;
  if (object.at_key(key).get(value) != simdjson::SUCCESS || value.is_null()) return fallback;
  int64_t number = 0;
  if (value.get_int64().get(number) != simdjson::SUCCESS) {
    return BadResponse(what, absl::StrCat("\"", ToAbsl(key), "\" is not an integer"));
  }
  return number;
}

}  // namespace coattail::aws::internal
