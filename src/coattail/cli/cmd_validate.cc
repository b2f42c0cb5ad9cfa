// `coattail validate`: the engine's stateless input checks on an NDJSON file, without the engine.
//
// Each line goes through the line reader and the event parser that `coattail run` uses, with the
// same options, so a line is rejected here exactly when the engine would reject it before looking
// at its time or key, and with the same reason; rejected lines are written as the engine's
// dead-letter records (io::DeadLetterWriter). What needs the engine's state (late events,
// duplicates, retractions of unknown trades) is not checked.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "coattail/base/status_macros.h"
#include "coattail/base/strings.h"
#include "coattail/cli/commands.h"
#include "coattail/event/event.h"
#include "coattail/event/parser.h"
#include "coattail/io/line_reader.h"
#include "coattail/io/ndjson_file_writer.h"

namespace coattail::cli {
namespace {

// Buffered output of whole lines to a file (created or truncated) or to stdout ("-"). Unlike
// io::NdjsonFileWriter it accepts pipes and stdout, and has no resume contract to keep.
class LineOutput {
 public:
  static absl::StatusOr<std::unique_ptr<LineOutput>> Open(const std::string& path) {
    if (path == "-") return std::unique_ptr<LineOutput>(new LineOutput(STDOUT_FILENO, false, "-"));
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return absl::ErrnoToStatus(errno, absl::StrCat("cannot open ", path));
    return std::unique_ptr<LineOutput>(new LineOutput(fd, true, path));
  }

  ~LineOutput() {
    (void)Flush();
    if (owns_fd_) ::close(fd_);
  }
  LineOutput(const LineOutput&) = delete;
  LineOutput& operator=(const LineOutput&) = delete;

  // Appends `line` and "\n".
  absl::Status Write(std::string_view line) {
    if (buffer_.size() + line.size() + 1 > kBufferBytes) RETURN_IF_ERROR(Flush());
    buffer_.append(line);
    buffer_.push_back('\n');
    return absl::OkStatus();
  }

  absl::Status Flush() {
    std::string_view data = buffer_;
    while (!data.empty()) {
      const ssize_t n = ::write(fd_, data.data(), data.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return absl::ErrnoToStatus(errno, absl::StrCat("cannot write ", path_));
      data.remove_prefix(static_cast<size_t>(n));
    }
    buffer_.clear();
    return absl::OkStatus();
  }

  // Flushes and, for a file, closes it so that a failing close(2) is seen.
  absl::Status Close() {
    RETURN_IF_ERROR(Flush());
    if (!owns_fd_) return absl::OkStatus();
    owns_fd_ = false;
    if (::close(fd_) != 0) return absl::ErrnoToStatus(errno, absl::StrCat("cannot close ", path_));
    return absl::OkStatus();
  }

 private:
  static constexpr size_t kBufferBytes = size_t{1} << 20;

  LineOutput(int fd, bool owns_fd, std::string path)
      : fd_(fd), owns_fd_(owns_fd), path_(std::move(path)) {
    buffer_.reserve(kBufferBytes);
  }

  int fd_;
  bool owns_fd_;
  std::string path_;
  std::string buffer_;
};

// Rejections per reason, capped like the engine's dead-letter counts: after
// io::DeadLetterWriter::kMaxDistinctReasons distinct reasons, new ones count as "other".
class ReasonTally {
 public:
  void Add(std::string_view reason) {
    auto it = counts_.find(base::ToAbsl(reason));
    if (it == counts_.end()) {
      const bool full = counts_.size() >= io::DeadLetterWriter::kMaxDistinctReasons;
      it = counts_.try_emplace(base::ToAbsl(full ? io::DeadLetterWriter::kOtherReasons : reason), 0)
               .first;
    }
    ++it->second;
  }

  // Most frequent first, ties in reason order: the order of the run summary's rejected[...] lines.
  [[nodiscard]] std::vector<std::pair<std::string, int64_t>> Sorted() const {
    std::vector<std::pair<std::string, int64_t>> out(counts_.begin(), counts_.end());
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
      return a.second != b.second ? a.second > b.second : a.first < b.first;
    });
    return out;
  }

 private:
  absl::flat_hash_map<std::string, int64_t> counts_;
};

// The reason with control bytes shown as '?', so that one count stays on one summary line.
std::string Printable(std::string_view reason) {
  std::string out(reason);
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  }
  return out;
}

absl::Status CheckOptions(const ValidateOptions& o) {
  if (o.top_reasons < 0) return absl::InvalidArgumentError("--top-reasons must be >= 0");
  if (o.rejected == "-") {
    return absl::InvalidArgumentError("--rejected must be a file (the summary may be on stdout)");
  }
  const auto same = [](const std::string& a, const std::string& b) {
    return !a.empty() && a != "-" && a == b;
  };
  if (same(o.accepted, o.input) || same(o.rejected, o.input)) {
    return absl::InvalidArgumentError("an output must not be the input file");
  }
  if (same(o.accepted, o.rejected)) {
    return absl::InvalidArgumentError("--accepted and --rejected must be different files");
  }
  return absl::OkStatus();
}

