// Standard base64 (RFC 4648 section 4, with padding), the encoding of Kinesis record data and
// DynamoDB binary attributes in the JSON protocols.
#ifndef COATTAIL_AWS_BASE64_H_
#define COATTAIL_AWS_BASE64_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace coattail::aws {

constexpr size_t Base64EncodedSize(size_t n) { return (n + 2) / 3 * 4; }

void Base64Append(std::string& out, std::string_view bytes);
std::string Base64Encode(std::string_view bytes);

// Strict: the length must be a multiple of 4, only the standard alphabet, '=' only as one or two
// final padding characters, and the unused low bits of the last symbol must be zero (so each
// byte string has exactly one accepted encoding). Appends the bytes to `out`; on error `out` is
// left as it was.
absl::Status Base64DecodeAppend(std::string& out, std::string_view text);

}  // namespace coattail::aws

#endif  // COATTAIL_AWS_BASE64_H_
