#include "coattail/aws/http_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "coattail/aws/crc32.h"
#include "coattail/aws/testing/clients.h"
#include "coattail/aws/testing/test_http_server.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace coattail::aws {
namespace {

using testing::CannedResponse;
using ::testing::HasSubstr;
using testing::TestHttpServer;

class HttpClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    options_.proxy = "";  // never route the loopback tests through a proxy from the environment
    options_.retry.seed = 1234;
    options_.retry.max_attempts = 3;
    options_.retry.base_delay = absl::Milliseconds(100);
    options_.retry.max_delay = absl::Seconds(1);
    options_.sleep = [this](absl::Duration d) { sleeps_.push_back(d); };
  }

  std::unique_ptr<AwsJsonClient> MakeClient(const std::string& url,
                                            const AwsService& service = kKinesis,
                                            std::string session_token = "") {
    absl::StatusOr<std::unique_ptr<AwsJsonClient>> client =
        testing::MakeClientFor(service, url, "us-west-2", options_,
                               {"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                                std::move(session_token), "test"});
    EXPECT_TRUE(client.ok()) << client.status();
    return client.ok() ? *std::move(client) : nullptr;
  }

  ClientOptions options_;
  std::vector<absl::Duration> sleeps_;
};

TEST_F(HttpClientTest, RetriesServerErrorThenThrottlingThenSucceeds) {
  TestHttpServer server({
      CannedResponse::Json(500, R"({"__type":"InternalFailure","message":"boom"})"),
      CannedResponse::Json(400, R"({"__type":"ThrottlingException","message":"Rate exceeded"})"),
      CannedResponse::Json(200, R"({"Shards":[]})"),
  });
  auto client = MakeClient(server.url());
  ASSERT_NE(client, nullptr);
  absl::StatusOr<std::string> body =
      client->Call("Kinesis_20131202.ListShards", R"({"StreamName":"s"})");
  ASSERT_TRUE(body.ok()) << body.status();
  EXPECT_EQ(*body, R"({"Shards":[]})");
  EXPECT_EQ(client->last_call().attempts, 3);
  EXPECT_EQ(client->last_call().http_status, 200);
  // Two waits, each under its full-jitter ceiling (100 ms, then 200 ms).
  ASSERT_EQ(sleeps_.size(), 2u);
  EXPECT_LT(sleeps_[0], absl::Milliseconds(100));
  EXPECT_LT(sleeps_[1], absl::Milliseconds(200));
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 3u);
  for (const auto& r : requests) {
    EXPECT_EQ(r.body, R"({"StreamName":"s"})");
    EXPECT_EQ(r.Header("X-Amz-Target"), "Kinesis_20131202.ListShards");
  }
}

