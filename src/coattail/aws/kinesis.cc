#include "coattail/aws/kinesis.h"

#include <cmath>
#include <string>
#include <string_view>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "coattail/aws/base64.h"
#include "coattail/aws/json_util.h"
#include "coattail/base/strings.h"
#include "coattail/io/json_writer.h"
#include "simdjson.h"

namespace coattail::aws {

namespace {

using internal::BadResponse;
using io::AppendJsonString;

using base::ToAbsl;

constexpr size_t kMaxPartitionKeyChars = 256;

// Code points in well-formed UTF-8: every byte that is not a continuation byte starts one.
size_t Utf8Length(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

size_t RecordBytes(const PutRecordsEntry& e) { return e.data.size() + e.partition_key.size(); }

absl::Status CheckEntry(const PutRecordsEntry& entry, size_t index,
                        const PutRecordsLimits& limits) {
  const size_t key_chars = Utf8Length(entry.partition_key);
  if (key_chars == 0 || key_chars > kMaxPartitionKeyChars) {
    return absl::InvalidArgumentError(absl::StrCat("record ", index, ": partition key has ",
                                                   key_chars, " characters, expected 1 to 256"));
  }
  if (RecordBytes(entry) > limits.max_record_bytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "record ", index, ": ", RecordBytes(entry), " bytes of data and partition key, over the ",
        limits.max_record_bytes, "-byte limit per record"));
  }
  return absl::OkStatus();
}

void AppendStreamField(std::string& out, std::string_view stream) {
  out.append(stream.rfind("arn:", 0) == 0 ? "\"StreamARN\":" : "\"StreamName\":");
  AppendJsonString(out, stream);
}

std::string_view IteratorTypeName(ShardIteratorStart::Type type) {
  switch (type) {
    case ShardIteratorStart::Type::kTrimHorizon:
      return "TRIM_HORIZON";
    case ShardIteratorStart::Type::kLatest:
      return "LATEST";
    case ShardIteratorStart::Type::kAtSequenceNumber:
      return "AT_SEQUENCE_NUMBER";
    case ShardIteratorStart::Type::kAfterSequenceNumber:
      return "AFTER_SEQUENCE_NUMBER";
    case ShardIteratorStart::Type::kAtTimestamp:
      return "AT_TIMESTAMP";
  }
  return "TRIM_HORIZON";
}

}  // namespace

absl::StatusOr<std::vector<size_t>> PlanPutRecordsBatches(absl::Span<const PutRecordsEntry> entries,
                                                          const PutRecordsLimits& limits) {
  std::vector<size_t> ends;
  size_t count = 0;
  size_t bytes = 0;
  for (size_t i = 0; i < entries.size(); ++i) {
    if (absl::Status status = CheckEntry(entries[i], i, limits); !status.ok()) return status;
    const size_t size = RecordBytes(entries[i]);
    if (count > 0 && (count + 1 > limits.max_records || bytes + size > limits.max_request_bytes)) {
      ends.push_back(i);
      count = 0;
      bytes = 0;
    }
    ++count;
    bytes += size;
  }
  if (count > 0) ends.push_back(entries.size());
  return ends;
}

KinesisClient::KinesisClient(std::unique_ptr<AwsJsonClient> client)
    : client_(std::move(client)), parser_(std::make_unique<simdjson::dom::parser>()) {}
KinesisClient::~KinesisClient() = default;
KinesisClient::KinesisClient(KinesisClient&&) noexcept = default;
KinesisClient& KinesisClient::operator=(KinesisClient&&) noexcept = default;

absl::StatusOr<KinesisClient> KinesisClient::FromEnv(const Env& env, ClientOptions options) {
  absl::StatusOr<std::unique_ptr<AwsJsonClient>> client =
      AwsJsonClient::FromEnv(kKinesis, env, std::move(options));
  if (!client.ok()) return client.status();
  return KinesisClient(*std::move(client));
}

