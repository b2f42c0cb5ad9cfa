// `coattail produce`: validates events and writes them to a Kinesis stream.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "coattail/aws/env.h"
#include "coattail/aws/kinesis.h"
#include "coattail/base/format.h"
#include "coattail/base/status_macros.h"
#include "coattail/cli/commands.h"
#include "coattail/io/line_reader.h"
#include "coattail/stream/producer.h"

namespace coattail::cli {
namespace {

// The producer's key=value summary.
std::string FormatProducerStats(const stream::ProducerStats& st, double seconds) {
  const auto ratio = [](int64_t a, int64_t b) {
    return b > 0 ? static_cast<double>(a) / static_cast<double>(b) : 0.0;
  };
  std::string out = absl::StrCat(
      "lines_read=", st.lines, "\nsent=", st.events_sent, "\ndead_lettered=", st.dead_lettered,
      "\nbalanced=", st.lines == st.events_sent + st.dead_lettered ? "yes" : "NO",
      "\nrecords=", st.records_sent, "\nput_records_calls=", st.calls,
      "\nretried=", st.entries_resent, "\ndead_letter_records=", st.dead_letter_records);
  absl::StrAppend(&out, absl::StrFormat("\nevents_per_record=%.1f\nrecords_per_call=%.1f",
                                        ratio(st.events_sent, st.records_sent),
                                        ratio(st.records_sent, st.calls)));
  for (const auto& [reason, count] : st.dead_letter_reasons) {
    absl::StrAppend(&out, "\ndead_lettered[", reason, "]=", count);
  }
  absl::StrAppend(&out, absl::StrFormat("\nseconds=%.3f\nevents_per_sec=%.0f\n", seconds,
                                        seconds > 0 ? static_cast<double>(st.lines) / seconds : 0));
  return out;
}

class ProduceCommand : public Command {
 public:
  CLI::App* Register(CLI::App& app) override {
    CLI::App* produce =
        app.add_subcommand("produce", "Validate events and write them to a Kinesis stream");
    produce->add_option("--in", input_, "Events NDJSON file, or - for stdin")->default_val(input_);
    produce->add_option("--stream", options_.stream, "Trades stream (name or ARN)")->required();
    produce
        ->add_option("--dead-letter-stream", options_.dead_letter_stream,
                     "Stream for rejected lines, with their reasons")
        ->required();
    produce->add_option("--record-bytes", record_bytes_text_,
                        "Target size of a record packing several events (default 32768)");
    produce
        ->add_option("--linger", linger_,
                     "Send a partly filled record once its oldest event waited this long")
        ->default_val(linger_);
    produce->footer(
        "Events bound for one shard are packed into newline-framed records (partition key: the "
        "wallet of a trade, the token of a price). To stream the simulator: coattail simulate "
        "--out - --truth truth.json | coattail produce --stream S --dead-letter-stream D");
    return produce;
  }

  int Run() override { return ExitWith(Execute()); }

 private:
  absl::Status Execute() {
    if (!record_bytes_text_.empty()) {
      uint64_t bytes = 0;
      if (!absl::SimpleAtoi(record_bytes_text_, &bytes)) {
        return absl::InvalidArgumentError("--record-bytes must be a number of bytes");
      }
      options_.record_bytes = static_cast<size_t>(bytes);
    }
    ASSIGN_OR_RETURN(const int64_t linger, base::ParseDurationMs(linger_));
    options_.linger = std::chrono::milliseconds(linger);
    ASSIGN_OR_RETURN(aws::KinesisClient kinesis, aws::KinesisClient::FromEnv(aws::Env::Process()));
    ASSIGN_OR_RETURN(std::unique_ptr<stream::Producer> producer,
                     stream::Producer::Create(&kinesis, std::move(options_)));
    ASSIGN_OR_RETURN(std::unique_ptr<io::LineReader> reader, io::LineReader::Open(input_));
    const auto started = std::chrono::steady_clock::now();
    io::Line line;
    absl::Status status;
    while (status.ok() && reader->Next(line)) status = producer->Add(line);
    if (status.ok()) status = reader->status();
    // Whatever was accepted is sent even when the input failed part way.
    absl::Status flushed = producer->Flush();
    if (status.ok()) status = flushed;
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    // The counters are printed also when the run failed part way.
    std::fputs(FormatProducerStats(producer->stats(), seconds).c_str(), stdout);
    return status;
  }

  stream::ProducerOptions options_;
  std::string input_ = "-";
  std::string record_bytes_text_;
  std::string linger_ = "500ms";
};

}  // namespace

std::unique_ptr<Command> MakeProduceCommand() { return std::make_unique<ProduceCommand>(); }

}  // namespace coattail::cli
