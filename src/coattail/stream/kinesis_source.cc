#include "coattail/stream/kinesis_source.h"

#include <algorithm>
#include <climits>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "coattail/aws/http_client.h"
#include "coattail/base/status_macros.h"
#include "coattail/event/parser.h"

namespace coattail::stream {

int64_t EventTimeHint(std::string_view event) {
  // Trades carry "block_time", prices "time"; the producer validated the line, so the first match
  // is the field (a string value containing the pattern would have been rejected as a bad field).
  for (std::string_view field :
       {std::string_view("\"block_time\":"), std::string_view("\"time\":")}) {
    const size_t at = event.find(field);
    if (at == std::string_view::npos) continue;
    size_t i = at + field.size();
    while (i < event.size() && event[i] == ' ') ++i;
    int64_t value = 0;
    size_t digits = 0;
    for (; i < event.size() && event[i] >= '0' && event[i] <= '9' && digits < 18; ++i, ++digits) {
      value = value * 10 + (event[i] - '0');
    }
    if (digits > 0) return value;
  }
  return INT64_MIN;
}

struct KinesisSource::Record {
  std::string data;  // the record, then kParsePadding zero bytes
  std::string sequence_number;
  std::vector<std::pair<size_t, size_t>> events;  // offset, length
  std::vector<int64_t> times;
  size_t next = 0;  // events handed out
};

struct KinesisSource::Shard {
  std::string shard_id;
  std::vector<std::string> parents;
  std::string iterator;  // empty: get one before the next GetRecords
  bool closed = false;   // GetRecords said the shard ends; finished once its records drain
  bool finished = false;
  bool caught_up = false;  // the last GetRecords found nothing and nothing behind
  Clock::time_point next_poll{};
  std::deque<Record> records;
  std::string last_fetched;  // sequence number of the newest record fetched
  // Position: the record of the last event handed out, and how many of its events were.
  std::string position_sequence;
  int64_t position_done = 0;
  // On resume: the checkpointed record is read again and its first `skip` events are dropped.
  std::string skip_sequence;
  int64_t skip = 0;
};

absl::StatusOr<std::unique_ptr<KinesisSource>> KinesisSource::Create(
    aws::KinesisClient* kinesis, KinesisSourceOptions options,
    const std::vector<store::ShardPosition>& positions) {
  if (options.stream.empty()) return absl::InvalidArgumentError("empty stream name");
  if (options.records_per_call < 1 || options.records_per_call > 10'000) {
    return absl::InvalidArgumentError("GetRecords limit must be 1..10000");
  }
  ASSIGN_OR_RETURN(const std::vector<aws::Shard> shards, kinesis->ListShards(options.stream));
  std::unique_ptr<KinesisSource> source(new KinesisSource(kinesis, std::move(options)));
  for (const aws::Shard& shard : shards) {
    std::vector<std::string> parents;
    if (!shard.parent_shard_id.empty()) parents.push_back(shard.parent_shard_id);
    if (!shard.adjacent_parent_shard_id.empty()) parents.push_back(shard.adjacent_parent_shard_id);
    const store::ShardPosition* position = nullptr;
    for (const store::ShardPosition& p : positions) {
      if (p.shard_id == shard.shard_id) position = &p;
    }
    RETURN_IF_ERROR(source->AddShard(shard.shard_id, std::move(parents), position));
  }
  return source;
}

KinesisSource::KinesisSource(aws::KinesisClient* kinesis, KinesisSourceOptions options)
    : kinesis_(kinesis), options_(std::move(options)) {}

KinesisSource::~KinesisSource() = default;

absl::Status KinesisSource::AddShard(const std::string& shard_id, std::vector<std::string> parents,
                                     const store::ShardPosition* position) {
  for (const auto& s : shards_) {
    if (s->shard_id == shard_id) return absl::OkStatus();
  }
  auto shard = std::make_unique<Shard>();
  shard->shard_id = shard_id;
  shard->parents = std::move(parents);
  if (position != nullptr) {
    shard->finished = position->finished;
    shard->position_sequence = position->sequence_number;
    shard->position_done = position->events_done;
    shard->skip_sequence = position->sequence_number;
    shard->skip = position->events_done;
  }
  shards_.push_back(std::move(shard));
  std::sort(shards_.begin(), shards_.end(),
            [](const auto& a, const auto& b) { return a->shard_id < b->shard_id; });
  return absl::OkStatus();
}

bool KinesisSource::Eligible(const Shard& shard) const {
  if (shard.finished) return false;
  // A child shard's records follow its parents' (resharding): read it once they are finished.
  // A parent that is no longer listed has expired, so it holds nothing left to read.
  for (const std::string& parent : shard.parents) {
    for (const auto& s : shards_) {
      if (s->shard_id == parent && !s->finished) return false;
    }
  }
  return true;
}

void KinesisSource::Fail(absl::Status status) {
  if (status_.ok()) status_ = std::move(status);
}

absl::Status KinesisSource::Poll(Shard& shard) {
  if (shard.iterator.empty()) {
    aws::ShardIteratorStart start;
    if (!shard.last_fetched.empty()) {
      start = aws::ShardIteratorStart::AfterSequenceNumber(shard.last_fetched);
    } else if (!shard.position_sequence.empty()) {
      start = aws::ShardIteratorStart::AtSequenceNumber(shard.position_sequence);
    }
    ASSIGN_OR_RETURN(shard.iterator,
                     kinesis_->GetShardIterator(options_.stream, shard.shard_id, start));
    ++stats_.iterators;
  }
  absl::StatusOr<aws::GetRecordsResult> result =
      kinesis_->GetRecords(shard.iterator, options_.records_per_call);
  ++stats_.get_records_calls;
  shard.next_poll = Clock::now() + options_.poll_interval;
  if (!result.ok()) {
    if (aws::AwsErrorType(result.status()) == "ExpiredIteratorException") {
      shard.iterator.clear();  // iterators live 5 minutes: get a new one after the last record
      return absl::OkStatus();
    }
    return result.status();
  }
  for (aws::KinesisRecord& r : result->records) {
    ++stats_.records;
    shard.last_fetched = r.sequence_number;
    Record record;
    record.sequence_number = std::move(r.sequence_number);
    record.data = std::move(r.data);
    const size_t size = record.data.size();
    record.data.append(event::kParsePadding, '\0');
    const std::string_view view(record.data.data(), size);
    size_t start = 0;
    while (start < size) {
      size_t end = view.find('\n', start);
      if (end == std::string_view::npos) end = size;
      if (end > start) {
        std::string_view event = view.substr(start, end - start);
        if (event.back() == '\r') event.remove_suffix(1);
        record.events.emplace_back(start, event.size());
        record.times.push_back(EventTimeHint(event));
      }
      start = end + 1;
    }
    if (!shard.skip_sequence.empty() && record.sequence_number == shard.skip_sequence) {
      record.next = static_cast<size_t>(
          std::min<int64_t>(shard.skip, static_cast<int64_t>(record.events.size())));
      shard.skip_sequence.clear();
    }
    if (record.next < record.events.size()) shard.records.push_back(std::move(record));
  }
  // The checkpointed record is the first one an AT_SEQUENCE_NUMBER iterator returns.
  if (!result->records.empty()) shard.skip_sequence.clear();
  shard.caught_up = result->records.empty() && result->millis_behind_latest == 0;
  if (result->next_shard_iterator.has_value()) {
    shard.iterator = *std::move(result->next_shard_iterator);
  } else {
    shard.closed = true;
    shard.iterator.clear();
    for (const aws::ChildShard& child : result->child_shards) {
      RETURN_IF_ERROR(AddShard(child.shard_id, child.parent_shards, nullptr));
    }
  }
  return absl::OkStatus();
}

int64_t KinesisSource::HeadTime(const Shard& shard) {
  const Record& head = shard.records.front();
  return head.times[head.next];
}

bool KinesisSource::Next(std::string_view& event) {
  if (!status_.ok()) return false;
  while (true) {
    if (options_.stop != nullptr && options_.stop->load()) {
      stopped_ = true;
      return false;
    }
    const Clock::time_point now = Clock::now();
    bool waiting = false;  // a shard whose next event time is unknown: merging must wait for it
    Clock::time_point wake = now + options_.poll_interval;
    Shard* best = nullptr;
    // AddShard (from Poll) may grow shards_: iterate by index over a snapshot of the size.
    for (size_t i = 0; i < shards_.size(); ++i) {  // NOLINT(modernize-loop-convert)
      Shard& shard = *shards_[i];
      while (!shard.records.empty() &&
             shard.records.front().next >= shard.records.front().events.size()) {
        shard.records.pop_front();
      }
      if (!Eligible(shard)) continue;
      if (shard.records.empty()) {
        if (shard.closed) {
          shard.finished = true;
          continue;
        }
        if (now >= shard.next_poll) {
          if (absl::Status s = Poll(shard); !s.ok()) {
            Fail(std::move(s));
            return false;
          }
        }
        if (shard.records.empty()) {
          if (shard.closed) {
            shard.finished = true;
            continue;
          }
          if (!shard.caught_up) waiting = true;
          wake = std::min(wake, shard.next_poll);
          continue;
        }
      }
      if (best == nullptr || HeadTime(shard) < HeadTime(*best)) best = &shard;
    }
    if (best != nullptr && !waiting) {
      Record& record = best->records.front();
      const auto [offset, length] = record.events[record.next];
      ++record.next;
      best->position_sequence = record.sequence_number;
      best->position_done = static_cast<int64_t>(record.next);
      ++stats_.events;
      has_idle_since_ = false;
      event = std::string_view(record.data.data() + offset, length);
      return true;
    }
    if (best == nullptr && !waiting) {
      // Every shard is caught up or finished.
      if (!has_idle_since_) {
        has_idle_since_ = true;
        idle_since_ = now;
      }
      const bool all_finished =
          std::all_of(shards_.begin(), shards_.end(), [](const auto& s) { return s->finished; });
      if (all_finished ||
          (options_.idle_exit.count() > 0 && now - idle_since_ >= options_.idle_exit)) {
        return false;
      }
    }
    if (options_.while_waiting) {
      if (absl::Status s = options_.while_waiting(); !s.ok()) {
        Fail(std::move(s));
        return false;
      }
    }
    const auto nap = std::min<Clock::duration>(wake - Clock::now(), std::chrono::milliseconds(100));
    if (nap > Clock::duration::zero()) std::this_thread::sleep_for(nap);
  }
}

std::vector<store::ShardPosition> KinesisSource::Positions() const {
  std::vector<store::ShardPosition> out;
  out.reserve(shards_.size());
  for (const auto& s : shards_) {
    out.push_back(
        store::ShardPosition{s->shard_id, s->position_sequence, s->position_done, s->finished});
  }
  return out;
}

}  // namespace coattail::stream
