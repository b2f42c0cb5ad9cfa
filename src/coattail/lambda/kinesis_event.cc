#include "coattail/lambda/kinesis_event.h"

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "coattail/aws/base64.h"
#include "coattail/base/strings.h"
#include "simdjson.h"

namespace coattail::lambda {
namespace {

absl::Status Invalid(size_t index, std::string_view detail) {
  return absl::InvalidArgumentError(
      absl::StrCat("kinesis event: record ", index, ": ", base::ToAbsl(detail)));
}

// A string member; `required` makes its absence an error.
absl::Status ReadString(simdjson::dom::object object, std::string_view key, bool required,
                        size_t index, std::string& out) {
  simdjson::dom::element value;
  if (object.at_key(key).get(value) != simdjson::SUCCESS || value.is_null()) {
    return required ? Invalid(index, absl::StrCat("no \"", base::ToAbsl(key), "\""))
                    : absl::OkStatus();
  }
  std::string_view text;
  if (value.get_string().get(text) != simdjson::SUCCESS) {
    return Invalid(index, absl::StrCat("\"", base::ToAbsl(key), "\" is not a string"));
  }
  out.assign(text);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::vector<KinesisRecord>> ParseKinesisEvent(std::string_view json) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (auto error = parser.parse(json.data(), json.size()).get(root); error != simdjson::SUCCESS) {
    return absl::InvalidArgumentError(
        absl::StrCat("kinesis event: not JSON: ", simdjson::error_message(error)));
  }
  simdjson::dom::array records;
  if (root["Records"].get_array().get(records) != simdjson::SUCCESS) {
    return absl::InvalidArgumentError("kinesis event: no \"Records\" array");
  }
  std::vector<KinesisRecord> out;
  out.reserve(records.size());
  size_t index = 0;
  for (simdjson::dom::element element : records) {
    simdjson::dom::object record;
    simdjson::dom::object kinesis;
    if (element.get_object().get(record) != simdjson::SUCCESS) {
      return Invalid(index, "not an object");
    }
    if (record["kinesis"].get_object().get(kinesis) != simdjson::SUCCESS) {
      return Invalid(index, "no \"kinesis\" object");
    }
    KinesisRecord r;
    std::string encoded;
    if (absl::Status s = ReadString(record, "eventID", false, index, r.event_id); !s.ok()) return s;
    if (absl::Status s = ReadString(kinesis, "sequenceNumber", true, index, r.sequence_number);
        !s.ok()) {
      return s;
    }
    if (absl::Status s = ReadString(kinesis, "partitionKey", false, index, r.partition_key);
        !s.ok()) {
      return s;
    }
    if (absl::Status s = ReadString(kinesis, "data", true, index, encoded); !s.ok()) return s;
    r.shard_id = r.event_id.substr(0, r.event_id.find(':'));
    double arrival_s = 0;
    if (kinesis["approximateArrivalTimestamp"].get_double().get(arrival_s) == simdjson::SUCCESS &&
        std::isfinite(arrival_s)) {
      r.arrival_ms = static_cast<int64_t>(std::llround(arrival_s * 1000));
    }
    if (absl::Status s = aws::Base64DecodeAppend(r.data, encoded); !s.ok()) {
      r.data.clear();
      r.data_status = absl::InvalidArgumentError(
          absl::StrCat("record ", r.sequence_number, ": data is not base64: ", s.message()));
    }
    out.push_back(std::move(r));
    ++index;
  }
  return out;
}

}  // namespace coattail::lambda
