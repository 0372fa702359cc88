// Everything that shapes one scan. Defaults suit a probe on a small router; the
// standalone CLI prints them in --help.
#ifndef NARROWSCAN_PROBE_ENGINE_SCAN_CONFIG_H_
#define NARROWSCAN_PROBE_ENGINE_SCAN_CONFIG_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "common/ipv4.h"
#include "common/range_set.h"

namespace narrowscan {

struct ScanConfig {
  // Pacing. rate: connection attempts (SYNs in --syn mode) per second over the whole
  // scan; rate_per_24: per destination /24 (0 = no per-/24 cap).
  double rate = 100;
  double rate_per_24 = 0;
  uint32_t max_concurrency = 1000;  // open sockets at once (connects + banner grabs)
  uint32_t max_tls_sessions = 64;   // TLS sessions at once (each holds ~35 KB in mbedTLS)

  // Order: TargetPermutation(size, seed, shard, shards), started at start_position
  // (a checkpoint's position; 0 for a fresh scan).
  uint64_t seed = 1;
  uint32_t shard = 0;
  uint32_t shards = 1;
  uint64_t start_position = 0;

  // Threads (ScanEngine's lanes), each walking its own sub-shard of the shard with its
  // own sockets. With threads > 1, a resumed scan gives one position per lane in
  // start_positions (ScanEngine::CheckpointPositions() of the stopped scan, same
  // threads); empty = a fresh scan. threads == 1 uses start_position.
  uint32_t threads = 1;
  std::vector<uint64_t> start_positions;

  // Safety: a pair is attempted only when its address is in `scope` (when scope is not
  // empty) and not in `exclusions`. Both are checked right before every attempt.
  RangeSet scope;
  RangeSet exclusions;

  // Timeouts and bounds.
  std::chrono::milliseconds connect_timeout{2000};
  std::chrono::milliseconds server_first_wait{1000};  // how long to wait for a greeting
  std::chrono::milliseconds grab_timeout{5000};       // the whole banner grab after connect
  std::chrono::milliseconds idle_gap{500};            // end the grab after this much silence
  size_t max_banner_bytes = 4096;
  bool grab_banners = true;
  // Report only open pairs; the others are still counted. Most attempts of a scan are
  // closed or time out: not building and handing over their results saves the work
  // and, with threads, the memory of results queued for the caller's thread.
  bool open_only = false;

  // --syn: stateless SYN discovery on a raw socket, then connect-based grabbing of the
  // ports that answered. syn_wait: how long to listen for replies after the last SYN.
  bool syn = false;
  std::chrono::milliseconds syn_wait{1000};
  Ipv4 syn_source = 0;  // 0 = the kernel's route source for each destination /24
};

}  // namespace narrowscan

#endif  // NARROWSCAN_PROBE_ENGINE_SCAN_CONFIG_H_
