#include "coattail/aws/dynamodb.h"

#include <charconv>
#include <cmath>
#include <string>
#include <string_view>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "coattail/aws/base64.h"
#include "coattail/aws/json_util.h"
#include "coattail/base/strings.h"
#include "coattail/io/json_writer.h"
#include "simdjson.h"

namespace coattail::aws {

namespace {

using internal::BadResponse;
using io::AppendJsonString;

using base::ToAbsl;

// DynamoDB nests lists and maps up to 32 levels; deeper JSON is not an item.
constexpr int kMaxDepth = 32;

void AppendStringSet(std::string& out, const std::vector<std::string>& values, bool binary) {
  out.push_back('[');
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out.push_back(',');
    if (binary) {
      out.push_back('"');
      Base64Append(out, values[i]);
      out.push_back('"');
    } else {
      AppendJsonString(out, values[i]);
    }
  }
  out.push_back(']');
}

absl::StatusOr<std::string> DecodeBase64(std::string_view text, std::string_view what) {
  std::string bytes;
  if (absl::Status status = Base64DecodeAppend(bytes, text); !status.ok()) {
    return BadResponse(what, absl::StrCat("binary attribute: ", status.message()));
  }
  return bytes;
}

absl::StatusOr<std::vector<std::string>> ReadStringArray(simdjson::dom::element element,
                                                         bool binary, std::string_view what) {
  simdjson::dom::array array;
  if (element.get_array().get(array) != simdjson::SUCCESS) {
    return BadResponse(what, "a set is not an array");
  }
  std::vector<std::string> values;
  values.reserve(array.size());
  for (simdjson::dom::element member : array) {
    std::string_view text;
    if (member.get_string().get(text) != simdjson::SUCCESS) {
      return BadResponse(what, "a set member is not a string");
    }
    if (binary) {
      absl::StatusOr<std::string> bytes = DecodeBase64(text, what);
      if (!bytes.ok()) return bytes.status();
      values.push_back(*std::move(bytes));
    } else {
      values.emplace_back(text);
    }
  }
  return values;
}

absl::StatusOr<Item> ReadItem(simdjson::dom::element element, std::string_view what, int depth);

absl::StatusOr<AttributeValue> ReadAttributeValue(simdjson::dom::element element,
                                                  std::string_view what, int depth) {
  if (depth > kMaxDepth) return BadResponse(what, "attribute values nested too deeply");
  simdjson::dom::object object;
  if (element.get_object().get(object) != simdjson::SUCCESS || object.size() != 1) {
    return BadResponse(what, "an attribute value is not an object with one type key");
  }
  const auto [type, value] = *object.begin();
  std::string_view text;
  if (type == "S" || type == "N" || type == "B") {
    if (value.get_string().get(text) != simdjson::SUCCESS) {
      return BadResponse(what, absl::StrCat(ToAbsl(type), " value is not a string"));
    }
    if (type == "S") return AttributeValue::S(std::string(text));
    if (type == "N") return AttributeValue::NumberText(std::string(text));
    absl::StatusOr<std::string> bytes = DecodeBase64(text, what);
    if (!bytes.ok()) return bytes.status();
    return AttributeValue::B(*std::move(bytes));
  }
  if (type == "BOOL") {
    bool flag = false;
    if (value.get_bool().get(flag) != simdjson::SUCCESS) {
      return BadResponse(what, "BOOL value is not a boolean");
    }
    return AttributeValue::Bool(flag);
  }
  if (type == "NULL") return AttributeValue::Null();
  if (type == "L") {
    simdjson::dom::array array;
    if (value.get_array().get(array) != simdjson::SUCCESS) {
      return BadResponse(what, "L value is not an array");
    }
    std::vector<AttributeValue> values;
    values.reserve(array.size());
    for (simdjson::dom::element member : array) {
      absl::StatusOr<AttributeValue> parsed = ReadAttributeValue(member, what, depth + 1);
      if (!parsed.ok()) return parsed.status();
      values.push_back(*std::move(parsed));
    }
    return AttributeValue::L(std::move(values));
  }
  if (type == "M") {
    simdjson::dom::object map;
    if (value.get_object().get(map) != simdjson::SUCCESS) {
      return BadResponse(what, "M value is not an object");
    }
    std::vector<std::pair<std::string, AttributeValue>> members;
    members.reserve(map.size());
    for (const auto [name, member] : map) {
      absl::StatusOr<AttributeValue> parsed = ReadAttributeValue(member, what, depth + 1);
      if (!parsed.ok()) return parsed.status();
      members.emplace_back(std::string(name), *std::move(parsed));
    }
    return AttributeValue::M(std::move(members));
  }
  if (type == "SS" || type == "NS" || type == "BS") {
    absl::StatusOr<std::vector<std::string>> values = ReadStringArray(value, type == "BS", what);
    if (!values.ok()) return values.status();
    if (type == "SS") return AttributeValue::SS(*std::move(values));
    if (type == "NS") return AttributeValue::NS(*std::move(values));
    return AttributeValue::BS(*std::move(values));
  }
  return BadResponse(what, absl::StrCat("unknown attribute type \"", ToAbsl(type), "\""));
}

absl::StatusOr<Item> ReadItem(simdjson::dom::element element, std::string_view what, int depth) {
  simdjson::dom::object object;
  if (element.get_object().get(object) != simdjson::SUCCESS) {
    return BadResponse(what, "an item is not an object");
  }
  Item item;
  for (const auto [name, value] : object) {
    absl::StatusOr<AttributeValue> parsed = ReadAttributeValue(value, what, depth + 1);
    if (!parsed.ok()) return parsed.status();
    item.insert_or_assign(std::string(name), *std::move(parsed));
  }
  return item;
}

absl::StatusOr<std::vector<Item>> ReadItemArray(simdjson::dom::element element,
                                                std::string_view what) {
  simdjson::dom::array array;
  if (element.get_array().get(array) != simdjson::SUCCESS) {
    return BadResponse(what, "items are not an array");
  }
  std::vector<Item> items;
  items.reserve(array.size());
  for (simdjson::dom::element member : array) {
    absl::StatusOr<Item> item = ReadItem(member, what, 0);
    if (!item.ok()) return item.status();
    items.push_back(*std::move(item));
  }
  return items;
}

}  // namespace