TEST_F(HttpClientTest, NonRetryableErrorCarriesTypeMessageAndRequestId) {
  CannedResponse error = CannedResponse::Json(
      400, R"({"__type":"com.amazon.coral.validate#ValidationException",)"
           R"("message":"1 validation error detected: Value 'x!' at 'streamName'"})");
  error.headers.emplace_back("x-amzn-RequestId", "req-123");
  TestHttpServer server({error});
  auto client = MakeClient(server.url());
  absl::StatusOr<std::string> body = client->Call("Kinesis_20131202.ListShards", "{}");
  ASSERT_EQ(body.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(body.status().message(),
            "kinesis ListShards: HTTP 400 ValidationException: 1 validation error detected: "
            "Value 'x!' at 'streamName' (request id req-123)");
  EXPECT_EQ(AwsErrorType(body.status()), "ValidationException");
  EXPECT_EQ(client->last_call().attempts, 1);
  EXPECT_EQ(client->last_call().request_id, "req-123");
  EXPECT_TRUE(sleeps_.empty());
  EXPECT_EQ(server.requests().size(), 1u);
}

TEST_F(HttpClientTest, GivesUpAfterMaxAttempts) {
  TestHttpServer server([](const testing::RecordedRequest&) {
    return CannedResponse::Json(503, R"({"__type":"ServiceUnavailable","message":"later"})");
  });
  auto client = MakeClient(server.url());
  absl::StatusOr<std::string> body = client->Call("Kinesis_20131202.ListShards", "{}");
  ASSERT_EQ(body.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(body.status().message(), HasSubstr("HTTP 503 ServiceUnavailable: later"));
  EXPECT_THAT(body.status().message(), HasSubstr("gave up after 3 attempts"));
  EXPECT_EQ(AwsErrorType(body.status()), "ServiceUnavailable");
  EXPECT_EQ(server.requests().size(), 3u);
  EXPECT_EQ(sleeps_.size(), 2u);
}

TEST_F(HttpClientTest, ThrottlingThatNeverEndsIsResourceExhausted) {
  TestHttpServer server([](const testing::RecordedRequest&) {
    return CannedResponse::Json(
        400, R"({"__type":"ProvisionedThroughputExceededException","message":"slow down"})");
  });
  auto client = MakeClient(server.url(), kDynamoDb);
  absl::StatusOr<std::string> body = client->Call("DynamoDB_20120810.GetItem", "{}");
  EXPECT_EQ(body.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(client->last_call().attempts, 3);
}

TEST_F(HttpClientTest, Http429WithoutBodyIsRetried) {
  TestHttpServer server({CannedResponse::Json(429, ""), CannedResponse::Json(200, "{}")});
  auto client = MakeClient(server.url());
  absl::StatusOr<std::string> body = client->Call("Kinesis_20131202.ListShards", "{}");
  ASSERT_TRUE(body.ok()) << body.status();
  EXPECT_EQ(client->last_call().attempts, 2);
}

TEST_F(HttpClientTest, ErrorTypeFromHeaderWhenBodyIsNotJson) {
  CannedResponse error;
  error.status = 403;
  error.headers.emplace_back(
      "x-amzn-ErrorType",
      "UnrecognizedClientException:http://internal.amazon.com/coral/com.amazon.coral.service/");
  error.body = "<html>denied</html>";
  TestHttpServer server({error});
  auto client = MakeClient(server.url());
  absl::StatusOr<std::string> body = client->Call("Kinesis_20131202.ListShards", "{}");
  ASSERT_EQ(body.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(AwsErrorType(body.status()), "UnrecognizedClientException");
  EXPECT_THAT(body.status().message(), HasSubstr("<html>denied</html>"));
}

TEST_F(HttpClientTest, DroppedConnectionIsRetried) {
  CannedResponse drop;
  drop.drop_connection = true;
  TestHttpServer server({drop, CannedResponse::Json(200, R"({"ok":true})")});
  auto client = MakeClient(server.url());
  absl::StatusOr<std::string> body = client->Call("Kinesis_20131202.ListShards", "{}");
  ASSERT_TRUE(body.ok()) << body.status();
  EXPECT_EQ(client->last_call().attempts, 2);
  EXPECT_EQ(server.connections(), 2);
}

TEST_F(HttpClientTest, ConnectionRefusedIsRetriedThenUnavailable) {
  // A port that was just free: bind, read it back, close.
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
  socklen_t length = sizeof(address);
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length), 0);
  ::close(fd);
  const std::string url = absl::StrCat("http://127.0.0.1:", ntohs(address.sin_port), "/");
  auto client = MakeClient(url);
  absl::StatusOr<std::string> body = client->Call("Kinesis_20131202.ListShards", "{}");
  ASSERT_EQ(body.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(body.status().message(), HasSubstr(url));
  EXPECT_THAT(body.status().message(), HasSubstr("gave up after 3 attempts"));
  EXPECT_EQ(AwsErrorType(body.status()), "");
  EXPECT_EQ(client->last_call().attempts, 3);
  EXPECT_EQ(client->last_call().http_status, 0);
}

TEST_F(HttpClientTest, RequestTimeoutIsDeadlineExceeded) {
  CannedResponse slow = CannedResponse::Json(200, "{}");
  slow.delay = absl::Seconds(3);
  TestHttpServer server({slow});
  options_.request_timeout = absl::Milliseconds(300);
  options_.retry.max_attempts = 1;
  auto client = MakeClient(server.url());
  const absl::Time start = absl::Now();
  absl::StatusOr<std::string> body = client->Call("Kinesis_20131202.ListShards", "{}");
  const absl::Duration elapsed = absl::Now() - start;
  EXPECT_EQ(body.status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_LT(elapsed, absl::Seconds(2));
  EXPECT_GE(elapsed, absl::Milliseconds(250));
}

TEST_F(HttpClientTest, ReusesTheConnection) {
  TestHttpServer server({CannedResponse::Json(200, "{}"), CannedResponse::Json(200, "{}"),
                         CannedResponse::Json(200, "{}")});
  auto client = MakeClient(server.url());
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(client->Call("Kinesis_20131202.ListShards", "{}").ok());
  EXPECT_EQ(server.requests().size(), 3u);
  EXPECT_EQ(server.connections(), 1);
}

TEST_F(HttpClientTest, SendsTheProtocolHeadersAndSignsTheSessionToken) {
  TestHttpServer server({CannedResponse::Json(200, "{}"), CannedResponse::Json(200, "{}")});
  const std::string body = R"({"TableName":"t"})";
  {
    auto dynamodb = MakeClient(server.url(), kDynamoDb, "session/token+==");
    ASSERT_TRUE(dynamodb->Call("DynamoDB_20120810.DescribeTable", body).ok());
    auto kinesis = MakeClient(server.url(), kKinesis);
    ASSERT_TRUE(kinesis->Call("Kinesis_20131202.ListShards", body).ok());
  }
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 2u);
  const auto& d = requests[0];
  EXPECT_EQ(d.method, "POST");
  EXPECT_EQ(d.target, "/");
  EXPECT_EQ(d.body, body);
  EXPECT_EQ(d.Header("Content-Length"), std::to_string(body.size()));
  EXPECT_EQ(d.Header("Content-Type"), "application/x-amz-json-1.0");
  EXPECT_EQ(d.Header("X-Amz-Target"), "DynamoDB_20120810.DescribeTable");
  EXPECT_EQ(d.Header("X-Amz-Security-Token"), "session/token+==");
  EXPECT_THAT(d.Header("Authorization"),
              HasSubstr("/us-west-2/dynamodb/aws4_request, SignedHeaders=content-type;host;"
                        "x-amz-date;x-amz-security-token;x-amz-target, Signature="));
  EXPECT_EQ(d.HeaderValues("Expect").size(), 0u);
  EXPECT_EQ(d.HeaderValues("X-Amz-Date").size(), 1u);
  EXPECT_EQ(d.Header("User-Agent"), "coattail-aws/0.1");
  const auto& k = requests[1];
  EXPECT_EQ(k.Header("Content-Type"), "application/x-amz-json-1.1");
  EXPECT_EQ(k.HeaderValues("X-Amz-Security-Token").size(), 0u);
  EXPECT_THAT(k.Header("Authorization"),
              HasSubstr("/us-west-2/kinesis/aws4_request, SignedHeaders=content-type;host;"
                        "x-amz-date;x-amz-target, Signature="));
}

TEST_F(HttpClientTest, Crc32MismatchIsRetriedAndMatchIsAccepted) {
  const std::string good = R"({"Table":{"TableName":"t"}})";
  CannedResponse corrupted = CannedResponse::Json(200, R"({"Table":{"TableName":"u"}})");
  corrupted.headers.emplace_back("x-amz-crc32", std::to_string(Crc32(good)));
  CannedResponse intact = CannedResponse::Json(200, good);
  intact.headers.emplace_back("x-amz-crc32", std::to_string(Crc32(good)));
  TestHttpServer server({corrupted, intact});
  auto client = MakeClient(server.url(), kDynamoDb);
  absl::StatusOr<std::string> body = client->Call("DynamoDB_20120810.DescribeTable", "{}");
  ASSERT_TRUE(body.ok()) << body.status();
  EXPECT_EQ(*body, good);
  EXPECT_EQ(client->last_call().attempts, 2);
}

TEST_F(HttpClientTest, OversizedResponseIsRefused) {
  TestHttpServer server({CannedResponse::Json(200, std::string(4096, ' ') + "{}")});
  options_.max_response_bytes = 1024;
  auto client = MakeClient(server.url());
  absl::StatusOr<std::string> body = client->Call("Kinesis_20131202.GetRecords", "{}");
  EXPECT_EQ(body.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(body.status().message(), HasSubstr("larger than 1024 bytes"));
  EXPECT_EQ(client->last_call().attempts, 1);
}

TEST_F(HttpClientTest, RejectsBadTargetsWithoutSending) {
  TestHttpServer server({CannedResponse::Json(200, "{}")});
  auto client = MakeClient(server.url());
  EXPECT_EQ(client->Call("Kinesis.Put\r\nX-Evil: 1", "{}").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(client->Call("", "{}").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(server.requests().empty());
}

TEST(AwsJsonClientCreateTest, ValidatesItsConfiguration) {
  ClientConfig config;
  config.service = kKinesis;
  config.region = "us-west-2";
  config.endpoint_url = "https://kinesis.us-west-2.amazonaws.com";
  config.credentials = {"AKID", "secret", "", ""};
  EXPECT_TRUE(AwsJsonClient::Create(config).ok());
  ClientConfig bad_url = config;
  bad_url.endpoint_url = "kinesis.us-west-2.amazonaws.com";
  EXPECT_EQ(AwsJsonClient::Create(bad_url).status().code(), absl::StatusCode::kInvalidArgument);
  ClientConfig no_secret = config;
  no_secret.credentials.secret_access_key.clear();
  EXPECT_EQ(AwsJsonClient::Create(no_secret).status().code(), absl::StatusCode::kInvalidArgument);
  ClientConfig injected = config;
  injected.credentials.session_token = "tok\r\nX-Evil: 1";
  EXPECT_EQ(AwsJsonClient::Create(injected).status().code(), absl::StatusCode::kInvalidArgument);
  ClientOptions zero_attempts;
  zero_attempts.retry.max_attempts = 0;
  EXPECT_EQ(AwsJsonClient::Create(config, zero_attempts).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(AwsJsonClientCreateTest, FromEnvResolvesEverything) {
  const Env env = Env::FromMap({{"AWS_ACCESS_KEY_ID", "AKID"},
                                {"AWS_SECRET_ACCESS_KEY", "secret"},
                                {"AWS_REGION", "eu-central-1"},
                                {"AWS_ENDPOINT_URL_KINESIS", "http://127.0.0.1:4567"}});
  absl::StatusOr<std::unique_ptr<AwsJsonClient>> client = AwsJsonClient::FromEnv(kKinesis, env);
  ASSERT_TRUE(client.ok()) << client.status();
  EXPECT_EQ((*client)->config().region, "eu-central-1");
  EXPECT_EQ((*client)->config().endpoint_url, "http://127.0.0.1:4567/");
  EXPECT_EQ((*client)->config().credentials.source, "environment");
}

}  // namespace
}  // namespace coattail::aws
