// Spool: report batches on disk until the controller acks them (design §6).
//
// One file per batch, named by round and seq ("r<round>-s<seq>.batch"), written to a
// temporary name, fsync'ed and renamed, so a crash leaves either the whole batch or
// nothing. Bounded: Full() says when the caller must stop producing (scanning pauses
// rather than dropping results). Ack(round, seq) deletes that round's batches with
// seq <= the acked one; everything else survives restarts and is re-sent.
#ifndef NARROWSCAN_PROBE_AGENT_SPOOL_H_
#define NARROWSCAN_PROBE_AGENT_SPOOL_H_

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "common/result.h"

namespace narrowscan {

class Spool {
 public:
  // Opens (creating) the folder and indexes the batches already there.
  static Result<Spool> Open(const std::string& dir, uint64_t max_bytes);

  Status Put(uint64_t round, uint64_t seq, const std::vector<uint8_t>& bytes);
  // Deletes round's batches with seq <= `seq`; returns how many.
  size_t Ack(uint64_t round, uint64_t seq);
  Result<std::vector<uint8_t>> Read(uint64_t round, uint64_t seq) const;

  // (round, seq) of every spooled batch, oldest first.
  std::vector<std::pair<uint64_t, uint64_t>> Pending() const;
  size_t Depth() const { return index_.size(); }
  uint64_t Bytes() const { return bytes_; }
  bool Full() const { return bytes_ >= max_bytes_; }
  // Below half the bound: producing may resume (hysteresis avoids flapping).
  bool Drained() const { return bytes_ < max_bytes_ / 2; }

 private:
  std::string PathOf(uint64_t round, uint64_t seq) const;
  std::string dir_;
  uint64_t max_bytes_ = 0, bytes_ = 0;
  std::map<std::pair<uint64_t, uint64_t>, uint64_t> index_;  // (round, seq) -> size
};

}  // namespace narrowscan

#endif  // NARROWSCAN_PROBE_AGENT_SPOOL_H_
