#include "coattail/aws/dynamodb.h"

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "coattail/aws/testing/clients.h"
#include "coattail/aws/testing/test_http_server.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace coattail::aws {
namespace {

using testing::CannedResponse;
using ::testing::HasSubstr;
using testing::RecordedRequest;
using testing::TestHttpServer;

class DynamoDbTest : public ::testing::Test {
 protected:
  DynamoDbClient MakeClient(const TestHttpServer& server) {
    ClientOptions options;
    options.proxy = "";
    options.retry.seed = 5;
    options.retry.max_attempts = 2;
    options.sleep = [this](absl::Duration d) { sleeps_.push_back(d); };
    absl::StatusOr<DynamoDbClient> client =
        testing::MakeDynamoDbFor(server.url(), "us-east-1", std::move(options));
    EXPECT_TRUE(client.ok()) << client.status();
    return *std::move(client);
  }

  std::vector<absl::Duration> sleeps_;
};

nlohmann::json BodyOf(const RecordedRequest& request) {
  return nlohmann::json::parse(request.body);
}

std::string Json(const AttributeValue& value) {
  std::string out;
  AppendAttributeValueJson(out, value);
  return out;
}

TEST(AttributeValueTest, SerializesEveryType) {
  EXPECT_EQ(Json(AttributeValue::S("a \"b\"\n")), R"({"S":"a \"b\"\n"})");
  EXPECT_EQ(Json(AttributeValue::N(int64_t{-42})), R"({"N":"-42"})");
  EXPECT_EQ(Json(AttributeValue::N(617.25)), R"({"N":"617.25"})");
  EXPECT_EQ(Json(AttributeValue::N(0.1)), R"({"N":"0.1"})");
  EXPECT_EQ(Json(AttributeValue::NumberText("12345678901234567890.5")),
            R"({"N":"12345678901234567890.5"})");
  EXPECT_EQ(Json(AttributeValue::B(std::string("\x00\xff", 2))), R"({"B":"AP8="})");
  EXPECT_EQ(Json(AttributeValue::Bool(true)), R"({"BOOL":true})");
  EXPECT_EQ(Json(AttributeValue::Null()), R"({"NULL":true})");
  EXPECT_EQ(Json(AttributeValue::L({AttributeValue::S("x"), AttributeValue::N(int64_t{1})})),
            R"({"L":[{"S":"x"},{"N":"1"}]})");
  EXPECT_EQ(Json(AttributeValue::M({{"k\"", AttributeValue::Bool(false)}})),
            R"({"M":{"k\"":{"BOOL":false}}})");
  EXPECT_EQ(Json(AttributeValue::SS({"a", "b"})), R"({"SS":["a","b"]})");
  EXPECT_EQ(Json(AttributeValue::NS({"1", "2.5"})), R"({"NS":["1","2.5"]})");
  EXPECT_EQ(Json(AttributeValue::BS({"hi"})), R"({"BS":["aGk="]})");
  std::string item;
  AppendItemJson(item,
                 Item{{"wallet", AttributeValue::S("0xaa")}, {"alpha", AttributeValue::N(0.5)}});
  EXPECT_EQ(item, R"({"alpha":{"N":"0.5"},"wallet":{"S":"0xaa"}})");
}

TEST(AttributeValueTest, NumberAccessors) {
  EXPECT_EQ(AttributeValue::NumberText("-17").AsInt64(), -17);
  EXPECT_EQ(AttributeValue::NumberText("1.5").AsInt64(), std::nullopt);
  EXPECT_EQ(AttributeValue::NumberText("99999999999999999999").AsInt64(), std::nullopt);
  EXPECT_EQ(AttributeValue::NumberText("617.25").AsDouble(), 617.25);
  EXPECT_EQ(AttributeValue::NumberText("1E+3").AsDouble(), 1000.0);
  EXPECT_EQ(AttributeValue::S("1").AsInt64(), std::nullopt);
}