AttributeValue AttributeValue::S(std::string s) {
  AttributeValue v(Type::kS);
  v.text_ = std::move(s);
  return v;
}

AttributeValue AttributeValue::N(int64_t value) {
  AttributeValue v(Type::kN);
  v.text_ = absl::StrCat(value);
  return v;
}

AttributeValue AttributeValue::N(double value) {
  AttributeValue v(Type::kN);
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof(buffer), value);
  v.text_.assign(buffer, result.ptr);
  return v;
}

AttributeValue AttributeValue::NumberText(std::string decimal) {
  AttributeValue v(Type::kN);
  v.text_ = std::move(decimal);
  return v;
}

AttributeValue AttributeValue::B(std::string bytes) {
  AttributeValue v(Type::kB);
  v.text_ = std::move(bytes);
  return v;
}

AttributeValue AttributeValue::Bool(bool value) {
  AttributeValue v(Type::kBool);
  v.boolean_ = value;
  return v;
}

AttributeValue AttributeValue::Null() { return AttributeValue(Type::kNull); }

AttributeValue AttributeValue::L(std::vector<AttributeValue> values) {
  AttributeValue v(Type::kL);
  v.list_ = std::move(values);
  return v;
}

AttributeValue AttributeValue::M(std::vector<std::pair<std::string, AttributeValue>> members) {
  AttributeValue v(Type::kM);
  v.members_ = std::move(members);
  return v;
}

AttributeValue AttributeValue::SS(std::vector<std::string> values) {
  AttributeValue v(Type::kSS);
  v.set_ = std::move(values);
  return v;
}

AttributeValue AttributeValue::NS(std::vector<std::string> decimals) {
  AttributeValue v(Type::kNS);
  v.set_ = std::move(decimals);
  return v;
}

AttributeValue AttributeValue::BS(std::vector<std::string> values) {
  AttributeValue v(Type::kBS);
  v.set_ = std::move(values);
  return v;
}

std::optional<int64_t> AttributeValue::AsInt64() const {
  if (type_ != Type::kN) return std::nullopt;
  int64_t value = 0;
  const char* end = text_.data() + text_.size();
  const auto result = std::from_chars(text_.data(), end, value);
  if (result.ec != std::errc() || result.ptr != end) return std::nullopt;
  return value;
}

