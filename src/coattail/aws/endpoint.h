// Region and endpoint resolution with the AWS SDK precedence, so that the same environment
// (a LocalStack/moto override, a per-service override, a profile) works for our binaries and the
// AWS CLI alike.
#ifndef COATTAIL_AWS_ENDPOINT_H_
#define COATTAIL_AWS_ENDPOINT_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "coattail/aws/env.h"
#include "coattail/aws/service.h"
#include "coattail/aws/shared_config.h"

namespace coattail::aws {

// AWS_REGION, then AWS_DEFAULT_REGION, then the profile's `region`. The name is checked
// (lower-case letters, digits and inner dashes) because it becomes part of a host name and of
// the signing scope.
absl::StatusOr<std::string> ResolveRegion(const Env& env, const SharedConfig& config);
absl::StatusOr<std::string> ResolveRegion(const Env& env);

absl::Status ValidateRegion(std::string_view region);

struct Endpoint {
  std::string url;     // normalized, e.g. "https://kinesis.us-west-2.amazonaws.com/"
  std::string source;  // "AWS_ENDPOINT_URL_KINESIS", "AWS_ENDPOINT_URL", "profile", "default"
};

// AWS_ENDPOINT_URL_<SERVICE>, then AWS_ENDPOINT_URL, then the profile's `endpoint_url`, then
// https://<service>.<region>.amazonaws.com (amazonaws.com.cn for cn-* regions). Setting
// AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true skips the overrides, as in the AWS SDKs.
absl::StatusOr<Endpoint> ResolveEndpoint(const Env& env, const SharedConfig& config,
                                         const AwsService& service, std::string_view region);

// Accepts http:// and https:// URLs with a host, an optional port and an optional path of
// unreserved characters; rejects credentials, queries and fragments (they would be sent with
// every call, or break the SigV4 canonical request). Returns the URL in normalized form.
absl::StatusOr<std::string> NormalizeEndpointUrl(std::string_view url);

}  // namespace coattail::aws

#endif  // COATTAIL_AWS_ENDPOINT_H_
