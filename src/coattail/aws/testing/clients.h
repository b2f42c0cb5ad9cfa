// Test support: the one way tests build AWS clients. A client of a service at an endpoint (a stub
// TestHttpServer or a MotoServer) in a region, signing with static test credentials, with the
// caller's options (retry seed, recorded sleeps, timeouts). Neither the stub servers nor moto
// check the credentials; MotoServer::ChildEnv gives a child process the same ones.
#ifndef COATTAIL_AWS_TESTING_CLIENTS_H_
#define COATTAIL_AWS_TESTING_CLIENTS_H_

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "coattail/aws/credentials.h"
#include "coattail/aws/dynamodb.h"
#include "coattail/aws/http_client.h"
#include "coattail/aws/kinesis.h"
#include "coattail/aws/service.h"

namespace coattail::aws::testing {

inline constexpr char kTestAccessKeyId[] = "testing";
inline constexpr char kTestSecretAccessKey[] = "testing";

// The static test credentials, with an optional session token.
Credentials TestCredentials(std::string session_token = "");

// A client of `service` at `endpoint_url` in `region`, signing with `credentials`.
absl::StatusOr<std::unique_ptr<AwsJsonClient>> MakeClientFor(
    const AwsService& service, const std::string& endpoint_url, const std::string& region,
    ClientOptions options = {}, Credentials credentials = TestCredentials());

// The typed clients, built the same way.
absl::StatusOr<KinesisClient> MakeKinesisFor(const std::string& endpoint_url,
                                             const std::string& region, ClientOptions options = {});
absl::StatusOr<DynamoDbClient> MakeDynamoDbFor(const std::string& endpoint_url,
                                               const std::string& region,
                                               ClientOptions options = {});

// Creates an on-demand table keyed by string attributes `hash_key` and `range_key`.
absl::Status CreateStringKeyedTable(DynamoDbClient& client, std::string_view table,
                                    std::string_view hash_key, std::string_view range_key);

}  // namespace coattail::aws::testing

#endif  // COATTAIL_AWS_TESTING_CLIENTS_H_