std::optional<double> AttributeValue::AsDouble() const {
  if (type_ != Type::kN) return std::nullopt;
  double value = 0;
  const char* end = text_.data() + text_.size();
  const auto result = std::from_chars(text_.data(), end, value);
  if (result.ec != std::errc() || result.ptr != end || !std::isfinite(value)) return std::nullopt;
  return value;
}

void AppendAttributeValueJson(std::string& out, const AttributeValue& value) {
  using Type = AttributeValue::Type;
  switch (value.type()) {
    case Type::kS:
      out.append("{\"S\":");
      AppendJsonString(out, value.text());
      break;
    case Type::kN:
      out.append("{\"N\":");
      AppendJsonString(out, value.text());
      break;
    case Type::kB:
      out.append(R"({"B":")");
      Base64Append(out, value.text());
      out.push_back('"');
      break;
    case Type::kBool:
      out.append(value.boolean() ? "{\"BOOL\":true" : "{\"BOOL\":false");
      break;
    case Type::kNull:
      out.append("{\"NULL\":true");
      break;
    case Type::kL:
      out.append("{\"L\":[");
      for (size_t i = 0; i < value.list().size(); ++i) {
        if (i > 0) out.push_back(',');
        AppendAttributeValueJson(out, value.list()[i]);
      }
      out.push_back(']');
      break;
    case Type::kM:
      out.append("{\"M\":{");
      for (size_t i = 0; i < value.members().size(); ++i) {
        if (i > 0) out.push_back(',');
        AppendJsonString(out, value.members()[i].first);
        out.push_back(':');
        AppendAttributeValueJson(out, value.members()[i].second);
      }
      out.push_back('}');
      break;
    case Type::kSS:
      out.append("{\"SS\":");
      AppendStringSet(out, value.set(), /*binary=*/false);
      break;
    case Type::kNS:
      out.append("{\"NS\":");
      AppendStringSet(out, value.set(), /*binary=*/false);
      break;
    case Type::kBS:
      out.append("{\"BS\":");
      AppendStringSet(out, value.set(), /*binary=*/true);
      break;
  }
  out.push_back('}');
}

void AppendItemJson(std::string& out, const Item& item) {
  out.push_back('{');
  bool first = true;
  for (const auto& [name, value] : item) {
    if (!first) out.push_back(',');
    first = false;
    AppendJsonString(out, name);
    out.push_back(':');
    AppendAttributeValueJson(out, value);
  }
  out.push_back('}');
}

DynamoDbClient::DynamoDbClient(std::unique_ptr<AwsJsonClient> client)
    : client_(std::move(client)), parser_(std::make_unique<simdjson::dom::parser>()) {}
DynamoDbClient::~DynamoDbClient() = default;
DynamoDbClient::DynamoDbClient(DynamoDbClient&&) noexcept = default;
DynamoDbClient& DynamoDbClient::operator=(DynamoDbClient&&) noexcept = default;

absl::StatusOr<DynamoDbClient> DynamoDbClient::FromEnv(const Env& env, ClientOptions options) {
  absl::StatusOr<std::unique_ptr<AwsJsonClient>> client =
      AwsJsonClient::FromEnv(kDynamoDb, env, std::move(options));
  if (!client.ok()) return client.status();
  return DynamoDbClient(*std::move(client));
}

