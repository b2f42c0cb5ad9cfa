#include "coattail/aws/testing/clients.h"

#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "coattail/io/json_writer.h"

namespace coattail::aws::testing {
namespace {

// A typed client (KinesisClient, DynamoDbClient) over MakeClientFor's client of `service`.
template <typename Typed>
absl::StatusOr<Typed> MakeTyped(const AwsService& service, const std::string& endpoint_url,
                                const std::string& region, ClientOptions options) {
  absl::StatusOr<std::unique_ptr<AwsJsonClient>> client =
      MakeClientFor(service, endpoint_url, region, std::move(options));
  if (!client.ok()) return client.status();
  return Typed(*std::move(client));
}

}  // namespace

Credentials TestCredentials(std::string session_token) {
  return {kTestAccessKeyId, kTestSecretAccessKey, std::move(session_token), "test"};
}

absl::StatusOr<std::unique_ptr<AwsJsonClient>> MakeClientFor(const AwsService& service,
                                                             const std::string& endpoint_url,
                                                             const std::string& region,
                                                             ClientOptions options,
                                                             Credentials credentials) {
  ClientConfig config;
  config.service = service;
  config.region = region;
  config.endpoint_url = endpoint_url;
  config.credentials = std::move(credentials);
  return AwsJsonClient::Create(std::move(config), std::move(options));
}

absl::StatusOr<KinesisClient> MakeKinesisFor(const std::string& endpoint_url,
                                             const std::string& region, ClientOptions options) {
  return MakeTyped<KinesisClient>(kKinesis, endpoint_url, region, std::move(options));
}

absl::StatusOr<DynamoDbClient> MakeDynamoDbFor(const std::string& endpoint_url,
                                               const std::string& region, ClientOptions options) {
  return MakeTyped<DynamoDbClient>(kDynamoDb, endpoint_url, region, std::move(options));
}

absl::Status CreateStringKeyedTable(DynamoDbClient& client, std::string_view table,
                                    std::string_view hash_key, std::string_view range_key) {
  std::string body = "{\"TableName\":";
  io::AppendJsonString(body, table);
  body.append(",\"BillingMode\":\"PAY_PER_REQUEST\",\"AttributeDefinitions\":[{\"AttributeName\":");
  io::AppendJsonString(body, hash_key);
  body.append(",\"AttributeType\":\"S\"},{\"AttributeName\":");
  io::AppendJsonString(body, range_key);
  body.append(",\"AttributeType\":\"S\"}],\"KeySchema\":[{\"AttributeName\":");
  io::AppendJsonString(body, hash_key);
  body.append(",\"KeyType\":\"HASH\"},{\"AttributeName\":");
  io::AppendJsonString(body, range_key);
  body.append(",\"KeyType\":\"RANGE\"}]}");
  return client.client().Call("DynamoDB_20120810.CreateTable", body).status();
}

}  // namespace coattail::aws::testing
