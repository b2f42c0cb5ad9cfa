#include "coattail/aws/endpoint.h"

#include <string>

#include "absl/container/flat_hash_map.h"
#include "coattail/aws/env.h"
#include "coattail/aws/service.h"
#include "coattail/aws/shared_config.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace coattail::aws {
namespace {

using ::testing::HasSubstr;

SharedConfig ConfigWith(absl::flat_hash_map<std::string, std::string> profile_keys) {
  SharedConfig config;
  config.profile = "default";
  config.config_path = "/nonexistent/config";
  config.config_file_found = true;
  IniSection section;
  for (auto& [k, v] : profile_keys) section[k] = v;
  config.config_section = std::move(section);
  return config;
}

TEST(RegionTest, Precedence) {
  const SharedConfig config = ConfigWith({{"region", "eu-west-1"}});
  EXPECT_EQ(
      *ResolveRegion(
          Env::FromMap({{"AWS_REGION", "us-west-2"}, {"AWS_DEFAULT_REGION", "us-east-1"}}), config),
      "us-west-2");
  EXPECT_EQ(*ResolveRegion(Env::FromMap({{"AWS_DEFAULT_REGION", "us-east-1"}}), config),
            "us-east-1");
  EXPECT_EQ(*ResolveRegion(Env::FromMap({}), config), "eu-west-1");
}

TEST(RegionTest, MissingRegionSaysWhereItLooked) {
  absl::StatusOr<std::string> region = ResolveRegion(Env::FromMap({}), ConfigWith({}));
  ASSERT_EQ(region.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(region.status().message(), HasSubstr("AWS_REGION"));
  EXPECT_THAT(region.status().message(), HasSubstr("/nonexistent/config"));
}

TEST(RegionTest, RejectsNamesThatWouldBreakTheHostOrTheSigningScope) {
  for (const char* bad : {"US-WEST-2", "us west 2", "us-west-2:", "-us", "us-", "eu/1"}) {
    absl::StatusOr<std::string> region =
        ResolveRegion(Env::FromMap({{"AWS_REGION", bad}}), ConfigWith({}));
    EXPECT_EQ(region.status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_TRUE(ValidateRegion("ap-southeast-2").ok());
}

TEST(EndpointTest, DefaultHostNames) {
  absl::StatusOr<Endpoint> kinesis =
      ResolveEndpoint(Env::FromMap({}), ConfigWith({}), kKinesis, "us-west-2");
  ASSERT_TRUE(kinesis.ok()) << kinesis.status();
  EXPECT_EQ(kinesis->url, "https://kinesis.us-west-2.amazonaws.com/");
  EXPECT_EQ(kinesis->source, "default");
  absl::StatusOr<Endpoint> china =
      ResolveEndpoint(Env::FromMap({}), ConfigWith({}), kDynamoDb, "cn-north-1");
  ASSERT_TRUE(china.ok());
  EXPECT_EQ(china->url, "https://dynamodb.cn-north-1.amazonaws.com.cn/");
}

TEST(EndpointTest, ServiceOverrideThenGlobalThenProfile) {
  const Env env = Env::FromMap({{"AWS_ENDPOINT_URL", "http://localhost:5000"},
                                {"AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:8000"}});
  const SharedConfig config = ConfigWith({{"endpoint_url", "https://proxy.example:8443"}});
  absl::StatusOr<Endpoint> dynamodb = ResolveEndpoint(env, config, kDynamoDb, "us-east-1");
  ASSERT_TRUE(dynamodb.ok()) << dynamodb.status();
  EXPECT_EQ(dynamodb->url, "http://127.0.0.1:8000/");
  EXPECT_EQ(dynamodb->source, "AWS_ENDPOINT_URL_DYNAMODB");
  absl::StatusOr<Endpoint> kinesis = ResolveEndpoint(env, config, kKinesis, "us-east-1");
  ASSERT_TRUE(kinesis.ok());
  EXPECT_EQ(kinesis->url, "http://localhost:5000/");
  EXPECT_EQ(kinesis->source, "AWS_ENDPOINT_URL");
  absl::StatusOr<Endpoint> from_profile =
      ResolveEndpoint(Env::FromMap({}), config, kKinesis, "us-east-1");
  ASSERT_TRUE(from_profile.ok());
  EXPECT_EQ(from_profile->url, "https://proxy.example:8443/");
  EXPECT_EQ(from_profile->source, "profile");
}

TEST(EndpointTest, IgnoreConfiguredEndpointUrls) {
  const Env env = Env::FromMap({{"AWS_ENDPOINT_URL", "http://localhost:5000"},
                                {"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "TRUE"}});
  absl::StatusOr<Endpoint> endpoint = ResolveEndpoint(env, ConfigWith({}), kKinesis, "us-east-1");
  ASSERT_TRUE(endpoint.ok());
  EXPECT_EQ(endpoint->url, "https://kinesis.us-east-1.amazonaws.com/");
}

TEST(EndpointTest, InvalidOverrideNamesTheVariable) {
  absl::StatusOr<Endpoint> endpoint =
      ResolveEndpoint(Env::FromMap({{"AWS_ENDPOINT_URL_KINESIS", "ftp://host"}}), ConfigWith({}),
                      kKinesis, "us-east-1");
  ASSERT_EQ(endpoint.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(endpoint.status().message(), HasSubstr("AWS_ENDPOINT_URL_KINESIS"));
  EXPECT_THAT(endpoint.status().message(), HasSubstr("only http and https"));
}

TEST(NormalizeEndpointUrlTest, AcceptsAndNormalizes) {
  EXPECT_EQ(*NormalizeEndpointUrl("HTTP://LocalHost:4566"), "http://localhost:4566/");
  EXPECT_EQ(*NormalizeEndpointUrl("https://[::1]:8443/"), "https://[::1]:8443/");
  EXPECT_EQ(*NormalizeEndpointUrl("https://vpce-1.kinesis.us-east-1.vpce.amazonaws.com/base_path"),
            "https://vpce-1.kinesis.us-east-1.vpce.amazonaws.com/base_path");
}

TEST(NormalizeEndpointUrlTest, Rejects) {
  for (const char* bad :
       {"localhost:4566", "ftp://host/", "http://", "http://user:pw@host/", "http://host/?a=b",
        "http://host/#frag", "http://host:99999/", "http://host/a%20b", "http://host/a b", ""}) {
    EXPECT_EQ(NormalizeEndpointUrl(bad).status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
}

}  // namespace
}  // namespace coattail::aws