absl::StatusOr<std::vector<Item>> DynamoDbClient::BatchWriteItem(std::string_view table,
                                                                 absl::Span<const Item> puts) {
  constexpr std::string_view kWhat = "dynamodb BatchWriteItem";
  if (puts.empty() || puts.size() > kMaxBatchWriteItems) {
    return absl::InvalidArgumentError(absl::StrCat("BatchWriteItem: ", puts.size(),
                                                   " items; expected 1 to ", kMaxBatchWriteItems));
  }
  if (table.empty()) return absl::InvalidArgumentError("BatchWriteItem: empty table name");
  std::string body = "{\"RequestItems\":{";
  AppendJsonString(body, table);
  body.append(":[");
  for (size_t i = 0; i < puts.size(); ++i) {
    if (i > 0) body.push_back(',');
    body.append(R"({"PutRequest":{"Item":)");
    AppendItemJson(body, puts[i]);
    body.append("}}");
  }
  body.append("]}}");
  absl::StatusOr<std::string> response = client_->Call("DynamoDB_20120810.BatchWriteItem", body);
  if (!response.ok()) return response.status();
  absl::StatusOr<simdjson::dom::element> root = internal::ParseResponse(*parser_, *response, kWhat);
  if (!root.ok()) return root.status();

  std::vector<Item> unprocessed;
  simdjson::dom::object by_table;
  if ((*root)["UnprocessedItems"].get_object().get(by_table) != simdjson::SUCCESS) {
    return unprocessed;  // absent: everything was written
  }
  for (const auto [name, requests] : by_table) {
    if (name != table) return BadResponse(kWhat, "unprocessed items for another table");
    simdjson::dom::array array;
    if (requests.get_array().get(array) != simdjson::SUCCESS) {
      return BadResponse(kWhat, "unprocessed requests are not an array");
    }
    for (simdjson::dom::element request : array) {
      simdjson::dom::element item;
      if (request["PutRequest"]["Item"].get(item) != simdjson::SUCCESS) {
        return BadResponse(kWhat, "an unprocessed request is not a PutRequest with an Item");
      }
      absl::StatusOr<Item> parsed = ReadItem(item, kWhat, 0);
      if (!parsed.ok()) return parsed.status();
      unprocessed.push_back(*std::move(parsed));
    }
  }
  if (unprocessed.size() > puts.size()) {
    return BadResponse(kWhat, "more unprocessed items than items sent");
  }
  return unprocessed;
}

absl::Status DynamoDbClient::BatchPutAll(std::string_view table, absl::Span<const Item> items,
                                         int max_resend_rounds) {
  for (size_t start = 0; start < items.size(); start += kMaxBatchWriteItems) {
    const size_t count = std::min(kMaxBatchWriteItems, items.size() - start);
    absl::StatusOr<std::vector<Item>> unprocessed =
        BatchWriteItem(table, items.subspan(start, count));
    for (int round = 0; unprocessed.ok() && !unprocessed->empty(); ++round) {
      if (round >= max_resend_rounds) {
        return absl::ResourceExhaustedError(
            absl::StrCat("dynamodb BatchWriteItem: ", unprocessed->size(),
                         " items still unprocessed after ", max_resend_rounds, " resend rounds"));
      }
      client_->SleepBeforeRetry(round);
      std::vector<Item> again = *std::move(unprocessed);
      unprocessed = BatchWriteItem(table, again);
    }
    if (!unprocessed.ok()) return unprocessed.status();
  }
  return absl::OkStatus();
}

absl::StatusOr<BatchGetResult> DynamoDbClient::BatchGetItem(std::string_view table,
                                                            absl::Span<const Item> keys,
                                                            bool consistent_read) {
  constexpr std::string_view kWhat = "dynamodb BatchGetItem";
  if (keys.empty() || keys.size() > kMaxBatchGetKeys) {
    return absl::InvalidArgumentError(
        absl::StrCat("BatchGetItem: ", keys.size(), " keys; expected 1 to ", kMaxBatchGetKeys));
  }
  if (table.empty()) return absl::InvalidArgumentError("BatchGetItem: empty table name");
  std::string body = "{\"RequestItems\":{";
  AppendJsonString(body, table);
  body.append(":{\"Keys\":[");
  for (size_t i = 0; i < keys.size(); ++i) {
    if (i > 0) body.push_back(',');
    AppendItemJson(body, keys[i]);
  }
  body.append("]");
  if (consistent_read) body.append(",\"ConsistentRead\":true");
  body.append("}}}");
  absl::StatusOr<std::string> response = client_->Call("DynamoDB_20120810.BatchGetItem", body);
  if (!response.ok()) return response.status();
  absl::StatusOr<simdjson::dom::element> root = internal::ParseResponse(*parser_, *response, kWhat);
  if (!root.ok()) return root.status();

  BatchGetResult result;
  simdjson::dom::object responses;
  if ((*root)["Responses"].get_object().get(responses) == simdjson::SUCCESS) {
    for (const auto [name, items] : responses) {
      if (name != table) return BadResponse(kWhat, "items of another table");
      absl::StatusOr<std::vector<Item>> parsed = ReadItemArray(items, kWhat);
      if (!parsed.ok()) return parsed.status();
      result.items = *std::move(parsed);
    }
  }
  simdjson::dom::object unprocessed;
  if ((*root)["UnprocessedKeys"].get_object().get(unprocessed) == simdjson::SUCCESS) {
    for (const auto [name, request] : unprocessed) {
      if (name != table) return BadResponse(kWhat, "unprocessed keys of another table");
      simdjson::dom::element again;
      if (request["Keys"].get(again) != simdjson::SUCCESS) {
        return BadResponse(kWhat, "unprocessed keys without \"Keys\"");
      }
      absl::StatusOr<std::vector<Item>> parsed = ReadItemArray(again, kWhat);
      if (!parsed.ok()) return parsed.status();
      result.unprocessed_keys = *std::move(parsed);
    }
  }
  if (result.items.size() + result.unprocessed_keys.size() > keys.size()) {
    return BadResponse(kWhat, "more items and unprocessed keys than keys asked for");
  }
  return result;
}

