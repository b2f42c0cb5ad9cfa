#include "coattail/aws/endpoint.h"

#include <curl/curl.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "coattail/base/strings.h"

namespace coattail::aws {

namespace {

using base::ToAbsl;

struct CurlUrlDeleter {
  void operator()(CURLU* url) const { curl_url_cleanup(url); }
};
struct CurlStringDeleter {
  void operator()(char* s) const { curl_free(s); }
};

// A part of a parsed URL, nullopt when the URL has none.
std::optional<std::string> UrlPart(CURLU* url, CURLUPart part) {
  char* raw = nullptr;
  if (curl_url_get(url, part, &raw, 0) != CURLUE_OK || raw == nullptr) return std::nullopt;
  std::unique_ptr<char, CurlStringDeleter> owned(raw);
  return std::string(raw);
}

bool IsUnreservedPathChar(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_' ||
         c == '~' || c == '/';
}

}  // namespace

absl::Status ValidateRegion(std::string_view region) {
  // curl parses the signing scope "aws:amz:REGION:SERVICE" with 64-byte fields.
  bool ok = !region.empty() && region.size() <= 64 && region.front() != '-' && region.back() != '-';
  for (char c : region) {
    if (!(absl::ascii_islower(static_cast<unsigned char>(c)) ||
          absl::ascii_isdigit(static_cast<unsigned char>(c)) || c == '-')) {
      ok = false;
    }
  }
  if (ok) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("invalid AWS region \"", absl::CEscape(ToAbsl(region)),
                   "\": expected lower-case letters, digits and dashes, e.g. us-west-2"));
}

absl::StatusOr<std::string> ResolveRegion(const Env& env) {
  absl::StatusOr<SharedConfig> config = LoadSharedConfig(env);
  if (!config.ok()) return config.status();
  return ResolveRegion(env, *config);
}

absl::StatusOr<std::string> ResolveRegion(const Env& env, const SharedConfig& config) {
  std::optional<std::string> region = env.Get("AWS_REGION");
  std::string_view source = "AWS_REGION";
  if (!region.has_value()) {
    region = env.Get("AWS_DEFAULT_REGION");
    source = "AWS_DEFAULT_REGION";
  }
  if (!region.has_value()) {
    region = config.Get("region");
    source = "profile";
  }
  if (!region.has_value()) {
    return absl::NotFoundError(
        absl::StrCat("no AWS region: AWS_REGION and AWS_DEFAULT_REGION are unset and profile \"",
                     config.profile, "\" has no `region` (", config.Describe(), ")"));
  }
  if (absl::Status status = ValidateRegion(*region); !status.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(ToAbsl(source), ": ", absl::string_view(status.message())));
  }
  return *region;
}

absl::StatusOr<std::string> NormalizeEndpointUrl(std::string_view url) {
  const std::string text(url);
  auto fail = [&](std::string_view why) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid endpoint URL \"", absl::CEscape(text), "\": ", ToAbsl(why)));
  };
  std::unique_ptr<CURLU, CurlUrlDeleter> parsed(curl_url());
  if (parsed == nullptr) return absl::ResourceExhaustedError("curl_url() failed");
  // Without CURLU_DEFAULT_SCHEME a URL lacking a scheme is refused, which is what we want:
  // guessing http or https for "localhost:4566" would be wrong half of the time.
  if (CURLUcode rc = curl_url_set(parsed.get(), CURLUPART_URL, text.c_str(), 0); rc != CURLUE_OK) {
    return fail(absl::StrCat(curl_url_strerror(rc), "; expected http(s)://host[:port]"));
  }
  const std::string scheme =
      absl::AsciiStrToLower(UrlPart(parsed.get(), CURLUPART_SCHEME).value_or(""));
  if (scheme != "http" && scheme != "https") return fail("only http and https are supported");
  const std::string host = UrlPart(parsed.get(), CURLUPART_HOST).value_or("");
  if (host.empty()) return fail("no host");
  // Host names are case-insensitive; one spelling keeps the signed Host header predictable.
  const std::string lower_host = absl::AsciiStrToLower(host);
  if (curl_url_set(parsed.get(), CURLUPART_HOST, lower_host.c_str(), 0) != CURLUE_OK) {
    return fail("invalid host");
  }
  if (UrlPart(parsed.get(), CURLUPART_USER).has_value()) return fail("credentials in the URL");
  if (UrlPart(parsed.get(), CURLUPART_QUERY).has_value()) return fail("a query string");
  if (UrlPart(parsed.get(), CURLUPART_FRAGMENT).has_value()) return fail("a fragment");
  const std::string path = UrlPart(parsed.get(), CURLUPART_PATH).value_or("/");
  for (char c : path) {
    // curl 7.88 signs the path as given; AWS canonicalizes it with percent-encoding. The two
    // agree only for unreserved characters.
    if (!IsUnreservedPathChar(c)) return fail("the path may hold only A-Z a-z 0-9 - . _ ~ /");
  }
  std::optional<std::string> normalized = UrlPart(parsed.get(), CURLUPART_URL);
  if (!normalized.has_value()) return fail("cannot be normalized");
  return *normalized;
}

absl::StatusOr<Endpoint> ResolveEndpoint(const Env& env, const SharedConfig& config,
                                         const AwsService& service, std::string_view region) {
  if (absl::Status status = ValidateRegion(region); !status.ok()) return status;
  const bool ignore_configured =
      absl::AsciiStrToLower(env.Get("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS").value_or("")) == "true";
  if (!ignore_configured) {
    const std::string service_var =
        absl::StrCat("AWS_ENDPOINT_URL_", ToAbsl(service.endpoint_env_id));
    struct Candidate {
      std::string source;
      std::optional<std::string> value;
    };
    const Candidate candidates[] = {
        {service_var, env.Get(service_var)},
        {"AWS_ENDPOINT_URL", env.Get("AWS_ENDPOINT_URL")},
        {"profile", config.Get("endpoint_url")},
    };
    for (const Candidate& candidate : candidates) {
      if (!candidate.value.has_value()) continue;
      absl::StatusOr<std::string> url = NormalizeEndpointUrl(*candidate.value);
      if (!url.ok()) {
        return absl::InvalidArgumentError(
            absl::StrCat(candidate.source, ": ", absl::string_view(url.status().message())));
      }
      return Endpoint{*std::move(url), candidate.source};
    }
  }
  const std::string_view domain =
      region.rfind("cn-", 0) == 0 ? "amazonaws.com.cn" : "amazonaws.com";
  return Endpoint{absl::StrCat("https://", ToAbsl(service.signing_name), ".", ToAbsl(region), ".",
                               ToAbsl(domain), "/"),
                  "default"};
}

}  // namespace coattail::aws
