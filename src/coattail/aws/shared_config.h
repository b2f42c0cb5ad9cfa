// The AWS shared credentials and config files (~/.aws/credentials, ~/.aws/config): an INI reader
// and the lookup of the selected profile in both files, following the AWS SDK conventions.
#ifndef COATTAIL_AWS_SHARED_CONFIG_H_
#define COATTAIL_AWS_SHARED_CONFIG_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "coattail/aws/env.h"

namespace coattail::aws {

// Keys are lower-cased (INI keys are case-insensitive, as in botocore); values are trimmed.
using IniSection = absl::flat_hash_map<std::string, std::string>;

struct IniFile {
  // Section names as written between the brackets, trimmed, with inner runs of whitespace
  // collapsed to one space ("[ profile  prod ]" -> "profile prod"). A repeated section merges
  // into the first, later keys winning.
  std::vector<std::pair<std::string, IniSection>> sections;

  const IniSection* Find(std::string_view name) const;
};

// Accepts '#' and ';' comment lines, blank lines, CRLF line ends and `key = value` lines. An
// indented line continues the previous key's value (the nested `s3 =` blocks of the config file);
// it is appended after a newline. Anything else is an error naming `path` and the line number.
absl::StatusOr<IniFile> ParseIni(std::string_view text, std::string_view path);

struct SharedConfig {
  std::string profile;            // AWS_PROFILE, else AWS_DEFAULT_PROFILE, else "default"
  bool profile_from_env = false;  // true when AWS_PROFILE / AWS_DEFAULT_PROFILE chose it
  // Empty when the path cannot be formed (neither the override variable nor HOME is set).
  std::string credentials_path;  // AWS_SHARED_CREDENTIALS_FILE, else $HOME/.aws/credentials
  std::string config_path;       // AWS_CONFIG_FILE, else $HOME/.aws/config
  bool credentials_file_found = false;
  bool config_file_found = false;
  // The profile's section: "[NAME]" in the credentials file; "[profile NAME]" in the config file,
  // or "[default]" for the default profile. nullopt when the file or section is absent.
  std::optional<IniSection> credentials_section;
  std::optional<IniSection> config_section;

  // The value of `key` in the profile, the credentials file winning over the config file.
  std::optional<std::string> Get(std::string_view key) const;
  // "/home/u/.aws/credentials (no [prod] section), /home/u/.aws/config (missing)": what was looked
  // at, for error messages.
  std::string Describe() const;
};

// A missing file is not an error (most machines have neither); an unreadable or malformed one is.
absl::StatusOr<SharedConfig> LoadSharedConfig(const Env& env);

}  // namespace coattail::aws

#endif  // COATTAIL_AWS_SHARED_CONFIG_H_
