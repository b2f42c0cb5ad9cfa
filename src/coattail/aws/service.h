// The AWS services this component speaks to, with what differs between them on the wire.
#ifndef COATTAIL_AWS_SERVICE_H_
#define COATTAIL_AWS_SERVICE_H_

#include <string_view>

namespace coattail::aws {

struct AwsService {
  // SigV4 signing name and first label of the default host name.
  std::string_view signing_name;
  // The AWS SDK service id as used in AWS_ENDPOINT_URL_<ID>.
  std::string_view endpoint_env_id;
  // Kinesis speaks awsJson1_1, DynamoDB awsJson1_0; they differ only in this header.
  std::string_view content_type;
};

inline constexpr AwsService kKinesis{"kinesis", "KINESIS", "application/x-amz-json-1.1"};
inline constexpr AwsService kDynamoDb{"dynamodb", "DYNAMODB", "application/x-amz-json-1.0"};

}  // namespace coattail::aws

#endif  // COATTAIL_AWS_SERVICE_H_
