// Replays a libFuzzer corpus through a fuzz target without libFuzzer, so that `make test` (GCC,
// ASan + UBSan) runs every checked-in input through the target's invariants. A target reports a
// violation by aborting, which fails the test.
//
// Usage: <target>_replay DIR_OR_FILE...  Exits 0 when every input ran, 1 when an argument holds
// no input at all (a corpus that went missing would otherwise pass), 2 on bad usage or I/O.
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <system_error>
#include <vector>

#if defined(__SANITIZE_ADDRESS__) && __has_include(<sanitizer/common_interface_defs.h>)
#include <sanitizer/common_interface_defs.h>
#define COATTAIL_REPLAY_SANITIZER_CALLBACK 1
#endif

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

namespace fs = std::filesystem;

// The input being replayed, for the report of a failure: a target fails by aborting, or a
// sanitizer ends the process, and neither says which file it was given.
char g_current[4096];
size_t g_current_size = 0;

void ReportCurrent() {
  constexpr char kPrefix[] = "replay: failing input: ";
  // write(2) only: this runs in a signal handler.
  (void)!write(STDERR_FILENO, kPrefix, sizeof(kPrefix) - 1);
  (void)!write(STDERR_FILENO, g_current, g_current_size);
  (void)!write(STDERR_FILENO, "\n", 1);
}

extern "C" void OnAbort(int signal_number) {
  ReportCurrent();
  std::signal(signal_number, SIG_DFL);
  std::raise(signal_number);
}

void SetCurrent(const fs::path& path) {
  const std::string& s = path.native();
  g_current_size = s.copy(g_current, sizeof(g_current));
}

// The regular files under `path` (itself, when it is one), in name order so that a failure
// reproduces in the same order.
bool ListInputs(const fs::path& path, std::vector<fs::path>& out) {
  std::error_code ec;
  if (fs::is_regular_file(path, ec)) {
    out.push_back(path);
    return true;
  }
  if (!fs::is_directory(path, ec)) {
    std::fprintf(stderr, "replay: %s: not a file or directory\n", path.c_str());
    return false;
  }
  for (fs::recursive_directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_regular_file(ec)) out.push_back(it->path());
  }
  if (ec) {
    std::fprintf(stderr, "replay: %s: %s\n", path.c_str(), ec.message().c_str());
    return false;
  }
  std::sort(out.begin(), out.end());
  return true;
}

// Sized from the file and read in one call: GCC 12 at -O3 reports a possible null dereference
// inside istreambuf_iterator, which -Werror turns into a failed release build.
bool ReadFile(const fs::path& path, std::vector<uint8_t>& out) {
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  if (ec) return false;
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  out.resize(static_cast<size_t>(size));
  in.read(reinterpret_cast<char*>(out.data()), static_cast<std::streamsize>(out.size()));
  return in.gcount() == static_cast<std::streamsize>(out.size());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s DIR_OR_FILE...\n", argv[0]);
    return 2;
  }
  std::signal(SIGABRT, OnAbort);
#ifdef COATTAIL_REPLAY_SANITIZER_CALLBACK
  __sanitizer_set_death_callback(ReportCurrent);
#endif
  int status = 0;
  std::vector<uint8_t> data;
  for (int i = 1; i < argc; ++i) {
    std::vector<fs::path> inputs;
    if (!ListInputs(argv[i], inputs)) return 2;
    if (inputs.empty()) {
      std::fprintf(stderr, "replay: %s holds no input\n", argv[i]);
      status = 1;
      continue;
    }
    size_t bytes = 0;
    for (const fs::path& input : inputs) {
      if (!ReadFile(input, data)) {
        std::fprintf(stderr, "replay: cannot read %s\n", input.c_str());
        return 2;
      }
      bytes += data.size();
      SetCurrent(input);
      LLVMFuzzerTestOneInput(data.data(), data.size());
    }
    std::printf("replayed %zu inputs (%zu bytes) from %s\n", inputs.size(), bytes, argv[i]);
  }
  return status;
}