absl::StatusOr<PutRecordsResult> KinesisClient::PutRecords(
    std::string_view stream, absl::Span<const PutRecordsEntry> entries,
    const PutRecordsLimits& limits) {
  constexpr std::string_view kWhat = "kinesis PutRecords";
  if (entries.empty()) return absl::InvalidArgumentError("PutRecords: no records");
  if (entries.size() > limits.max_records) {
    return absl::InvalidArgumentError(absl::StrCat("PutRecords: ", entries.size(),
                                                   " records, over the limit of ",
                                                   limits.max_records, " per call"));
  }
  size_t total = 0;
  size_t encoded = 0;
  for (size_t i = 0; i < entries.size(); ++i) {
    if (absl::Status status = CheckEntry(entries[i], i, limits); !status.ok()) return status;
    total += RecordBytes(entries[i]);
    encoded += Base64EncodedSize(entries[i].data.size()) + entries[i].partition_key.size() +
               entries[i].explicit_hash_key.size() + 64;
  }
  if (total > limits.max_request_bytes) {
    return absl::InvalidArgumentError(absl::StrCat("PutRecords: ", total,
                                                   " bytes of data and partition keys, over the ",
                                                   limits.max_request_bytes, "-byte limit"));
  }

  std::string body;
  body.reserve(encoded + stream.size() + 64);
  body.append("{");
  AppendStreamField(body, stream);
  body.append(",\"Records\":[");
  for (size_t i = 0; i < entries.size(); ++i) {
    if (i > 0) body.push_back(',');
    body.append(R"({"Data":")");
    Base64Append(body, entries[i].data);
    body.append(R"(","PartitionKey":)");
    AppendJsonString(body, entries[i].partition_key);
    if (!entries[i].explicit_hash_key.empty()) {
      body.append(",\"ExplicitHashKey\":");
      AppendJsonString(body, entries[i].explicit_hash_key);
    }
    body.push_back('}');
  }
  body.append("]}");

  absl::StatusOr<std::string> response = client_->Call("Kinesis_20131202.PutRecords", body);
  if (!response.ok()) return response.status();
  absl::StatusOr<simdjson::dom::element> root = internal::ParseResponse(*parser_, *response, kWhat);
  if (!root.ok()) return root.status();
  const simdjson::dom::object object = root->get_object().value_unsafe();
  absl::StatusOr<int64_t> reported_failed =
      internal::OptionalInt(object, "FailedRecordCount", 0, kWhat);
  if (!reported_failed.ok()) return reported_failed.status();
  simdjson::dom::array records;
  if (object["Records"].get_array().get(records) != simdjson::SUCCESS) {
    return BadResponse(kWhat, "no \"Records\" array");
  }
  PutRecordsResult result;
  result.records.reserve(entries.size());
  for (simdjson::dom::element element : records) {
    simdjson::dom::object record;
    if (element.get_object().get(record) != simdjson::SUCCESS) {
      return BadResponse(kWhat, "a record is not an object");
    }
    PutRecordsResultEntry& entry = result.records.emplace_back();
    for (auto [key, target] : {std::pair{"ShardId", &entry.shard_id},
                               std::pair{"SequenceNumber", &entry.sequence_number},
                               std::pair{"ErrorCode", &entry.error_code},
                               std::pair{"ErrorMessage", &entry.error_message}}) {
      absl::StatusOr<std::string_view> value = internal::OptionalString(record, key, kWhat);
      if (!value.ok()) return value.status();
      target->assign(value->data(), value->size());
    }
    if (entry.ok() && entry.sequence_number.empty()) {
      return BadResponse(kWhat, "a record has neither SequenceNumber nor ErrorCode");
    }
    if (!entry.ok()) ++result.failed_record_count;
  }
  // Results are matched to entries by position, so anything but a one-to-one answer would
  // attribute failures to the wrong records.
  if (result.records.size() != entries.size()) {
    return BadResponse(
        kWhat, absl::StrCat(result.records.size(), " results for ", entries.size(), " records"));
  }
  if (result.failed_record_count != *reported_failed) {
    return BadResponse(kWhat,
                       absl::StrCat("FailedRecordCount ", *reported_failed, " but ",
                                    result.failed_record_count, " records have an ErrorCode"));
  }
  return result;
}

