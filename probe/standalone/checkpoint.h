// Resume files of `narrowscan-probe scan --resume FILE`: a small JSON document
// {"format":2,"seed","shard","shards","threads","positions":[one per thread],
//  "scan_hash","exclusions_hash","complete"}
// written atomically (temporary file + rename), so a kill at any moment leaves either
// the old or the new checkpoint. scan_hash covers the targets and ports, and
// exclusions_hash the effective exclusion list: a resume with other inputs is refused
// instead of silently scanning a different set. Format 1 (one "position", written
// before --threads existed) still loads, as a one-thread checkpoint; other formats are
// refused by number.
//
// In memory, a one-thread scan keeps its position in `position` (positions empty); a
// scan of threads > 1 keeps one per thread in `positions` (position unused): the
// engine's lanes are sub-shards, so a checkpoint only resumes with the same threads.
#ifndef NARROWSCAN_PROBE_STANDALONE_CHECKPOINT_H_
#define NARROWSCAN_PROBE_STANDALONE_CHECKPOINT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/range_set.h"
#include "common/result.h"

namespace narrowscan {

struct Checkpoint {
  uint64_t seed = 0;
  uint32_t shard = 0, shards = 1;
  uint64_t position = 0;
  std::string scan_hash;
  std::string exclusions_hash;
  bool complete = false;
  uint32_t threads = 1;
  std::vector<uint64_t> positions;
  friend bool operator==(const Checkpoint&, const Checkpoint&) = default;
};

Status SaveCheckpoint(const std::string& path, const Checkpoint& checkpoint);
// Can `path` be written (atomically, through `<path>.tmp` in its folder)? Asked before
// the first packet, so a scan that could never save its progress does not start.
Status CheckCheckpointWritable(const std::string& path);
// Every position of `checkpoint` lies within its lane's walk of `pairs` pairs
// (TargetPermutation of the lane's sub-shard); errors name the path and the position.
Status CheckCheckpointPositions(const std::string& path, const Checkpoint& checkpoint,
                                uint64_t pairs);
// nullopt when the file does not exist (a fresh scan); errors name the path.
Result<std::optional<Checkpoint>> LoadCheckpoint(const std::string& path);

// FNV-1a 64 over the ranges (and ports), as 16 hex digits.
std::string HashRanges(const RangeSet& set);
std::string HashScan(const RangeSet& targets, const std::vector<uint16_t>& ports);

}  // namespace narrowscan

#endif  // NARROWSCAN_PROBE_STANDALONE_CHECKPOINT_H_
