// An independent AWS Signature Version 4 implementation for tests, on OpenSSL's libcrypto, written
// from the AWS specification. It checks what curl signs without trusting curl's own code, and is
// itself pinned against botocore's output in sigv4_golden_test.cc.
#ifndef COATTAIL_AWS_TESTING_SIGV4_REFERENCE_H_
#define COATTAIL_AWS_TESTING_SIGV4_REFERENCE_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace coattail::aws::testing {

struct SigV4Request {
  std::string method = "POST";
  std::string path = "/";  // already URI-encoded
  std::string query;       // already canonical
  // The headers to sign, in any order and case; repeated names are joined with ','.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

struct SigV4Key {
  std::string access_key_id;
  std::string secret_access_key;
  std::string region;
  std::string service;
};

struct SigV4Result {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signed_headers;
  std::string signature;      // lower-case hex
  std::string authorization;  // the full header value
};

std::string Sha256Hex(std::string_view data);

// `amz_date` is the X-Amz-Date value ("20260115T083015Z"); the request's headers must include it.
SigV4Result SignV4(const SigV4Request& request, const SigV4Key& key, std::string_view amz_date);

}  // namespace coattail::aws::testing

#endif  // COATTAIL_AWS_TESTING_SIGV4_REFERENCE_H_
