#include "coattail/stream/producer.h"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "coattail/base/status_macros.h"
#include "coattail/io/ndjson_file_writer.h"

namespace coattail::stream {

std::vector<std::string_view> SplitRecord(std::string_view record) {
  std::vector<std::string_view> events;
  size_t start = 0;
  while (start < record.size()) {
    size_t end = record.find('\n', start);
    if (end == std::string_view::npos) end = record.size();
    if (end > start) events.push_back(record.substr(start, end - start));
    start = end + 1;
  }
  return events;
}

absl::StatusOr<std::unique_ptr<Producer>> Producer::Create(aws::KinesisClient* kinesis,
                                                           ProducerOptions options) {
  if (options.stream.empty()) return absl::InvalidArgumentError("--stream is required");
  if (options.dead_letter_stream.empty()) {
    return absl::InvalidArgumentError(
        "--dead-letter-stream is required: rejected lines are kept, never dropped");
  }
  const size_t max_data = options.batcher.limits.max_record_bytes - 256;  // room for the key
  if (options.record_bytes < 1024 || options.record_bytes > max_data) {
    return absl::InvalidArgumentError(
        absl::StrCat("--record-bytes must be between 1024 and ", max_data));
  }
  ASSIGN_OR_RETURN(const std::vector<aws::Shard> shards, kinesis->ListShards(options.stream));
  absl::StatusOr<ShardRouter> router = ShardRouter::Create(shards);
  if (!router.ok()) {
    return absl::Status(router.status().code(),
                        absl::StrCat("stream ", options.stream, ": ", router.status().message()));
  }
  return std::unique_ptr<Producer>(new Producer(kinesis, std::move(options), *std::move(router)));
}

Producer::Producer(aws::KinesisClient* kinesis, ProducerOptions options, ShardRouter router)
    : kinesis_(kinesis),
      options_(std::move(options)),
      router_(std::move(router)),
      parser_(options_.parser),
      trades_(kinesis_, options_.stream, options_.batcher),
      dead_letters_(kinesis_, options_.dead_letter_stream, options_.batcher),
      buffers_(router_.shard_count()) {}

Producer::~Producer() = default;

absl::Status Producer::Add(const io::Line& line) {
  ++stats_.lines;
  if (line.too_long) return DeadLetter(line.number, "line too long", line.text);
  event::EventView ev;
  if (absl::Status s = parser_.Parse(line.text, ev); !s.ok()) {
    if (s.code() != absl::StatusCode::kInvalidArgument) return s;
    return DeadLetter(line.number, std::string_view(s.message().data(), s.message().size()),
                      line.text);
  }
  // Wallets are case-insensitive hex: one wallet must always land on one shard.
  if (ev.kind == event::EventKind::kTrade) {
    key_.assign(ev.trade.wallet);
    absl::AsciiStrToLower(&key_);
  } else {
    key_.assign(ev.price.token);
  }
  if (line.text.size() + 1 > options_.record_bytes) {
    return DeadLetter(line.number, "event larger than --record-bytes", line.text);
  }
  const size_t shard = router_.ShardFor(key_);
  ShardBuffer& buffer = buffers_[shard];
  if (buffer.data.size() + line.text.size() + 1 > options_.record_bytes) {
    RETURN_IF_ERROR(EmitShard(shard));
  }
  const auto now = std::chrono::steady_clock::now();
  if (buffer.events == 0) {
    buffer.partition_key = key_;
    buffer.oldest = now;
  }
  buffer.data.append(line.text);
  buffer.data.push_back('\n');
  ++buffer.events;
  ++buffered_events_;
  // Linger: the oldest waiting event bounds how stale a slow feed can get.
  for (const ShardBuffer& waiting : buffers_) {
    if (waiting.events > 0 && now - waiting.oldest >= options_.linger) {
      RETURN_IF_ERROR(EmitAll());
      return FlushBatchers();
    }
  }
  return absl::OkStatus();
}

absl::Status Producer::EmitShard(size_t shard) {
  ShardBuffer& buffer = buffers_[shard];
  if (buffer.events == 0) return absl::OkStatus();
  absl::Status s = trades_.Add(buffer.data, buffer.partition_key);
  if (s.code() == absl::StatusCode::kResourceExhausted) {
    // The batcher flushed to make room and gave up on some records: dead-letter them, then queue
    // this record in the emptied batcher.
    RETURN_IF_ERROR(DeadLetterRejected(s));
    s = trades_.Add(buffer.data, buffer.partition_key);
  }
  RETURN_IF_ERROR(s);
  events_emitted_ += buffer.events;
  buffered_events_ -= static_cast<size_t>(buffer.events);
  buffer.data.clear();
  buffer.events = 0;
  return absl::OkStatus();
}

absl::Status Producer::EmitAll() {
  for (size_t i = 0; i < buffers_.size(); ++i) {
    RETURN_IF_ERROR(EmitShard(i));
  }
  return absl::OkStatus();
}

absl::Status Producer::DeadLetterRejected(const absl::Status& why) {
  // Records Kinesis kept rejecting (after the batcher's resend rounds) are kept on the
  // dead-letter stream, one dead letter per event, with the reason.
  const std::string reason = absl::StrCat("kinesis rejected the record: ", why.message());
  for (auto& [data, key] : trades_.TakeBuffered()) {
    for (std::string_view event : SplitRecord(data)) {
      ++events_rejected_;
      RETURN_IF_ERROR(DeadLetter(0, reason, event));
    }
  }
  return absl::OkStatus();
}

absl::Status Producer::FlushBatchers() {
  absl::Status status = trades_.Flush();
  if (status.code() == absl::StatusCode::kResourceExhausted) status = DeadLetterRejected(status);
  RETURN_IF_ERROR(status);
  // The dead-letter stream has no dead-letter stream of its own: failing to write it is fatal.
  return dead_letters_.Flush();
}

absl::Status Producer::Flush() {
  RETURN_IF_ERROR(EmitAll());
  return FlushBatchers();
}

absl::Status Producer::DeadLetter(int64_t line, std::string_view reason, std::string_view raw) {
  scratch_.clear();
  io::AppendDeadLetterRecord(scratch_, line, reason, raw);
  // Partition by line so that dead letters spread over the dead-letter stream's shards.
  const std::string key = absl::StrCat("line-", line);
  RETURN_IF_ERROR(dead_letters_.Add(scratch_, key));
  ++stats_.dead_lettered;
  ++stats_.dead_letter_reasons[std::string(reason)];
  return absl::OkStatus();
}

ProducerStats Producer::stats() const {
  ProducerStats s = stats_;
  s.events_sent = events_emitted_ - events_rejected_;
  s.records_sent = trades_.stats().records_sent;
  s.calls = trades_.stats().calls;
  s.entries_resent = trades_.stats().entries_resent;
  s.dead_letter_records = dead_letters_.stats().records_sent;
  return s;
}

}  // namespace coattail::stream
