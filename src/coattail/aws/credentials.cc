#include "coattail/aws/credentials.h"

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "coattail/base/strings.h"

namespace coattail::aws {

namespace {

// Keys that mean the profile obtains credentials in a way this client does not implement.
constexpr std::string_view kUnsupportedProfileKeys[] = {
    "role_arn",      "credential_process",      "sso_session",
    "sso_start_url", "web_identity_token_file", "credential_source"};

std::optional<std::string> Lookup(const IniSection& section, std::string_view key) {
  auto it = section.find(base::ToAbsl(key));
  if (it == section.end() || it->second.empty()) return std::nullopt;
  return it->second;
}

// nullopt when the section holds neither key; an error when it holds only one of them.
absl::StatusOr<std::optional<Credentials>> FromSection(const IniSection& section,
                                                       const std::string& where) {
  std::optional<std::string> id = Lookup(section, "aws_access_key_id");
  std::optional<std::string> secret = Lookup(section, "aws_secret_access_key");
  if (!id.has_value() && !secret.has_value()) return std::optional<Credentials>();
  if (!id.has_value() || !secret.has_value()) {
    return absl::FailedPreconditionError(
        absl::StrCat(where, " has ", id.has_value() ? "aws_access_key_id" : "aws_secret_access_key",
                     " but not ", id.has_value() ? "aws_secret_access_key" : "aws_access_key_id"));
  }
  Credentials credentials;
  credentials.access_key_id = std::move(*id);
  credentials.secret_access_key = std::move(*secret);
  credentials.session_token = Lookup(section, "aws_session_token").value_or("");
  credentials.source = where;
  return std::optional<Credentials>(std::move(credentials));
}

}  // namespace

absl::StatusOr<Credentials> ResolveCredentials(const Env& env) {
  absl::StatusOr<SharedConfig> config = LoadSharedConfig(env);
  if (!config.ok()) return config.status();
  return ResolveCredentials(env, *config);
}

absl::StatusOr<Credentials> ResolveCredentials(const Env& env, const SharedConfig& config) {
  std::optional<std::string> id = env.Get("AWS_ACCESS_KEY_ID");
  std::optional<std::string> secret = env.Get("AWS_SECRET_ACCESS_KEY");
  if (id.has_value() && secret.has_value()) {
    Credentials credentials;
    credentials.access_key_id = std::move(*id);
    credentials.secret_access_key = std::move(*secret);
    credentials.session_token = env.Get("AWS_SESSION_TOKEN").value_or("");
    credentials.source = "environment";
    return credentials;
  }
  if (id.has_value() || secret.has_value()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the environment sets ", id.has_value() ? "AWS_ACCESS_KEY_ID" : "AWS_SECRET_ACCESS_KEY",
        " but not ", id.has_value() ? "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID"));
  }

  if (config.credentials_section.has_value()) {
    absl::StatusOr<std::optional<Credentials>> found =
        FromSection(*config.credentials_section,
                    absl::StrCat(config.credentials_path, " [", config.profile, "]"));
    if (!found.ok()) return found.status();
    if (found->has_value()) return std::move(**found);
  }
  if (config.config_section.has_value()) {
    const std::string section_name =
        config.profile == "default" ? "default" : "profile " + config.profile;
    const std::string where = absl::StrCat(config.config_path, " [", section_name, "]");
    absl::StatusOr<std::optional<Credentials>> found = FromSection(*config.config_section, where);
    if (!found.ok()) return found.status();
    if (found->has_value()) return std::move(**found);
    for (std::string_view key : kUnsupportedProfileKeys) {
      if (Lookup(*config.config_section, key).has_value()) {
        return absl::UnimplementedError(
            absl::StrCat(where, " obtains credentials through `", base::ToAbsl(key),
                         "`, which this client does not support; export temporary keys as "
                         "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN instead"));
      }
    }
  }

  std::string message =
      absl::StrCat("no AWS credentials found for profile \"", config.profile, "\"",
                   config.profile_from_env ? " (from AWS_PROFILE/AWS_DEFAULT_PROFILE)" : "",
                   ": AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are unset; ", config.Describe());
  return absl::NotFoundError(message);
}

}  // namespace coattail::aws