class ValidateCommand : public Command {
 public:
  CLI::App* Register(CLI::App& app) override {
    CLI::App* validate = app.add_subcommand(
        "validate", "Check NDJSON events with the engine's parser, without the engine");
    validate->add_option("--in", options_.input, "Events NDJSON file, or - for stdin")->required();
    validate->add_option("--accepted", options_.accepted,
                         "Write the accepted lines, unchanged but each ended by \\n, to this "
                         "file (- for stdout; the summary then goes to stderr)");
    validate->add_option("--rejected", options_.rejected,
                         "Write the rejected lines to this file as dead-letter records "
                         "{\"line\":N,\"reason\":\"...\",\"raw\":\"...\"}, as `run` does");
    validate
        ->add_option("--top-reasons", options_.top_reasons,
                     "Reject reasons listed in the summary, most frequent first (0 = all)")
        ->default_val(options_.top_reasons);
    validate->footer(
        "Stateless: a line is rejected when the line reader or the event parser of `coattail "
        "run` rejects it, with the same reason (docs/EVENTS.md). What needs the engine's state "
        "is not checked: late events and retractions of unknown trades pass here and are "
        "rejected by `run`, and duplicate trades pass here and are dropped by `run`.\n"
        "Prints lines_read, accepted, rejected, reject_reasons (distinct reasons), "
        "rejected[REASON]=COUNT for the top reasons, seconds and events_per_sec as key=value "
        "lines. Exit status: 0 when every line was read (rejected lines included), 1 on an I/O "
        "failure, 2 on bad usage (a path that does not exist or is a directory included, as for "
        "`run`).");
    return validate;
  }

  int Run() override {
    absl::StatusOr<ValidateResult> result = Validate(options_);
    if (!result.ok()) return Fail(result.status());
    // With the accepted lines on stdout, the summary must not mix into them.
    std::fputs(FormatValidateSummary(*result, options_.top_reasons).c_str(),
               options_.accepted == "-" ? stderr : stdout);
    return kExitOk;
  }

 private:
  ValidateOptions options_;
};

}  // namespace

absl::StatusOr<ValidateResult> Validate(const ValidateOptions& options) {
  RETURN_IF_ERROR(CheckOptions(options));
  const auto started = std::chrono::steady_clock::now();
  ASSIGN_OR_RETURN(std::unique_ptr<io::LineReader> reader, io::LineReader::Open(options.input));
  std::unique_ptr<LineOutput> accepted;
  if (!options.accepted.empty()) {
    ASSIGN_OR_RETURN(accepted, LineOutput::Open(options.accepted));
  }
  std::unique_ptr<io::DeadLetterWriter> rejected;
  if (!options.rejected.empty()) {
    ASSIGN_OR_RETURN(rejected, io::DeadLetterWriter::Open(options.rejected));
    // The writer appends; a validation report holds this input's rejects only.
    RETURN_IF_ERROR(rejected->TruncateTo(0));
  }

  // Default options, as the engine's parser.
  event::EventParser parser;
  event::EventView event;
  ReasonTally tally;
  ValidateResult result;
  io::Line line;
  while (reader->Next(line)) {
    ++result.lines_read;
    // The engine's order: a line the reader cut is rejected without parsing.
    std::string_view reason;
    absl::Status parsed;
    bool ok = false;
    if (line.too_long) {
      reason = io::kLineTooLongReason;
    } else if (parsed = parser.Parse(line.text, event); !parsed.ok()) {
      // Anything but InvalidArgument is about the parser, not the line (parser.h).
      if (parsed.code() != absl::StatusCode::kInvalidArgument) return parsed;
      reason = base::ToStd(parsed.message());
    } else {
      ok = true;
    }
    if (ok) {
      ++result.accepted;
      if (accepted != nullptr) RETURN_IF_ERROR(accepted->Write(line.text));
      continue;
    }
    ++result.rejected;
    tally.Add(reason);
    if (rejected != nullptr) RETURN_IF_ERROR(rejected->Write(line.number, reason, line.text));
  }
  RETURN_IF_ERROR(reader->status());
  if (accepted != nullptr) RETURN_IF_ERROR(accepted->Close());
  if (rejected != nullptr) RETURN_IF_ERROR(rejected->Close());
  result.reasons = tally.Sorted();
  result.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return result;
}

std::string FormatValidateSummary(const ValidateResult& r, int top_reasons) {
  std::string out = absl::StrCat("lines_read=", r.lines_read, "\naccepted=", r.accepted,
                                 "\nrejected=", r.rejected, "\nreject_reasons=", r.reasons.size());
  const size_t shown = top_reasons == 0
                           ? r.reasons.size()
                           : std::min(r.reasons.size(), static_cast<size_t>(top_reasons));
  for (size_t i = 0; i < shown; ++i) {
    absl::StrAppend(&out, "\nrejected[", Printable(r.reasons[i].first), "]=", r.reasons[i].second);
  }
  const double eps = r.seconds > 0 ? static_cast<double>(r.lines_read) / r.seconds : 0;
  absl::StrAppend(&out, absl::StrFormat("\nseconds=%.3f\nevents_per_sec=%.0f\n", r.seconds, eps));
  return out;
}

std::unique_ptr<Command> MakeValidateCommand() { return std::make_unique<ValidateCommand>(); }

}  // namespace coattail::cli
