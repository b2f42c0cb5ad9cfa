// What a checkpoint holds: where the run stands in its input (a file offset and line, or one
// position per stream shard), the sizes of its output files and the engine state. The store
// persists it; the sources produce and consume their part of it. Plain types only, so a source
// can use them without depending on the SQLite store.
#ifndef COATTAIL_STORE_CHECKPOINT_H_
#define COATTAIL_STORE_CHECKPOINT_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace coattail::store {

// Where a stream source stands in one shard: the record holding the last processed event and how
// many of that record's events were processed (a record may frame several events).
struct ShardPosition {
  std::string shard_id;
  std::string sequence_number;  // empty: nothing read from this shard yet
  int64_t events_done = 0;      // events of that record already processed
  bool finished = false;        // a closed shard read to its end
  friend bool operator==(const ShardPosition&, const ShardPosition&) = default;
};

struct Checkpoint {
  std::string input_name;         // path, or "-" for standard input
  std::string input_fingerprint;  // hash of the input's first bytes ("" for pipes)
  int64_t input_offset = 0;       // bytes consumed
  int64_t input_line = 0;         // lines consumed
  int64_t alerts_bytes = 0;       // size of the alerts NDJSON file at the checkpoint
  int64_t dead_letter_bytes = 0;  // size of the dead-letter file at the checkpoint
  std::vector<std::pair<std::string, int64_t>> reject_reasons;
  std::string engine_state;
  std::vector<ShardPosition> shard_positions;  // stream sources only, sorted by shard id
};

}  // namespace coattail::store

#endif  // COATTAIL_STORE_CHECKPOINT_H_
