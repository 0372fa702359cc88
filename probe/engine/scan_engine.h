// ScanEngine: walks a TargetSpace in TargetPermutation order on an Asio io_context and
// reports one ScanResult per attempted pair.
//
// Contract:
// - Pacing: at most ScanConfig::rate attempts per second overall (token bucket from
//   common/rate_limiter.h) and rate_per_24 per destination /24; at most
//   max_concurrency sockets open at once.
// - Threads (ScanConfig::threads = k > 1, like zmap's sender threads): shard i of n is
//   walked as the k sub-shards i + j*n of n*k (TargetPermutation shards by cycle
//   position modulo the shard count, so these are exactly shard i's positions), each
//   by a lane with its own thread, io_context and sockets; lane 0 runs on the caller's
//   io_context. Each lane gets rate/k, rate_per_24/k and max_concurrency/k (connect
//   mode; at least 1), so the totals hold exactly as sums. The per-/24 cap is then an
//   approximation from below: a /24's pairs are spread over the lanes by the random
//   order, and a lane's share of the cap is never borrowed by another, so a /24 may
//   get less than its cap, never more. The concurrency split is the same kind of
//   approximation: a lane's idle sockets are not lent to a busier one. In --syn mode
//   lane 0 owns the receive socket, reports and grabs banners (with the whole
//   max_concurrency); every lane sends and reads replies (ScanLane).
// - Pause/Resume/Stop/UpdateExclusions before Start() do nothing.
// - Safety: right before every attempt the address is checked against the scope (if
//   set) and the current exclusions; UpdateExclusions() replaces them at any time from
//   any thread, takes effect for the next attempt, and aborts in-flight sessions to
//   addresses that became excluded (their results are dropped).
// - Results: on_result is called on the io_context thread, once per attempted pair
//   (connect mode) or once per answering pair (--syn: open, and closed from RSTs; no
//   per-target state, so no timeouts); only open ones with ScanConfig::open_only.
//   Other lanes' results are handed over in batches (LaneOutbox).
// - Checkpoints: CheckpointPositions() holds one permutation position per lane such
//   that every pair of the lane before it has been passed to on_result (or counted,
//   with open_only) or skipped; a new engine with the same space, seed, shard and
//   threads, started there (ScanConfig::start_positions), covers the rest (in-flight
//   pairs at the stop are redone).
// - Pause()/Resume() stop and restart new attempts (in-flight ones finish), e.g. when
//   the caller's spool is full. Stop() ends the scan early: no new attempts, in-flight
//   sessions are aborted, on_done runs.
// All members except UpdateExclusions/Pause/Resume/Stop/counters() must be called on
// the io_context thread. Destroying the engine (on that thread, or once the io_context
// stopped) ends the scan at once: no further attempts or callbacks, sockets closed.
#ifndef NARROWSCAN_PROBE_ENGINE_SCAN_ENGINE_H_
#define NARROWSCAN_PROBE_ENGINE_SCAN_ENGINE_H_

#include <asio.hpp>
#include <functional>
#include <memory>
#include <vector>

#include "common/result.h"
#include "probe/engine/scan_config.h"
#include "probe/engine/scan_counters.h"
#include "probe/engine/scan_result.h"
#include "probe/engine/target_space.h"

namespace narrowscan {

class ScanEngine {
 public:
  using ResultCallback = std::function<void(ScanResult&&)>;
  using DoneCallback = std::function<void()>;

  ScanEngine(asio::io_context& io, ScanConfig config, TargetSpace targets,
             ResultCallback on_result);
  ~ScanEngine();
  ScanEngine(const ScanEngine&) = delete;
  ScanEngine& operator=(const ScanEngine&) = delete;

  // Checks what the mode needs (raw socket for --syn, TLS setup) and starts. Errors
  // say what is missing; nothing is sent then.
  Status Start(DoneCallback on_done);

  void UpdateExclusions(RangeSet exclusions);
  void Pause();
  void Resume();
  void Stop();

  // Shared by all lanes (relaxed atomics): readable from any thread.
  const ScanCounters& counters() const;
  std::vector<uint64_t> CheckpointPositions() const;
  // The one position of a one-thread scan. REQUIRES: ScanConfig::threads == 1.
  uint64_t CheckpointPosition() const;
  bool Finished() const;
  // Pairs this shard will walk in all, and how many are behind us (for progress).
  uint64_t TotalPairs() const;

 private:
  class Impl;
  std::shared_ptr<Impl> impl_;
};

// True when this process may open raw IPv4 sockets (CAP_NET_RAW), which --syn needs.
bool HasRawSocketCapability();

}  // namespace narrowscan

#endif  // NARROWSCAN_PROBE_ENGINE_SCAN_ENGINE_H_