absl::StatusOr<std::vector<Item>> DynamoDbClient::BatchGetAll(std::string_view table,
                                                              absl::Span<const Item> keys,
                                                              int max_resend_rounds) {
  std::vector<Item> items;
  for (size_t start = 0; start < keys.size(); start += kMaxBatchGetKeys) {
    const size_t count = std::min(kMaxBatchGetKeys, keys.size() - start);
    absl::StatusOr<BatchGetResult> batch = BatchGetItem(table, keys.subspan(start, count));
    for (int round = 0;; ++round) {
      if (!batch.ok()) return batch.status();
      for (Item& item : batch->items) items.push_back(std::move(item));
      if (batch->unprocessed_keys.empty()) break;
      if (round >= max_resend_rounds) {
        return absl::ResourceExhaustedError(
            absl::StrCat("dynamodb BatchGetItem: ", batch->unprocessed_keys.size(),
                         " keys still unprocessed after ", max_resend_rounds, " resend rounds"));
      }
      client_->SleepBeforeRetry(round);
      const std::vector<Item> again = std::move(batch->unprocessed_keys);
      batch = BatchGetItem(table, again);
    }
  }
  return items;
}

namespace {

// The common end of a conditional write: a failed condition is an answer, not an error.
absl::StatusOr<bool> ConditionalOutcome(const absl::StatusOr<std::string>& response) {
  if (response.ok()) return true;
  if (AwsErrorType(response.status()) == "ConditionalCheckFailedException") return false;
  return response.status();
}

void AppendExpressionValues(std::string& body, const Item& values) {
  if (values.empty()) return;
  body.append(",\"ExpressionAttributeValues\":");
  AppendItemJson(body, values);
}

}  // namespace

absl::StatusOr<bool> DynamoDbClient::PutItemIf(std::string_view table, const Item& item,
                                               std::string_view condition_expression,
                                               const Item& expression_attribute_values) {
  if (table.empty() || item.empty() || condition_expression.empty()) {
    return absl::InvalidArgumentError("PutItemIf: table, item and condition are required");
  }
  std::string body = "{\"TableName\":";
  AppendJsonString(body, table);
  body.append(",\"Item\":");
  AppendItemJson(body, item);
  body.append(",\"ConditionExpression\":");
  AppendJsonString(body, condition_expression);
  AppendExpressionValues(body, expression_attribute_values);
  body.append("}");
  return ConditionalOutcome(client_->Call("DynamoDB_20120810.PutItem", body));
}

absl::StatusOr<bool> DynamoDbClient::UpdateItemIf(std::string_view table, const Item& key,
                                                  std::string_view update_expression,
                                                  std::string_view condition_expression,
                                                  const Item& expression_attribute_values) {
  if (table.empty() || key.empty() || update_expression.empty() || condition_expression.empty()) {
    return absl::InvalidArgumentError(
        "UpdateItemIf: table, key, update and condition are required");
  }
  std::string body = "{\"TableName\":";
  AppendJsonString(body, table);
  body.append(",\"Key\":");
  AppendItemJson(body, key);
  body.append(",\"UpdateExpression\":");
  AppendJsonString(body, update_expression);
  body.append(",\"ConditionExpression\":");
  AppendJsonString(body, condition_expression);
  AppendExpressionValues(body, expression_attribute_values);
  body.append("}");
  return ConditionalOutcome(client_->Call("DynamoDB_20120810.UpdateItem", body));
}