absl::StatusOr<std::vector<Shard>> KinesisClient::ListShards(std::string_view stream) {
  constexpr std::string_view kWhat = "kinesis ListShards";
  std::vector<Shard> shards;
  std::string next_token;
  // A stream has at most a few thousand shards (1,000 per page); the bound only stops a
  // service that keeps returning a token from looping forever.
  constexpr int kMaxPages = 10000;
  for (int page = 0; page < kMaxPages; ++page) {
    std::string body = "{";
    if (next_token.empty()) {
      AppendStreamField(body, stream);
    } else {
      // With NextToken the stream must not be named again (Kinesis rejects the request).
      body.append("\"NextToken\":");
      AppendJsonString(body, next_token);
    }
    body.append("}");
    absl::StatusOr<std::string> response = client_->Call("Kinesis_20131202.ListShards", body);
    if (!response.ok()) return response.status();
    absl::StatusOr<simdjson::dom::element> root =
        internal::ParseResponse(*parser_, *response, kWhat);
    if (!root.ok()) return root.status();
    const simdjson::dom::object object = root->get_object().value_unsafe();
    simdjson::dom::array list;
    if (object["Shards"].get_array().get(list) != simdjson::SUCCESS) {
      return BadResponse(kWhat, "no \"Shards\" array");
    }
    for (simdjson::dom::element element : list) {
      simdjson::dom::object shard_object;
      if (element.get_object().get(shard_object) != simdjson::SUCCESS) {
        return BadResponse(kWhat, "a shard is not an object");
      }
      Shard& shard = shards.emplace_back();
      absl::StatusOr<std::string_view> id =
          internal::RequiredString(shard_object, "ShardId", kWhat);
      if (!id.ok()) return id.status();
      shard.shard_id = std::string(*id);
      for (auto [key, target] :
           {std::pair{"ParentShardId", &shard.parent_shard_id},
            std::pair{"AdjacentParentShardId", &shard.adjacent_parent_shard_id}}) {
        absl::StatusOr<std::string_view> value = internal::OptionalString(shard_object, key, kWhat);
        if (!value.ok()) return value.status();
        target->assign(value->data(), value->size());
      }
      simdjson::dom::object range;
      if (shard_object["HashKeyRange"].get_object().get(range) == simdjson::SUCCESS) {
        for (auto [key, target] : {std::pair{"StartingHashKey", &shard.starting_hash_key},
                                   std::pair{"EndingHashKey", &shard.ending_hash_key}}) {
          absl::StatusOr<std::string_view> value = internal::OptionalString(range, key, kWhat);
          if (!value.ok()) return value.status();
          target->assign(value->data(), value->size());
        }
      }
      if (shard_object["SequenceNumberRange"].get_object().get(range) == simdjson::SUCCESS) {
        for (auto [key, target] :
             {std::pair{"StartingSequenceNumber", &shard.starting_sequence_number},
              std::pair{"EndingSequenceNumber", &shard.ending_sequence_number}}) {
          absl::StatusOr<std::string_view> value = internal::OptionalString(range, key, kWhat);
          if (!value.ok()) return value.status();
          target->assign(value->data(), value->size());
        }
      }
    }
    absl::StatusOr<std::string_view> token = internal::OptionalString(object, "NextToken", kWhat);
    if (!token.ok()) return token.status();
    if (token->empty()) return shards;
    next_token.assign(token->data(), token->size());
  }
  return BadResponse(kWhat, absl::StrCat("still paginating after ", kMaxPages, " pages"));
}

absl::StatusOr<std::string> KinesisClient::GetShardIterator(std::string_view stream,
                                                            std::string_view shard_id,
                                                            const ShardIteratorStart& start) {
  constexpr std::string_view kWhat = "kinesis GetShardIterator";
  std::string body = "{";
  AppendStreamField(body, stream);
  body.append(",\"ShardId\":");
  AppendJsonString(body, shard_id);
  body.append(R"(,"ShardIteratorType":")");
  body.append(IteratorTypeName(start.type));
  body.append("\"");
  switch (start.type) {
    case ShardIteratorStart::Type::kAtSequenceNumber:
    case ShardIteratorStart::Type::kAfterSequenceNumber:
      if (start.sequence_number.empty()) {
        return absl::InvalidArgumentError(absl::StrCat(
            "GetShardIterator ", ToAbsl(IteratorTypeName(start.type)), " needs a sequence number"));
      }
      body.append(",\"StartingSequenceNumber\":");
      AppendJsonString(body, start.sequence_number);
      break;
    case ShardIteratorStart::Type::kAtTimestamp: {
      // The JSON protocol takes epoch seconds as a number; milliseconds survive as a fraction.
      body.append(",\"Timestamp\":");
      absl::StrAppend(&body, start.timestamp_ms / 1000);
      const int64_t millis = start.timestamp_ms % 1000;
      if (millis != 0) {
        // Negative timestamps are before 1970 and not meaningful for a stream.
        if (millis < 0) return absl::InvalidArgumentError("GetShardIterator: negative timestamp");
        char fraction[5];
        fraction[0] = '.';
        fraction[1] = static_cast<char>('0' + millis / 100);
        fraction[2] = static_cast<char>('0' + millis / 10 % 10);
        fraction[3] = static_cast<char>('0' + millis % 10);
        fraction[4] = '\0';
        body.append(fraction);
      }
      break;
    }
    case ShardIteratorStart::Type::kTrimHorizon:
    case ShardIteratorStart::Type::kLatest:
      break;
  }
  body.append("}");
  absl::StatusOr<std::string> response = client_->Call("Kinesis_20131202.GetShardIterator", body);
  if (!response.ok()) return response.status();
  absl::StatusOr<simdjson::dom::element> root = internal::ParseResponse(*parser_, *response, kWhat);
  if (!root.ok()) return root.status();
  absl::StatusOr<std::string_view> iterator =
      internal::RequiredString(root->get_object().value_unsafe(), "ShardIterator", kWhat);
  if (!iterator.ok()) return iterator.status();
  return std::string(*iterator);
}

