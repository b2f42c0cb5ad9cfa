#include "coattail/speed/dynamodb_score_lookup.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "coattail/aws/testing/clients.h"
#include "coattail/aws/testing/test_http_server.h"
#include "coattail/stream/dynamodb_sink.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace coattail::speed {
namespace {

using ::coattail::aws::testing::CannedResponse;
using ::coattail::aws::testing::TestHttpServer;
using ::testing::HasSubstr;

engine::WalletScoreRow Row(std::string wallet, bool smart) {
  engine::WalletScoreRow r;
  r.wallet = std::move(wallet);
  r.horizon_ms = 3'600'000;
  r.tier = "whale";
  r.smart_money = smart;
  r.eligible = true;
  r.shrunk_alpha = 0.0125;
  r.t_stat = 4.25;
  r.q_value = 0.0078125;
  r.effective_n = 64.5;
  r.hit_rate = 0.71875;
  r.hit_rate_lower = 0.5859375;
  return r;
}

// A BatchGetItem answer holding these rows as the score writer stores them.
CannedResponse Answer(const std::vector<engine::WalletScoreRow>& rows) {
  std::string body = R"({"Responses":{"scores":[)";
  for (size_t i = 0; i < rows.size(); ++i) {
    if (i > 0) body.push_back(',');
    aws::AppendItemJson(body, stream::ScoreItem(rows[i]));
  }
  body.append("]}}");
  return CannedResponse::Json(200, body);
}

aws::DynamoDbClient ClientFor(const TestHttpServer& server) {
  aws::ClientOptions options;
  options.proxy = "";
  absl::StatusOr<aws::DynamoDbClient> client =
      aws::testing::MakeDynamoDbFor(server.url(), "us-west-2", std::move(options));
  EXPECT_TRUE(client.ok()) << client.status();
  return *std::move(client);
}

TEST(DynamoDbScoreLookupTest, ReadsTheStandingsTheScoreWriterStored) {
  TestHttpServer server({Answer({Row("0xaa", true), Row("0xbb", false)})});
  aws::DynamoDbClient client = ClientFor(server);
  DynamoDbScoreLookup lookup(&client, "scores");
  absl::StatusOr<Standings> found = lookup.Find({"0xaa", "0xbb", "0xcc"}, 3'600'000);
  ASSERT_TRUE(found.ok()) << found.status();
  ASSERT_EQ(found->size(), 2u) << "0xcc has no score";
  const Standing& a = found->at("0xaa");
  EXPECT_TRUE(a.smart_money);
  EXPECT_EQ(a.shrunk_alpha, 0.0125);
  EXPECT_EQ(a.t_stat, 4.25);
  EXPECT_EQ(a.q_value, 0.0078125);
  EXPECT_EQ(a.effective_n, 64.5);
  EXPECT_EQ(a.hit_rate, 0.71875);
  EXPECT_EQ(a.hit_rate_lower, 0.5859375);
  EXPECT_FALSE(found->at("0xbb").smart_money);
  const std::string body = server.requests().at(0).body;
  EXPECT_THAT(body, HasSubstr(R"({"horizon_ms":{"N":"3600000"},"wallet":{"S":"0xcc"}})"));
}

TEST(DynamoDbScoreLookupTest, CachesFoundAndMissingWalletsForTheTtl) {
  TestHttpServer server({Answer({Row("0xaa", true)}), Answer({Row("0xaa", false)})});
  aws::DynamoDbClient client = ClientFor(server);
  absl::Time now = absl::FromUnixSeconds(1'767'225'600);
  DynamoDbScoreLookup lookup(&client, "scores", absl::Seconds(60), [&now] { return now; });
  ASSERT_TRUE(lookup.Find({"0xaa", "0xcc"}, 3'600'000).ok());
  now += absl::Seconds(59);
  absl::StatusOr<Standings> cached = lookup.Find({"0xaa", "0xcc"}, 3'600'000);
  ASSERT_TRUE(cached.ok());
  EXPECT_TRUE(cached->at("0xaa").smart_money);
  EXPECT_EQ(cached->count("0xcc"), 0u);
  EXPECT_EQ(server.requests().size(), 1u) << "both wallets, found or not, came from the cache";
  EXPECT_EQ(lookup.cache_hits(), 2);
  now += absl::Seconds(1);
  absl::StatusOr<Standings> fresh = lookup.Find({"0xaa"}, 3'600'000);
  ASSERT_TRUE(fresh.ok());
  EXPECT_FALSE(fresh->at("0xaa").smart_money) << "read again once the TTL passed";
  EXPECT_EQ(server.requests().size(), 2u);
  EXPECT_EQ(lookup.keys_read(), 3);
}

TEST(DynamoDbScoreLookupTest, AnItemWithoutItsFlagIsAnErrorNamingTheWallet) {
  TestHttpServer server({CannedResponse::Json(
      200, R"({"Responses":{"scores":[{"wallet":{"S":"0xaa"},"horizon_ms":{"N":"1"}}]}})")});
  aws::DynamoDbClient client = ClientFor(server);
  DynamoDbScoreLookup lookup(&client, "scores");
  absl::StatusOr<Standings> found = lookup.Find({"0xaa"}, 1);
  EXPECT_EQ(found.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(found.status().message()), HasSubstr("0xaa"));
}

TEST(DynamoDbScoreLookupTest, AFailedReadIsTheLookupsFailure) {
  TestHttpServer server({CannedResponse::Json(
      400,
      R"({"__type":"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException","message":"no table"})")});
  aws::DynamoDbClient client = ClientFor(server);
  DynamoDbScoreLookup lookup(&client, "scores");
  EXPECT_FALSE(lookup.Find({"0xaa"}, 1).ok());
}

}  // namespace
}  // namespace coattail::speed