absl::StatusOr<std::optional<Item>> DynamoDbClient::GetItem(std::string_view table, const Item& key,
                                                            bool consistent_read) {
  constexpr std::string_view kWhat = "dynamodb GetItem";
  if (key.empty()) return absl::InvalidArgumentError("GetItem: empty key");
  std::string body = "{\"TableName\":";
  AppendJsonString(body, table);
  body.append(",\"Key\":");
  AppendItemJson(body, key);
  if (consistent_read) body.append(",\"ConsistentRead\":true");
  body.append("}");
  absl::StatusOr<std::string> response = client_->Call("DynamoDB_20120810.GetItem", body);
  if (!response.ok()) return response.status();
  absl::StatusOr<simdjson::dom::element> root = internal::ParseResponse(*parser_, *response, kWhat);
  if (!root.ok()) return root.status();
  simdjson::dom::element item;
  // No item: the response is {} (no "Item" key).
  if ((*root)["Item"].get(item) != simdjson::SUCCESS) return std::optional<Item>();
  absl::StatusOr<Item> parsed = ReadItem(item, kWhat, 0);
  if (!parsed.ok()) return parsed.status();
  return std::optional<Item>(*std::move(parsed));
}

absl::StatusOr<QueryResult> DynamoDbClient::Query(const QueryRequest& request) {
  constexpr std::string_view kWhat = "dynamodb Query";
  if (request.table.empty() || request.key_condition_expression.empty()) {
    return absl::InvalidArgumentError("Query: table and key_condition_expression are required");
  }
  std::string body = "{\"TableName\":";
  AppendJsonString(body, request.table);
  if (!request.index_name.empty()) {
    body.append(",\"IndexName\":");
    AppendJsonString(body, request.index_name);
  }
  body.append(",\"KeyConditionExpression\":");
  AppendJsonString(body, request.key_condition_expression);
  if (!request.filter_expression.empty()) {
    body.append(",\"FilterExpression\":");
    AppendJsonString(body, request.filter_expression);
  }
  if (!request.projection_expression.empty()) {
    body.append(",\"ProjectionExpression\":");
    AppendJsonString(body, request.projection_expression);
  }
  if (!request.expression_attribute_names.empty()) {
    body.append(",\"ExpressionAttributeNames\":{");
    bool first = true;
    for (const auto& [placeholder, name] : request.expression_attribute_names) {
      if (!first) body.push_back(',');
      first = false;
      AppendJsonString(body, placeholder);
      body.push_back(':');
      AppendJsonString(body, name);
    }
    body.push_back('}');
  }
  if (!request.expression_attribute_values.empty()) {
    body.append(",\"ExpressionAttributeValues\":");
    AppendItemJson(body, request.expression_attribute_values);
  }
  if (request.limit.has_value()) {
    if (*request.limit < 1) return absl::InvalidArgumentError("Query: limit must be positive");
    absl::StrAppend(&body, ",\"Limit\":", *request.limit);
  }
  if (!request.scan_index_forward) body.append(",\"ScanIndexForward\":false");
  if (request.consistent_read) body.append(",\"ConsistentRead\":true");
  if (request.exclusive_start_key.has_value()) {
    body.append(",\"ExclusiveStartKey\":");
    AppendItemJson(body, *request.exclusive_start_key);
  }
  body.append("}");

  absl::StatusOr<std::string> response = client_->Call("DynamoDB_20120810.Query", body);
  if (!response.ok()) return response.status();
  absl::StatusOr<simdjson::dom::element> root = internal::ParseResponse(*parser_, *response, kWhat);
  if (!root.ok()) return root.status();
  const simdjson::dom::object object = root->get_object().value_unsafe();
  QueryResult result;
  simdjson::dom::element items;
  if (object["Items"].get(items) == simdjson::SUCCESS) {
    absl::StatusOr<std::vector<Item>> parsed = ReadItemArray(items, kWhat);
    if (!parsed.ok()) return parsed.status();
    result.items = *std::move(parsed);
  }
  simdjson::dom::element last_key;
  if (object["LastEvaluatedKey"].get(last_key) == simdjson::SUCCESS && !last_key.is_null()) {
    absl::StatusOr<Item> parsed = ReadItem(last_key, kWhat, 0);
    if (!parsed.ok()) return parsed.status();
    result.last_evaluated_key = *std::move(parsed);
  }
  absl::StatusOr<int64_t> count =
      internal::OptionalInt(object, "Count", static_cast<int64_t>(result.items.size()), kWhat);
  if (!count.ok()) return count.status();
  result.count = *count;
  absl::StatusOr<int64_t> scanned = internal::OptionalInt(object, "ScannedCount", *count, kWhat);
  if (!scanned.ok()) return scanned.status();
  result.scanned_count = *scanned;
  return result;
}

