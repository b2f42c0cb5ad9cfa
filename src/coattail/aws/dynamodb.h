// Typed DynamoDB calls over AwsJsonClient: BatchWriteItem (puts), Query, GetItem and
// DescribeTable, with items in DynamoDB's attribute-value model.
#ifndef COATTAIL_AWS_DYNAMODB_H_
#define COATTAIL_AWS_DYNAMODB_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "coattail/aws/env.h"
#include "coattail/aws/http_client.h"

namespace simdjson::dom {
class parser;
}  // namespace simdjson::dom

namespace coattail::aws {

// One DynamoDB attribute value. Numbers are kept as decimal text, as on the wire, so nothing is
// lost to binary floating point (DynamoDB numbers have 38 significant digits).
class AttributeValue {
 public:
  enum class Type { kS, kN, kB, kBool, kNull, kL, kM, kSS, kNS, kBS };

  AttributeValue() : type_(Type::kNull) {}
  static AttributeValue S(std::string s);
  static AttributeValue N(int64_t v);
  // Shortest text that reads back as `v` ("617.25", "1e+20"). `v` must be finite: DynamoDB
  // rejects NaN and infinities, and so does the service (ValidationException) if one gets here.
  static AttributeValue N(double v);
  static AttributeValue NumberText(std::string decimal);  // sent as given, e.g. "617.25"
  static AttributeValue B(std::string bytes);             // raw bytes; base64 on the wire
  static AttributeValue Bool(bool v);
  static AttributeValue Null();
  static AttributeValue L(std::vector<AttributeValue> values);
  static AttributeValue M(std::vector<std::pair<std::string, AttributeValue>> members);
  // Sets must not be empty (DynamoDB rejects empty sets).
  static AttributeValue SS(std::vector<std::string> values);
  static AttributeValue NS(std::vector<std::string> decimals);
  static AttributeValue BS(std::vector<std::string> values);

  Type type() const { return type_; }
  // S: the string; N: the decimal text; B: the raw bytes. Empty for other types.
  const std::string& text() const { return text_; }
  bool boolean() const { return boolean_; }
  const std::vector<AttributeValue>& list() const { return list_; }
  const std::vector<std::pair<std::string, AttributeValue>>& members() const { return members_; }
  // SS, NS (decimal text), BS (raw bytes).
  const std::vector<std::string>& set() const { return set_; }

  // For N values: the number, nullopt if it is not an integer in range / not a number.
  std::optional<int64_t> AsInt64() const;
  std::optional<double> AsDouble() const;

  // Structural; numbers compare as text ("1.0" != "1").
  friend bool operator==(const AttributeValue& a, const AttributeValue& b) = default;

 private:
  explicit AttributeValue(Type type) : type_(type) {}

  Type type_;
  std::string text_;
  bool boolean_ = false;
  std::vector<AttributeValue> list_;
  std::vector<std::pair<std::string, AttributeValue>> members_;
  std::vector<std::string> set_;
};

using Item = std::map<std::string, AttributeValue, std::less<>>;

// DynamoDB JSON ({"S":"..."}, {"M":{...}}, ...), appended to `out`.
void AppendAttributeValueJson(std::string& out, const AttributeValue& value);
void AppendItemJson(std::string& out, const Item& item);

struct QueryRequest {
  std::string table;
  std::string index_name;                // empty: the table itself
  std::string key_condition_expression;  // required, e.g. "wallet = :w AND ts > :t"
  std::string filter_expression;
  std::string projection_expression;
  std::map<std::string, std::string, std::less<>> expression_attribute_names;  // "#ts" -> "ts"
  Item expression_attribute_values;                                            // ":w" -> S(...)
  std::optional<int> limit;
  bool scan_index_forward = true;
  bool consistent_read = false;
  std::optional<Item> exclusive_start_key;  // the previous page's last_evaluated_key
};

struct QueryResult {
  std::vector<Item> items;
  // Set when there may be more: pass it as the next request's exclusive_start_key.
  std::optional<Item> last_evaluated_key;
  int64_t count = 0;
  int64_t scanned_count = 0;
};

struct KeySchemaElement {
  std::string attribute_name;
  std::string key_type;  // "HASH" or "RANGE"
};

struct AttributeDefinition {
  std::string attribute_name;
  std::string attribute_type;  // "S", "N" or "B"
};

struct TableDescription {
  std::string table_name;
  std::string table_arn;
  std::string table_status;  // "CREATING", "ACTIVE", "UPDATING", "DELETING", ...
  std::string billing_mode;  // "PAY_PER_REQUEST" or "PROVISIONED"; empty if not reported
  int64_t item_count = 0;    // updated by DynamoDB about every six hours
  int64_t table_size_bytes = 0;
  std::vector<KeySchemaElement> key_schema;
  std::vector<AttributeDefinition> attribute_definitions;
};

struct BatchGetResult {
  std::vector<Item> items;             // in no particular order
  std::vector<Item> unprocessed_keys;  // to be asked for again, after a backoff
};

class DynamoDbClient {
 public:
  static constexpr size_t kMaxBatchWriteItems = 25;
  static constexpr size_t kMaxBatchGetKeys = 100;

