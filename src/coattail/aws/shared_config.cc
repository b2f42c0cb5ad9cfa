#include "coattail/aws/shared_config.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "coattail/base/strings.h"

namespace coattail::aws {

namespace {

using base::ToAbsl;

std::string_view Trim(std::string_view s) {
  const size_t begin = s.find_first_not_of(" \t");
  if (begin == std::string_view::npos) return {};
  const size_t end = s.find_last_not_of(" \t");
  return s.substr(begin, end - begin + 1);
}

std::string CollapseWhitespace(std::string_view s) {
  std::string out;
  bool in_space = false;
  for (char c : Trim(s)) {
    if (c == ' ' || c == '\t') {
      in_space = true;
      continue;
    }
    if (in_space) out.push_back(' ');
    in_space = false;
    out.push_back(c);
  }
  return out;
}

IniSection* FindOrAddSection(IniFile& file, std::string name) {
  for (auto& [existing, section] : file.sections) {
    if (existing == name) return &section;
  }
  file.sections.emplace_back(std::move(name), IniSection());
  return &file.sections.back().second;
}

// Reads a whole file. nullopt (with an OK status) when it does not exist.
absl::StatusOr<std::optional<std::string>> ReadOptionalFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return std::optional<std::string>();
    return absl::FailedPreconditionError(
        absl::StrCat("cannot open ", path, ": ", std::strerror(errno)));
  }
  std::string data;
  char buffer[8192];
  while (true) {
    const ssize_t n = ::read(fd, buffer, sizeof(buffer));
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      const int error = errno;
      ::close(fd);
      return absl::FailedPreconditionError(
          absl::StrCat("cannot read ", path, ": ", std::strerror(error)));
    }
    data.append(buffer, static_cast<size_t>(n));
  }
  ::close(fd);
  return std::optional<std::string>(std::move(data));
}

std::string ExpandHome(std::string path, const std::optional<std::string>& home) {
  if (home.has_value() && (path == "~" || path.rfind("~/", 0) == 0)) {
    return *home + path.substr(1);
  }
  return path;
}

}  // namespace

const IniSection* IniFile::Find(std::string_view name) const {
  for (const auto& [existing, section] : sections) {
    if (existing == name) return &section;
  }
  return nullptr;
}

absl::StatusOr<IniFile> ParseIni(std::string_view text, std::string_view path) {
  IniFile file;
  IniSection* section = nullptr;
  std::string* last_value = nullptr;
  int line_number = 0;
  for (absl::string_view raw_line : absl::StrSplit(ToAbsl(text), '\n')) {
    ++line_number;
    std::string_view line = base::ToStd(raw_line);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const std::string_view trimmed = Trim(line);
    if (trimmed.empty() || trimmed.front() == '#' || trimmed.front() == ';') continue;
    const bool indented = line.front() == ' ' || line.front() == '\t';
    if (indented && last_value != nullptr) {
      absl::StrAppend(last_value, "\n", ToAbsl(trimmed));
      continue;
    }
    if (trimmed.front() == '[') {
      if (trimmed.back() != ']' || trimmed.size() < 3) {
        return absl::InvalidArgumentError(
            absl::StrCat(ToAbsl(path), ":", line_number, ": malformed section header"));
      }
      section = FindOrAddSection(file, CollapseWhitespace(trimmed.substr(1, trimmed.size() - 2)));
      last_value = nullptr;
      continue;
    }
    // Python's configparser, which the AWS CLI uses, splits at the first '=' or ':'.
    const size_t delimiter = trimmed.find_first_of("=:");
    if (delimiter == std::string_view::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat(ToAbsl(path), ":", line_number, ": expected `key = value`"));
    }
    if (section == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat(ToAbsl(path), ":", line_number, ": key outside of any [section]"));
    }
    const std::string_view key = Trim(trimmed.substr(0, delimiter));
    if (key.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(ToAbsl(path), ":", line_number, ": empty key"));
    }
    std::string lower_key = absl::AsciiStrToLower(ToAbsl(key));
    std::string& value = (*section)[lower_key];
    value = std::string(Trim(trimmed.substr(delimiter + 1)));
    last_value = &value;
  }
  return file;
}

std::optional<std::string> SharedConfig::Get(std::string_view key) const {
  for (const auto* section : {&credentials_section, &config_section}) {
    if (!section->has_value()) continue;
    auto it = (*section)->find(ToAbsl(key));
    if (it != (*section)->end() && !it->second.empty()) return it->second;
  }
  return std::nullopt;
}

std::string SharedConfig::Describe() const {
  auto describe = [](const std::string& path, bool found, bool has_section,
                     std::string_view section_name) -> std::string {
    if (path.empty()) return "(no path: HOME is unset)";
    if (!found) return absl::StrCat(path, " (missing)");
    if (!has_section) return absl::StrCat(path, " (no [", ToAbsl(section_name), "] section)");
    return absl::StrCat(path, " ([", ToAbsl(section_name), "])");
  };
  const std::string config_name = profile == "default" ? "default" : "profile " + profile;
  return absl::StrCat(
      "credentials file ",
      describe(credentials_path, credentials_file_found, credentials_section.has_value(), profile),
      ", config file ",
      describe(config_path, config_file_found, config_section.has_value(), config_name));
}

absl::StatusOr<SharedConfig> LoadSharedConfig(const Env& env) {
  SharedConfig config;
  std::optional<std::string> profile = env.Get("AWS_PROFILE");
  if (!profile.has_value()) profile = env.Get("AWS_DEFAULT_PROFILE");
  config.profile_from_env = profile.has_value();
  config.profile = profile.value_or("default");

  const std::optional<std::string> home = env.Get("HOME");
  if (auto path = env.Get("AWS_SHARED_CREDENTIALS_FILE"); path.has_value()) {
    config.credentials_path = ExpandHome(*path, home);
  } else if (home.has_value()) {
    config.credentials_path = *home + "/.aws/credentials";
  }
  if (auto path = env.Get("AWS_CONFIG_FILE"); path.has_value()) {
    config.config_path = ExpandHome(*path, home);
  } else if (home.has_value()) {
    config.config_path = *home + "/.aws/config";
  }

  if (!config.credentials_path.empty()) {
    absl::StatusOr<std::optional<std::string>> text = ReadOptionalFile(config.credentials_path);
    if (!text.ok()) return text.status();
    if (text->has_value()) {
      config.credentials_file_found = true;
      absl::StatusOr<IniFile> ini = ParseIni(**text, config.credentials_path);
      if (!ini.ok()) return ini.status();
      if (const IniSection* section = ini->Find(config.profile); section != nullptr) {
        config.credentials_section = *section;
      }
    }
  }
  if (!config.config_path.empty()) {
    absl::StatusOr<std::optional<std::string>> text = ReadOptionalFile(config.config_path);
    if (!text.ok()) return text.status();
    if (text->has_value()) {
      config.config_file_found = true;
      absl::StatusOr<IniFile> ini = ParseIni(**text, config.config_path);
      if (!ini.ok()) return ini.status();
      const IniSection* section = ini->Find("profile " + config.profile);
      if (section == nullptr && config.profile == "default") section = ini->Find("default");
      if (section != nullptr) config.config_section = *section;
    }
  }
  return config;
}

}  // namespace coattail::aws