absl::StatusOr<TableDescription> DynamoDbClient::DescribeTable(std::string_view table) {
  constexpr std::string_view kWhat = "dynamodb DescribeTable";
  std::string body = "{\"TableName\":";
  AppendJsonString(body, table);
  body.append("}");
  absl::StatusOr<std::string> response = client_->Call("DynamoDB_20120810.DescribeTable", body);
  if (!response.ok()) return response.status();
  absl::StatusOr<simdjson::dom::element> root = internal::ParseResponse(*parser_, *response, kWhat);
  if (!root.ok()) return root.status();
  simdjson::dom::object object;
  if ((*root)["Table"].get_object().get(object) != simdjson::SUCCESS) {
    return BadResponse(kWhat, "no \"Table\" object");
  }
  TableDescription description;
  for (auto [key, target] : {std::pair{"TableName", &description.table_name},
                             std::pair{"TableArn", &description.table_arn},
                             std::pair{"TableStatus", &description.table_status}}) {
    absl::StatusOr<std::string_view> value = internal::OptionalString(object, key, kWhat);
    if (!value.ok()) return value.status();
    target->assign(value->data(), value->size());
  }
  simdjson::dom::object billing;
  if (object["BillingModeSummary"].get_object().get(billing) == simdjson::SUCCESS) {
    absl::StatusOr<std::string_view> mode = internal::OptionalString(billing, "BillingMode", kWhat);
    if (!mode.ok()) return mode.status();
    description.billing_mode = std::string(*mode);
  }
  for (auto [key, target] : {std::pair{"ItemCount", &description.item_count},
                             std::pair{"TableSizeBytes", &description.table_size_bytes}}) {
    absl::StatusOr<int64_t> value = internal::OptionalInt(object, key, 0, kWhat);
    if (!value.ok()) return value.status();
    *target = *value;
  }
  simdjson::dom::array array;
  if (object["KeySchema"].get_array().get(array) == simdjson::SUCCESS) {
    for (simdjson::dom::element element : array) {
      simdjson::dom::object entry;
      if (element.get_object().get(entry) != simdjson::SUCCESS) {
        return BadResponse(kWhat, "a key schema element is not an object");
      }
      absl::StatusOr<std::string_view> name =
          internal::RequiredString(entry, "AttributeName", kWhat);
      if (!name.ok()) return name.status();
      absl::StatusOr<std::string_view> type = internal::RequiredString(entry, "KeyType", kWhat);
      if (!type.ok()) return type.status();
      description.key_schema.push_back({std::string(*name), std::string(*type)});
    }
  }
  if (object["AttributeDefinitions"].get_array().get(array) == simdjson::SUCCESS) {
    for (simdjson::dom::element element : array) {
      simdjson::dom::object entry;
      if (element.get_object().get(entry) != simdjson::SUCCESS) {
        return BadResponse(kWhat, "an attribute definition is not an object");
      }
      absl::StatusOr<std::string_view> name =
          internal::RequiredString(entry, "AttributeName", kWhat);
      if (!name.ok()) return name.status();
      absl::StatusOr<std::string_view> type =
          internal::RequiredString(entry, "AttributeType", kWhat);
      if (!type.ok()) return type.status();
      description.attribute_definitions.push_back({std::string(*name), std::string(*type)});
    }
  }
  return description;
}

}  // namespace coattail::aws