TEST_F(DynamoDbTest, BatchWriteItemRequestAndUnprocessedItems) {
  TestHttpServer server({CannedResponse::Json(200, R"({"UnprocessedItems":{"alerts":[
      {"PutRequest":{"Item":{"id":{"S":"a2"},"score":{"N":"1.25"},"raw":{"B":"AP8="},
        "tags":{"SS":["x","y"]},"nested":{"M":{"l":{"L":[{"NULL":true},{"BOOL":true}]}}}}}}]}})")});
  DynamoDbClient dynamodb = MakeClient(server);
  const std::vector<Item> items = {
      {{"id", AttributeValue::S("a1")}, {"score", AttributeValue::N(2.5)}},
      {{"id", AttributeValue::S("a2")}, {"score", AttributeValue::NumberText("1.25")}},
  };
  absl::StatusOr<std::vector<Item>> unprocessed = dynamodb.BatchWriteItem("alerts", items);
  ASSERT_TRUE(unprocessed.ok()) << unprocessed.status();
  ASSERT_EQ(unprocessed->size(), 1u);
  const Item& item = (*unprocessed)[0];
  EXPECT_EQ(item.at("id"), AttributeValue::S("a2"));
  EXPECT_EQ(item.at("score"), AttributeValue::NumberText("1.25"));
  EXPECT_EQ(item.at("raw"), AttributeValue::B(std::string("\x00\xff", 2)));
  EXPECT_EQ(item.at("tags"), AttributeValue::SS({"x", "y"}));
  EXPECT_EQ(item.at("nested"),
            AttributeValue::M(
                {{"l", AttributeValue::L({AttributeValue::Null(), AttributeValue::Bool(true)})}}));

  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].Header("X-Amz-Target"), "DynamoDB_20120810.BatchWriteItem");
  EXPECT_EQ(requests[0].Header("Content-Type"), "application/x-amz-json-1.0");
  EXPECT_EQ(BodyOf(requests[0]), nlohmann::json::parse(R"({"RequestItems":{"alerts":[
      {"PutRequest":{"Item":{"id":{"S":"a1"},"score":{"N":"2.5"}}}},
      {"PutRequest":{"Item":{"id":{"S":"a2"},"score":{"N":"1.25"}}}}]}})"));
}

TEST_F(DynamoDbTest, BatchWriteItemLimits) {
  TestHttpServer server({CannedResponse::Json(200, R"({"UnprocessedItems":{}})")});
  DynamoDbClient dynamodb = MakeClient(server);
  std::vector<Item> many(26, Item{{"id", AttributeValue::S("x")}});
  EXPECT_EQ(dynamodb.BatchWriteItem("t", many).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(dynamodb.BatchWriteItem("t", {}).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(server.requests().empty());
  many.pop_back();
  absl::StatusOr<std::vector<Item>> unprocessed = dynamodb.BatchWriteItem("t", many);
  ASSERT_TRUE(unprocessed.ok()) << unprocessed.status();
  EXPECT_TRUE(unprocessed->empty());
}

TEST_F(DynamoDbTest, BatchGetItemRequestItemsAndUnprocessedKeys) {
  TestHttpServer server({CannedResponse::Json(200, R"({"Responses":{"scores":[
      {"wallet":{"S":"0xa"},"horizon_ms":{"N":"3600000"},"smart_money":{"BOOL":true}}]},
      "UnprocessedKeys":{"scores":{"Keys":[{"wallet":{"S":"0xb"},"horizon_ms":{"N":"3600000"}}]}}})")});
  DynamoDbClient dynamodb = MakeClient(server);
  const std::vector<Item> keys = {
      {{"wallet", AttributeValue::S("0xa")}, {"horizon_ms", AttributeValue::N(int64_t{3600000})}},
      {{"wallet", AttributeValue::S("0xb")}, {"horizon_ms", AttributeValue::N(int64_t{3600000})}},
      {{"wallet", AttributeValue::S("0xc")}, {"horizon_ms", AttributeValue::N(int64_t{3600000})}},
  };
  absl::StatusOr<BatchGetResult> result = dynamodb.BatchGetItem("scores", keys);
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_EQ(result->items.size(), 1u);
  EXPECT_EQ(result->items[0].at("smart_money"), AttributeValue::Bool(true));
  ASSERT_EQ(result->unprocessed_keys.size(), 1u);
  EXPECT_EQ(result->unprocessed_keys[0], keys[1]);

  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].Header("X-Amz-Target"), "DynamoDB_20120810.BatchGetItem");
  EXPECT_EQ(BodyOf(requests[0]), nlohmann::json::parse(R"({"RequestItems":{"scores":{"Keys":[
      {"horizon_ms":{"N":"3600000"},"wallet":{"S":"0xa"}},
      {"horizon_ms":{"N":"3600000"},"wallet":{"S":"0xb"}},
      {"horizon_ms":{"N":"3600000"},"wallet":{"S":"0xc"}}]}}})"));
}

