#include "coattail/sim/simulator.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "coattail/sim/config.h"
#include "coattail/sim/decimal.h"
#include "coattail/sim/simulation.h"

namespace coattail::sim {
namespace {

// ---- Files --------------------------------------------------------------------------------------

absl::Status IoError(absl::string_view what, const std::string& path, int err) {
  std::string message = absl::StrCat(what, " ", path, ": ", std::strerror(err));
  switch (err) {
    case ENOENT:
      return absl::NotFoundError(message);
    case EACCES:
    case EPERM:
      return absl::PermissionDeniedError(message);
    case ENOSPC:
      return absl::ResourceExhaustedError(message);
    default:
      return absl::InternalError(message);
  }
}

// Appends lines to a large buffer and writes it out in big chunks.
class FileSink final : public LineSink {
 public:
  FileSink(std::FILE* file, std::string path)
      : file_(file), path_(std::move(path)), buffer_(new char[kBufferSize]) {}

  absl::Status Consume(std::string_view line) override {
    if (used_ + line.size() + 1 > kBufferSize) {
      if (absl::Status s = Flush(); !s.ok()) return s;
    }
    if (line.size() + 1 > kBufferSize) {
      if (std::fwrite(line.data(), 1, line.size(), file_) != line.size() ||
          std::fputc('\n', file_) == EOF) {
        return IoError("cannot write", path_, errno);
      }
      return absl::OkStatus();
    }
    std::memcpy(buffer_.get() + used_, line.data(), line.size());
    used_ += line.size();
    buffer_[used_++] = '\n';
    return absl::OkStatus();
  }

  absl::Status Flush() {
    if (used_ > 0 && std::fwrite(buffer_.get(), 1, used_, file_) != used_) {
      return IoError("cannot write", path_, errno);
    }
    used_ = 0;
    if (std::fflush(file_) != 0) return IoError("cannot write", path_, errno);
    return absl::OkStatus();
  }

 private:
  static constexpr size_t kBufferSize = size_t{1} << 20;
  std::FILE* file_;
  std::string path_;
  std::unique_ptr<char[]> buffer_;
  size_t used_ = 0;
};

struct FileCloser {
  void operator()(std::FILE* f) const {
    if (f != nullptr) std::fclose(f);
  }
};
using FilePtr = std::unique_ptr<std::FILE, FileCloser>;

absl::Status WriteWholeFile(const std::string& path, std::string_view text) {
  FilePtr file(std::fopen(path.c_str(), "wb"));
  if (file == nullptr) return IoError("cannot open", path, errno);
  if (std::fwrite(text.data(), 1, text.size(), file.get()) != text.size()) {
    return IoError("cannot write", path, errno);
  }
  if (std::fclose(file.release()) != 0) return IoError("cannot write", path, errno);
  return absl::OkStatus();
}

void AppendStringArray(const std::vector<std::string>& values, std::string& out) {
  out.push_back('[');
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out.push_back(',');
    // Addresses are hex: nothing to escape.
    absl::StrAppend(&out, "\"", values[i], "\"");
  }
  out.push_back(']');
}

void AppendIntArray(const std::vector<int64_t>& values, std::string& out) {
  out.push_back('[');
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out.push_back(',');
    absl::StrAppend(&out, values[i]);
  }
  out.push_back(']');
}

}  // namespace

absl::StatusOr<SimTruth> Generate(const SimConfig& config, LineSink& sink) {
  if (absl::Status s = ValidateConfig(config); !s.ok()) return s;
  auto simulation = std::make_unique<internal::Simulation>(config, sink);
  return simulation->Run();
}

std::string TruthJson(const SimConfig& config, const SimTruth& truth) {
  std::string out;
  absl::StrAppend(&out, "{\"seed\":", config.seed, ",\n\"config\":");
  AppendConfigJson(config, out);
  absl::StrAppend(&out, ",\n\"benchmark\":\"", truth.benchmark, "\"");
  const std::pair<const char*, const std::vector<std::string>*> lists[] = {
      {"informed", &truth.informed}, {"noise", &truth.noise}, {"lucky", &truth.lucky},
      {"active", &truth.active},     {"bots", &truth.bots},   {"exchanges", &truth.exchanges},
      {"wash", &truth.wash}};
  for (const auto& [name, list] : lists) {
    absl::StrAppend(&out, ",\n\"", name, "\":");
    AppendStringArray(*list, out);
  }
  out.append(",\n\"betas\":{");
  for (size_t i = 0; i < truth.tokens.size(); ++i) {
    if (i > 0) out.push_back(',');
    absl::StrAppend(&out, "\"", truth.tokens[i], "\":");
    char buf[kMaxDecimalChars];
    out.append(buf, WriteDecimal(buf, truth.betas[i], 15, nullptr));
  }
  const SimStats& c = truth.counts;
  absl::StrAppend(&out, "},\n\"counts\":{\"lines\":", c.lines, ",\"trades\":", c.trades,
                  ",\"prices\":", c.prices, ",\"malformed\":", c.malformed,
                  ",\"duplicates\":", c.duplicates, ",\"retractions\":", c.retractions, "}");
  out.append(",\n\"malformed_lines\":");
  AppendIntArray(truth.malformed_lines, out);
  out.append(",\n\"duplicate_lines\":");
  AppendIntArray(truth.duplicate_lines, out);
  out.append(",\n\"retraction_lines\":");
  AppendIntArray(truth.retraction_lines, out);
  out.append("}\n");
  return out;
}

absl::StatusOr<SimStats> Simulate(const SimConfig& config, const std::string& events_path,
                                  const std::string& truth_path) {
  if (absl::Status s = ValidateConfig(config); !s.ok()) return s;
  if (events_path.empty()) {
    return absl::InvalidArgumentError("events path must be a file path or \"-\" for stdout");
  }
  if (truth_path == events_path) {
    return absl::InvalidArgumentError("truth path must differ from the events path");
  }
  const bool to_stdout = events_path == "-";
  FilePtr owned;
  std::FILE* file = stdout;
  if (!to_stdout) {
    owned.reset(std::fopen(events_path.c_str(), "wb"));
    if (owned == nullptr) return IoError("cannot open", events_path, errno);
    file = owned.get();
  }
  FileSink sink(file, to_stdout ? std::string("<stdout>") : events_path);
  absl::StatusOr<SimTruth> truth = Generate(config, sink);
  if (!truth.ok()) return truth.status();
  if (absl::Status s = sink.Flush(); !s.ok()) return s;
  if (owned != nullptr && std::fclose(owned.release()) != 0) {
    return IoError("cannot write", events_path, errno);
  }
  if (!truth_path.empty()) {
    if (absl::Status s = WriteWholeFile(truth_path, TruthJson(config, *truth)); !s.ok()) return s;
  }
  return truth->counts;
}

}  // namespace coattail::sim