absl::StatusOr<GetRecordsResult> KinesisClient::GetRecords(std::string_view shard_iterator,
                                                           int limit) {
  constexpr std::string_view kWhat = "kinesis GetRecords";
  if (limit < 1 || limit > 10000) {
    return absl::InvalidArgumentError(
        absl::StrCat("GetRecords: limit ", limit, " is outside 1..10000"));
  }
  if (shard_iterator.empty()) return absl::InvalidArgumentError("GetRecords: empty shard iterator");
  std::string body = "{\"ShardIterator\":";
  AppendJsonString(body, shard_iterator);
  absl::StrAppend(&body, ",\"Limit\":", limit, "}");
  absl::StatusOr<std::string> response = client_->Call("Kinesis_20131202.GetRecords", body);
  if (!response.ok()) return response.status();
  absl::StatusOr<simdjson::dom::element> root = internal::ParseResponse(*parser_, *response, kWhat);
  if (!root.ok()) return root.status();
  const simdjson::dom::object object = root->get_object().value_unsafe();

  GetRecordsResult result;
  simdjson::dom::array records;
  if (object["Records"].get_array().get(records) != simdjson::SUCCESS) {
    return BadResponse(kWhat, "no \"Records\" array");
  }
  result.records.reserve(records.size());
  for (simdjson::dom::element element : records) {
    simdjson::dom::object record_object;
    if (element.get_object().get(record_object) != simdjson::SUCCESS) {
      return BadResponse(kWhat, "a record is not an object");
    }
    KinesisRecord& record = result.records.emplace_back();
    absl::StatusOr<std::string_view> data = internal::RequiredString(record_object, "Data", kWhat);
    if (!data.ok()) return data.status();
    if (absl::Status status = Base64DecodeAppend(record.data, *data); !status.ok()) {
      return BadResponse(kWhat, absl::StrCat("record Data: ", status.message()));
    }
    absl::StatusOr<std::string_view> sequence =
        internal::RequiredString(record_object, "SequenceNumber", kWhat);
    if (!sequence.ok()) return sequence.status();
    record.sequence_number = std::string(*sequence);
    absl::StatusOr<std::string_view> key =
        internal::OptionalString(record_object, "PartitionKey", kWhat);
    if (!key.ok()) return key.status();
    record.partition_key = std::string(*key);
    double arrival_seconds = 0;
    if (record_object["ApproximateArrivalTimestamp"].get_double().get(arrival_seconds) ==
        simdjson::SUCCESS) {
      record.approximate_arrival_ms = static_cast<int64_t>(std::llround(arrival_seconds * 1000.0));
    }
  }
  absl::StatusOr<std::string_view> next =
      internal::OptionalString(object, "NextShardIterator", kWhat);
  if (!next.ok()) return next.status();
  if (!next->empty()) result.next_shard_iterator = std::string(*next);
  absl::StatusOr<int64_t> behind = internal::OptionalInt(object, "MillisBehindLatest", 0, kWhat);
  if (!behind.ok()) return behind.status();
  result.millis_behind_latest = *behind;
  simdjson::dom::array children;
  if (object["ChildShards"].get_array().get(children) == simdjson::SUCCESS) {
    for (simdjson::dom::element element : children) {
      simdjson::dom::object child_object;
      if (element.get_object().get(child_object) != simdjson::SUCCESS) {
        return BadResponse(kWhat, "a child shard is not an object");
      }
      ChildShard& child = result.child_shards.emplace_back();
      absl::StatusOr<std::string_view> id =
          internal::RequiredString(child_object, "ShardId", kWhat);
      if (!id.ok()) return id.status();
      child.shard_id = std::string(*id);
      simdjson::dom::array parents;
      if (child_object["ParentShards"].get_array().get(parents) == simdjson::SUCCESS) {
        for (simdjson::dom::element parent : parents) {
          std::string_view parent_id;
          if (parent.get_string().get(parent_id) != simdjson::SUCCESS) {
            return BadResponse(kWhat, "a parent shard id is not a string");
          }
          child.parent_shards.emplace_back(parent_id);
        }
      }
    }
  }
  return result;
}

