// AWS credentials from the environment or the shared credentials/config files. This covers
// static keys and temporary keys with a session token (what Lambda and CI runners put in the
// environment); role assumption, SSO, credential_process and instance/container metadata are
// not implemented, and a profile that relies on them is reported as such.
#ifndef COATTAIL_AWS_CREDENTIALS_H_
#define COATTAIL_AWS_CREDENTIALS_H_

#include <string>

#include "absl/status/statusor.h"
#include "coattail/aws/env.h"
#include "coattail/aws/shared_config.h"

namespace coattail::aws {

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty for long-term keys
  // Where they came from, for logs: "environment", or e.g. "/home/u/.aws/credentials [prod]".
  // Never contains secret material.
  std::string source;
};

// The chain, first match wins:
//   1. AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY (+ AWS_SESSION_TOKEN) in the environment;
//   2. the profile's section of the shared credentials file;
//   3. the profile's section of the config file.
// The profile is AWS_PROFILE (else AWS_DEFAULT_PROFILE, else "default"). Half a key pair in any
// one place is an error, not a reason to fall through: it is a misconfiguration the user should
// see. When nothing is found the error names every place that was looked at.
absl::StatusOr<Credentials> ResolveCredentials(const Env& env);
absl::StatusOr<Credentials> ResolveCredentials(const Env& env, const SharedConfig& config);

}  // namespace coattail::aws

#endif  // COATTAIL_AWS_CREDENTIALS_H_
