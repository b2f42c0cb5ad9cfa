#include "coattail/aws/testing/clients.h"

#include <memory>
#include <string>
#include <utility>

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

}  // namespace coattail::aws::testing