PutRecordsBatcher::PutRecordsBatcher(KinesisClient* kinesis, std::string stream, Options options)
    : kinesis_(kinesis), stream_(std::move(stream)), options_(options) {}

PutRecordsEntry PutRecordsBatcher::EntryOf(const Pending& p) const {
  const std::string_view all(buffer_);
  return PutRecordsEntry{all.substr(p.offset, p.data_size),
                         all.substr(p.offset + p.data_size, p.key_size)};
}

absl::Status PutRecordsBatcher::Add(std::string_view data, std::string_view partition_key) {
  const PutRecordsEntry entry{data, partition_key};
  if (absl::Status status = CheckEntry(entry, pending_.size(), options_.limits); !status.ok()) {
    return status;
  }
  const size_t size = RecordBytes(entry);
  if (pending_.size() + 1 > options_.limits.max_records ||
      pending_bytes_ + size > options_.limits.max_request_bytes) {
    if (absl::Status status = Flush(); !status.ok()) return status;
  }
  pending_.push_back(Pending{buffer_.size(), data.size(), partition_key.size()});
  buffer_.append(data);
  buffer_.append(partition_key);
  pending_bytes_ += size;
  return absl::OkStatus();
}

absl::Status PutRecordsBatcher::Flush() {
  std::vector<PutRecordsEntry> entries;
  for (int round = 0; !pending_.empty(); ++round) {
    entries.clear();
    for (const Pending& p : pending_) entries.push_back(EntryOf(p));
    absl::StatusOr<PutRecordsResult> result =
        kinesis_->PutRecords(stream_, entries, options_.limits);
    ++stats_.calls;
    if (!result.ok()) return result.status();

    std::vector<Pending> rejected;
    const PutRecordsResultEntry* first_error = nullptr;
    for (size_t i = 0; i < pending_.size(); ++i) {
      if (result->records[i].ok()) continue;
      rejected.push_back(pending_[i]);
      if (first_error == nullptr) first_error = &result->records[i];
    }
    stats_.records_sent += static_cast<int64_t>(pending_.size() - rejected.size());
    if (rejected.empty()) {
      pending_.clear();
      buffer_.clear();
      pending_bytes_ = 0;
      return absl::OkStatus();
    }
    // Keep only the rejected records, compacted, so the buffer never holds accepted data.
    std::string kept;
    pending_bytes_ = 0;
    for (Pending& p : rejected) {
      const size_t size = p.data_size + p.key_size;
      kept.append(buffer_, p.offset, size);
      p.offset = kept.size() - size;
      pending_bytes_ += size;
    }
    buffer_ = std::move(kept);
    pending_ = std::move(rejected);
    if (round >= options_.max_resend_rounds) {
      return absl::ResourceExhaustedError(absl::StrCat(
          "kinesis PutRecords: ", pending_.size(), " records still rejected after ",
          options_.max_resend_rounds, " resend rounds; first error: ", first_error->error_code,
          ": ", first_error->error_message));
    }
    stats_.entries_resent += static_cast<int64_t>(pending_.size());
    kinesis_->client().SleepBeforeRetry(round);
  }
  return absl::OkStatus();
}

std::vector<std::pair<std::string, std::string>> PutRecordsBatcher::TakeBuffered() {
  std::vector<std::pair<std::string, std::string>> out;
  out.reserve(pending_.size());
  for (const Pending& p : pending_) {
    const PutRecordsEntry e = EntryOf(p);
    out.emplace_back(std::string(e.data), std::string(e.partition_key));
  }
  pending_.clear();
  buffer_.clear();
  pending_bytes_ = 0;
  return out;
}

}  // namespace coattail::aws
