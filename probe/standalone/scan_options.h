// The options of `narrowscan-probe scan` and their resolution into an engine setup.
// Resolution reads the files the options name and checks every value, so that a bad
// argument fails with a message (and exit code 2) before any packet is sent.
#ifndef NARROWSCAN_PROBE_STANDALONE_SCAN_OPTIONS_H_
#define NARROWSCAN_PROBE_STANDALONE_SCAN_OPTIONS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/range_set.h"
#include "common/result.h"
#include "probe/engine/scan_config.h"
#include "probe/engine/target_space.h"

namespace narrowscan {

struct ScanOptions {
  std::string targets;  // CIDR, range, address, comma-separated list of those, or a file
  std::string ports;    // "80,443,8000-8100"
  double rate = 100;
  double rate_per_24 = 0;
  std::vector<std::string> exclude_files;
  bool no_default_excludes = false;
  std::optional<uint64_t> seed;  // random when not given (and not resuming)
  std::string shard = "1/1";     // i/k, 1 <= i <= k (masscan's form)
  uint32_t max_concurrency = 1000;
  std::optional<uint32_t> threads;  // default: DefaultScanThreads(); kept on resume
  std::string resume_file;
  std::string output = "-";
  bool hosts = false;
  bool all_states = false;
  bool syn = false;
  bool no_banners = false;
  uint32_t connect_timeout_ms = 2000;
  uint32_t banner_wait_ms = 1000;
  uint32_t grab_timeout_ms = 5000;
  uint32_t idle_ms = 500;
  uint32_t max_banner = 4096;
  uint32_t syn_wait_ms = 1000;
  uint32_t checkpoint_every_s = 5;
  bool json = false;
};

struct ResolvedScan {
  ScanConfig config;  // everything but seed/start_position when resuming
  TargetSpace space;
  RangeSet targets;
  std::vector<uint16_t> ports;
  RangeSet exclusions;
};

// Online CPUs, at most 4 (the kernel's TCP work per attempt is what threads spread).
uint32_t DefaultScanThreads();
constexpr uint32_t kMaxScanThreads = 64;

// Parses "i/k" into a 0-based shard index and count.
Result<std::pair<uint32_t, uint32_t>> ParseShard(std::string_view text);
// Targets: a file path if one exists by that name, else a comma-separated list of
// addresses, CIDR blocks and ranges.
Result<RangeSet> ResolveTargets(const std::string& text);
Result<ResolvedScan> ResolveScanOptions(const ScanOptions& options);

}  // namespace narrowscan

#endif  // NARROWSCAN_PROBE_STANDALONE_SCAN_OPTIONS_H_