  explicit DynamoDbClient(std::unique_ptr<AwsJsonClient> client);
  ~DynamoDbClient();
  DynamoDbClient(DynamoDbClient&&) noexcept;
  DynamoDbClient& operator=(DynamoDbClient&&) noexcept;
  static absl::StatusOr<DynamoDbClient> FromEnv(const Env& env, ClientOptions options = {});

  // One BatchWriteItem call putting 1 to 25 items into `table`. BatchWriteItem is not atomic:
  // the returned items are the ones DynamoDB did not process (throttling, typically) and must be
  // sent again, after a backoff. Items over 400 KB, or a call over 16 MB, fail with
  // ValidationException from the service.
  absl::StatusOr<std::vector<Item>> BatchWriteItem(std::string_view table,
                                                   absl::Span<const Item> puts);

  // Puts all `items` in BatchWriteItem calls of up to 25, resending unprocessed items with the
  // client's backoff, at most `max_resend_rounds` times per call.
  absl::Status BatchPutAll(std::string_view table, absl::Span<const Item> items,
                           int max_resend_rounds = 8);

  // One BatchGetItem call for 1 to 100 distinct keys of `table`. Keys without an item are simply
  // absent from the answer; the keys DynamoDB did not process (throttling, 16 MB of answer) come
  // back in `unprocessed_keys`.
  absl::StatusOr<BatchGetResult> BatchGetItem(std::string_view table, absl::Span<const Item> keys,
                                              bool consistent_read = false);

  // The items of all `keys`, in calls of up to 100, asking again for unprocessed keys with the
  // client's backoff, at most `max_resend_rounds` times per call.
  absl::StatusOr<std::vector<Item>> BatchGetAll(std::string_view table, absl::Span<const Item> keys,
                                                int max_resend_rounds = 8);

  // PutItem under a condition ("attribute_not_exists(pk)"): true when written, false when the
  // condition did not hold (ConditionalCheckFailedException), an error otherwise.
  absl::StatusOr<bool> PutItemIf(std::string_view table, const Item& item,
                                 std::string_view condition_expression,
                                 const Item& expression_attribute_values = {});

  // UpdateItem of the item with `key` ("SET retracted = :t") under a condition: true when
  // updated, false when the condition did not hold, an error otherwise.
  absl::StatusOr<bool> UpdateItemIf(std::string_view table, const Item& key,
                                    std::string_view update_expression,
                                    std::string_view condition_expression,
                                    const Item& expression_attribute_values = {});

  // nullopt when there is no item with this key.
  absl::StatusOr<std::optional<Item>> GetItem(std::string_view table, const Item& key,
                                              bool consistent_read = false);

  // One page of results (up to 1 MB, or request.limit items).
  absl::StatusOr<QueryResult> Query(const QueryRequest& request);

  // NotFound (AwsErrorType "ResourceNotFoundException") when the table does not exist.
  absl::StatusOr<TableDescription> DescribeTable(std::string_view table);

  AwsJsonClient& client() { return *client_; }

 private:
  std::unique_ptr<AwsJsonClient> client_;
  std::unique_ptr<simdjson::dom::parser> parser_;
};

}  // namespace coattail::aws

#endif  // COATTAIL_AWS_DYNAMODB_H_
