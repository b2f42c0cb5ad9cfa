// Helpers for the cross-component tests: scratch directories and file reading.
#ifndef COATTAIL_TESTS_TEST_UTIL_H_
#define COATTAIL_TESTS_TEST_UTIL_H_

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace coattail::testing {

// A fresh directory under the test temp dir, removed at destruction.
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& name) {
    const char* base = std::getenv("TEST_TMPDIR");
    path_ = std::filesystem::path(base != nullptr ? base : "/tmp") /
            ("coattail-" + name + "-" + std::to_string(::getpid()));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  std::string File(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline std::vector<std::string> ReadLines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

inline std::string SourceDir() {
  const char* dir = std::getenv("COATTAIL_SOURCE_DIR");
  return dir != nullptr ? dir : ".";
}

}  // namespace coattail::testing

#endif  // COATTAIL_TESTS_TEST_UTIL_H_