TEST_F(DynamoDbTest, BatchGetItemLimitsAndAnswersForAnotherTable) {
  TestHttpServer server({CannedResponse::Json(200, R"({"Responses":{"other":[]}})")});
  DynamoDbClient dynamodb = MakeClient(server);
  std::vector<Item> many(101, Item{{"id", AttributeValue::S("x")}});
  EXPECT_EQ(dynamodb.BatchGetItem("t", many).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(dynamodb.BatchGetItem("t", {}).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(server.requests().empty());
  absl::StatusOr<BatchGetResult> wrong = dynamodb.BatchGetItem("t", {many[0]});
  EXPECT_FALSE(wrong.ok());
  EXPECT_THAT(std::string(wrong.status().message()), HasSubstr("another table"));
}

TEST_F(DynamoDbTest, BatchGetAllChunksAndAsksAgainForUnprocessedKeys) {
  // 150 keys -> calls of 100 and 50; the first call leaves one key unprocessed once.
  std::vector<Item> keys;
  for (int i = 0; i < 150; ++i) keys.push_back({{"id", AttributeValue::S(absl::StrCat("k", i))}});
  TestHttpServer server({
      CannedResponse::Json(200, R"({"Responses":{"t":[{"id":{"S":"k0"}}]},
          "UnprocessedKeys":{"t":{"Keys":[{"id":{"S":"k1"}}]}}})"),
      CannedResponse::Json(200, R"({"Responses":{"t":[{"id":{"S":"k1"}}]}})"),
      CannedResponse::Json(200, R"({"Responses":{"t":[{"id":{"S":"k149"}}]}})"),
  });
  DynamoDbClient dynamodb = MakeClient(server);
  absl::StatusOr<std::vector<Item>> items = dynamodb.BatchGetAll("t", keys);
  ASSERT_TRUE(items.ok()) << items.status();
  ASSERT_EQ(items->size(), 3u);
  EXPECT_EQ((*items)[1].at("id"), AttributeValue::S("k1"));
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(BodyOf(requests[0])["RequestItems"]["t"]["Keys"].size(), 100u);
  EXPECT_EQ(BodyOf(requests[1])["RequestItems"]["t"]["Keys"].size(), 1u);
  EXPECT_EQ(BodyOf(requests[2])["RequestItems"]["t"]["Keys"].size(), 50u);
  EXPECT_EQ(sleeps_.size(), 1u) << "one backoff before asking again";
}

TEST_F(DynamoDbTest, ConditionalWritesAnswerFalseOnlyForAFailedCondition) {
  TestHttpServer server({
      CannedResponse::Json(200, "{}"),
      CannedResponse::Json(
          400,
          R"json({"__type":"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException","message":"The conditional request failed"})json"),
      CannedResponse::Json(
          400,
          R"json({"__type":"com.amazonaws.dynamodb.v20120810#ValidationException","message":"bad expression"})json"),
  });
  DynamoDbClient dynamodb = MakeClient(server);
  const Item key = {{"id", AttributeValue::S("a")}};
  absl::StatusOr<bool> put = dynamodb.PutItemIf("t", key, "attribute_not_exists(id)");
  ASSERT_TRUE(put.ok()) << put.status();
  EXPECT_TRUE(*put);
  absl::StatusOr<bool> update = dynamodb.UpdateItemIf(
      "t", key, "SET r = :t", "attribute_exists(id)", {{":t", AttributeValue::Bool(true)}});
  ASSERT_TRUE(update.ok()) << update.status();
  EXPECT_FALSE(*update);
  absl::StatusOr<bool> bad = dynamodb.PutItemIf("t", key, "attribute_not_exists(");
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(dynamodb.PutItemIf("t", key, "").status().code(), absl::StatusCode::kInvalidArgument);

  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[0].Header("X-Amz-Target"), "DynamoDB_20120810.PutItem");
  EXPECT_EQ(BodyOf(requests[0]), nlohmann::json::parse(R"json({"TableName":"t",
      "Item":{"id":{"S":"a"}},"ConditionExpression":"attribute_not_exists(id)"})json"));
  EXPECT_EQ(requests[1].Header("X-Amz-Target"), "DynamoDB_20120810.UpdateItem");
  EXPECT_EQ(BodyOf(requests[1]), nlohmann::json::parse(R"json({"TableName":"t",
      "Key":{"id":{"S":"a"}},"UpdateExpression":"SET r = :t",
      "ConditionExpression":"attribute_exists(id)",
      "ExpressionAttributeValues":{":t":{"BOOL":true}}})json"));
}

TEST_F(DynamoDbTest, BatchPutAllChunksAndResendsUnprocessed) {
  // 30 items -> calls of 25 and 5; the first call leaves two items unprocessed once.
  int call = 0;
  TestHttpServer server([&call](const RecordedRequest& request) {
    ++call;
    if (call == 1) {
      const nlohmann::json body = nlohmann::json::parse(request.body);
      nlohmann::json left = {body["RequestItems"]["t"][3], body["RequestItems"]["t"][7]};
      return CannedResponse::Json(200, nlohmann::json{{"UnprocessedItems", {{"t", left}}}}.dump());
    }
    return CannedResponse::Json(200, R"({"UnprocessedItems":{}})");
  });
  DynamoDbClient dynamodb = MakeClient(server);
  std::vector<Item> items;
  for (int i = 0; i < 30; ++i) items.push_back({{"id", AttributeValue::N(int64_t{i})}});
  ASSERT_TRUE(dynamodb.BatchPutAll("t", items).ok());
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(BodyOf(requests[0])["RequestItems"]["t"].size(), 25u);
  const nlohmann::json resent = BodyOf(requests[1])["RequestItems"]["t"];
  ASSERT_EQ(resent.size(), 2u);
  EXPECT_EQ(resent[0]["PutRequest"]["Item"]["id"]["N"], "3");
  EXPECT_EQ(resent[1]["PutRequest"]["Item"]["id"]["N"], "7");
  EXPECT_EQ(BodyOf(requests[2])["RequestItems"]["t"].size(), 5u);
  EXPECT_EQ(sleeps_.size(), 1u);
}

TEST_F(DynamoDbTest, BatchPutAllGivesUp) {
  TestHttpServer server([](const RecordedRequest& request) {
    const nlohmann::json body = nlohmann::json::parse(request.body);
    return CannedResponse::Json(
        200, nlohmann::json{{"UnprocessedItems", {{"t", body["RequestItems"]["t"]}}}}.dump());
  });
  DynamoDbClient dynamodb = MakeClient(server);
  std::vector<Item> items = {{{"id", AttributeValue::S("x")}}};
  absl::Status status = dynamodb.BatchPutAll("t", items, /*max_resend_rounds=*/3);
  EXPECT_EQ(status.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(server.requests().size(), 4u);
}

TEST_F(DynamoDbTest, GetItemFoundAndNotFound) {
  TestHttpServer server({
      CannedResponse::Json(200, R"({"Item":{"wallet":{"S":"0xaa"},"alpha":{"N":"0.031"}}})"),
      CannedResponse::Json(200, "{}"),
  });
  DynamoDbClient dynamodb = MakeClient(server);
  const Item key = {{"wallet", AttributeValue::S("0xaa")}};
  absl::StatusOr<std::optional<Item>> found = dynamodb.GetItem("scores", key, true);
  ASSERT_TRUE(found.ok()) << found.status();
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((**found).at("alpha").AsDouble(), 0.031);
  absl::StatusOr<std::optional<Item>> missing = dynamodb.GetItem("scores", key);
  ASSERT_TRUE(missing.ok()) << missing.status();
  EXPECT_FALSE(missing->has_value());
  const auto requests = server.requests();
  EXPECT_EQ(BodyOf(requests[0]), nlohmann::json::parse(R"({"TableName":"scores",
      "Key":{"wallet":{"S":"0xaa"}},"ConsistentRead":true})"));
  EXPECT_FALSE(BodyOf(requests[1]).contains("ConsistentRead"));
}

TEST_F(DynamoDbTest, QueryRequestAndPagination) {
  TestHttpServer server({CannedResponse::Json(200, R"({"Count":2,"ScannedCount":3,"Items":[
      {"wallet":{"S":"0xaa"},"ts":{"N":"1"}},{"wallet":{"S":"0xaa"},"ts":{"N":"2"}}],
      "LastEvaluatedKey":{"wallet":{"S":"0xaa"},"ts":{"N":"2"}}})")});
  DynamoDbClient dynamodb = MakeClient(server);
  QueryRequest request;
  request.table = "alerts";
  request.index_name = "by-wallet";
  request.key_condition_expression = "wallet = :w AND #ts > :t";
  request.filter_expression = "size(note) > :z";
  request.projection_expression = "wallet, #ts";
  request.expression_attribute_names = {{"#ts", "ts"}};
  request.expression_attribute_values = {{":w", AttributeValue::S("0xaa")},
                                         {":t", AttributeValue::N(int64_t{0})},
                                         {":z", AttributeValue::N(int64_t{0})}};
  request.limit = 2;
  request.scan_index_forward = false;
  request.exclusive_start_key =
      Item{{"wallet", AttributeValue::S("0xaa")}, {"ts", AttributeValue::N(int64_t{9})}};
  absl::StatusOr<QueryResult> result = dynamodb.Query(request);
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_EQ(result->items.size(), 2u);
  EXPECT_EQ(result->items[1].at("ts").AsInt64(), 2);
  EXPECT_EQ(result->count, 2);
  EXPECT_EQ(result->scanned_count, 3);
  ASSERT_TRUE(result->last_evaluated_key.has_value());
  EXPECT_EQ(result->last_evaluated_key->at("ts"), AttributeValue::NumberText("2"));
  EXPECT_EQ(BodyOf(server.requests()[0]), nlohmann::json::parse(R"({
      "TableName":"alerts","IndexName":"by-wallet",
      "KeyConditionExpression":"wallet = :w AND #ts > :t",
      "FilterExpression":"size(note) > :z","ProjectionExpression":"wallet, #ts",
      "ExpressionAttributeNames":{"#ts":"ts"},
      "ExpressionAttributeValues":{":t":{"N":"0"},":w":{"S":"0xaa"},":z":{"N":"0"}},
      "Limit":2,"ScanIndexForward":false,
      "ExclusiveStartKey":{"ts":{"N":"9"},"wallet":{"S":"0xaa"}}})"));
}

TEST_F(DynamoDbTest, DescribeTableParsesAndReportsMissingTables) {
  TestHttpServer server({
      CannedResponse::Json(200, R"({"Table":{"TableName":"alerts","TableStatus":"ACTIVE",
        "TableArn":"arn:aws:dynamodb:us-east-1:123456789012:table/alerts","ItemCount":12,
        "TableSizeBytes":3456,"BillingModeSummary":{"BillingMode":"PAY_PER_REQUEST"},
        "KeySchema":[{"AttributeName":"wallet","KeyType":"HASH"},{"AttributeName":"ts","KeyType":"RANGE"}],
        "AttributeDefinitions":[{"AttributeName":"wallet","AttributeType":"S"},
                                {"AttributeName":"ts","AttributeType":"N"}]}})"),
      CannedResponse::Json(
          400, R"({"__type":"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException",)"
               R"("message":"Requested resource not found: Table: nope not found"})"),
  });
  DynamoDbClient dynamodb = MakeClient(server);
  absl::StatusOr<TableDescription> table = dynamodb.DescribeTable("alerts");
  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_EQ(table->table_status, "ACTIVE");
  EXPECT_EQ(table->billing_mode, "PAY_PER_REQUEST");
  EXPECT_EQ(table->item_count, 12);
  EXPECT_EQ(table->table_size_bytes, 3456);
  ASSERT_EQ(table->key_schema.size(), 2u);
  EXPECT_EQ(table->key_schema[1].attribute_name, "ts");
  EXPECT_EQ(table->key_schema[1].key_type, "RANGE");
  ASSERT_EQ(table->attribute_definitions.size(), 2u);
  EXPECT_EQ(table->attribute_definitions[1].attribute_type, "N");
  absl::StatusOr<TableDescription> missing = dynamodb.DescribeTable("nope");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(AwsErrorType(missing.status()), "ResourceNotFoundException");
  EXPECT_THAT(missing.status().message(), HasSubstr("Table: nope not found"));
}

TEST_F(DynamoDbTest, MalformedItemsAreErrors) {
  TestHttpServer server({
      CannedResponse::Json(200, R"({"Item":{"a":{"S":"x","N":"1"}}})"),
      CannedResponse::Json(200, R"({"Item":{"a":{"X":"1"}}})"),
      CannedResponse::Json(200, R"({"Item":{"a":{"B":"***"}}})"),
  });
  DynamoDbClient dynamodb = MakeClient(server);
  const Item key = {{"a", AttributeValue::S("x")}};
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(dynamodb.GetItem("t", key).status().code(), absl::StatusCode::kInternal) << i;
  }
}

}  // namespace
}  // namespace coattail::aws
