#include "coattail/aws/testing/sigv4_reference.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "coattail/base/strings.h"

namespace coattail::aws::testing {

namespace {

std::string Hex(const unsigned char* bytes, size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * n);
  for (size_t i = 0; i < n; ++i) {
    out.push_back(kDigits[bytes[i] >> 4]);
    out.push_back(kDigits[bytes[i] & 0xF]);
  }
  return out;
}

std::string HmacSha256(std::string_view key, std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest,
           &length) == nullptr) {
    std::fprintf(stderr, "HMAC failed\n");
    std::abort();
  }
  return {reinterpret_cast<const char*>(digest), length};
}

// Trims and collapses runs of spaces to one, as the canonical header value requires.
std::string CanonicalValue(std::string_view value) {
  std::string out;
  bool space = false;
  for (char c : absl::StripAsciiWhitespace(base::ToAbsl(value))) {
    if (c == ' ' || c == '\t') {
      space = true;
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

}  // namespace

std::string Sha256Hex(std::string_view data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  return Hex(digest, sizeof(digest));
}

SigV4Result SignV4(const SigV4Request& request, const SigV4Key& key, std::string_view amz_date) {
  std::map<std::string, std::string> canonical;  // sorted by lower-case name
  for (const auto& [name, value] : request.headers) {
    std::string& joined = canonical[absl::AsciiStrToLower(name)];
    if (!joined.empty()) joined.push_back(',');
    joined += CanonicalValue(value);
  }
  std::string canonical_headers;
  std::vector<std::string> names;
  for (const auto& [name, value] : canonical) {
    absl::StrAppend(&canonical_headers, name, ":", value, "\n");
    names.push_back(name);
  }
  SigV4Result result;
  result.signed_headers = absl::StrJoin(names, ";");
  result.canonical_request =
      absl::StrCat(request.method, "\n", request.path, "\n", request.query, "\n", canonical_headers,
                   "\n", result.signed_headers, "\n", Sha256Hex(request.body));
  const std::string date(amz_date.substr(0, 8));
  const std::string scope = absl::StrCat(date, "/", key.region, "/", key.service, "/aws4_request");
  result.string_to_sign = absl::StrCat("AWS4-HMAC-SHA256\n", base::ToAbsl(amz_date), "\n", scope,
                                       "\n", Sha256Hex(result.canonical_request));
  std::string signing_key = HmacSha256("AWS4" + key.secret_access_key, date);
  signing_key = HmacSha256(signing_key, key.region);
  signing_key = HmacSha256(signing_key, key.service);
  signing_key = HmacSha256(signing_key, "aws4_request");
  const std::string signature = HmacSha256(signing_key, result.string_to_sign);
  result.signature =
      Hex(reinterpret_cast<const unsigned char*>(signature.data()), signature.size());
  result.authorization =
      absl::StrCat("AWS4-HMAC-SHA256 Credential=", key.access_key_id, "/", scope,
                   ", SignedHeaders=", result.signed_headers, ", Signature=", result.signature);
  return result;
}

}  // namespace coattail::aws::testing
