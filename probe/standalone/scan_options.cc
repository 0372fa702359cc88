#include "probe/standalone/scan_options.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <random>

#include "common/exclusion_list.h"
#include "common/port_list.h"

namespace narrowscan {

Result<std::pair<uint32_t, uint32_t>> ParseShard(std::string_view text) {
  const size_t slash = text.find('/');
  uint32_t i = 0, k = 0;
  auto parse = [](std::string_view s, uint32_t* v) {
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *v);
    return ec == std::errc() && p == s.data() + s.size() && !s.empty();
  };
  if (slash == std::string_view::npos || !parse(text.substr(0, slash), &i) ||
      !parse(text.substr(slash + 1), &k) || k == 0 || i == 0 || i > k) {
    return Error{"--shard '" + std::string(text) + "': expected i/k with 1 <= i <= k"};
  }
  return std::make_pair(i - 1, k);
}

Result<RangeSet> ResolveTargets(const std::string& text) {
  struct stat st {};
  if (::stat(text.c_str(), &st) == 0) {
    // Same syntax as exclusion files: one CIDR/range/address a line, '#' comments.
    auto set = LoadExclusionFile(text);
    if (!set.ok()) return Error{"--targets: " + set.error()};
    if (set->Empty()) return Error{"--targets " + text + ": the file lists no address"};
    return set;
  }
  RangeSet set;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(',', start);
    if (end == std::string::npos) end = text.size();
    const std::string item = text.substr(start, end - start);
    auto range = ParseIpv4Range(item);
    if (!range.ok()) {
      return Error{"--targets '" + text +
                   "': neither a readable file nor addresses: " + range.error()};
    }
    set.Add(*range);
    start = end + 1;
  }
  return set;
}

Result<ResolvedScan> ResolveScanOptions(const ScanOptions& o) {
  ResolvedScan r;
  auto targets = ResolveTargets(o.targets);
  if (!targets.ok()) return Error{targets.error()};
  r.targets = std::move(*targets);
  auto ports = ParsePortList(o.ports);
  if (!ports.ok()) return Error{"--ports: " + ports.error()};
  if (ports->empty()) return Error{"--ports '" + o.ports + "': no port"};
  r.ports = std::move(*ports);
  if (!(o.rate > 0) || o.rate > 10'000'000) {
    return Error{"--rate " + std::to_string(o.rate) + ": must be in (0, 10000000]"};
  }
  if (o.rate_per_24 < 0) return Error{"--rate-per-24: must be >= 0"};
  if (o.max_concurrency == 0) return Error{"--max-concurrency: must be >= 1"};
  if (o.threads && (*o.threads == 0 || *o.threads > kMaxScanThreads)) {
    return Error{"--threads " + std::to_string(*o.threads) + ": must be in 1.." +
                 std::to_string(kMaxScanThreads)};
  }
  if (o.max_banner == 0 || o.max_banner > 65536) return Error{"--max-banner: 1..65536 bytes"};
  auto shard = ParseShard(o.shard);
  if (!shard.ok()) return Error{shard.error()};

  if (!o.no_default_excludes) r.exclusions = DefaultReservedRanges();
  for (const std::string& file : o.exclude_files) {
    auto set = LoadExclusionFile(file);
    if (!set.ok()) return Error{"--exclude-file: " + set.error()};
    r.exclusions = r.exclusions.Union(*set);
  }

  ScanConfig& c = r.config;
  c.rate = o.rate;
  c.rate_per_24 = o.rate_per_24;
  c.max_concurrency = o.max_concurrency;
  c.threads = o.threads.value_or(DefaultScanThreads());
  c.seed = o.seed ? *o.seed : std::random_device{}();
  c.shard = shard->first;
  c.shards = shard->second;
  c.scope = r.targets;
  c.exclusions = r.exclusions;
  c.connect_timeout = std::chrono::milliseconds(o.connect_timeout_ms);
  c.server_first_wait = std::chrono::milliseconds(o.banner_wait_ms);
  c.grab_timeout = std::chrono::milliseconds(o.grab_timeout_ms);
  c.idle_gap = std::chrono::milliseconds(o.idle_ms);
  c.max_banner_bytes = o.max_banner;
  c.grab_banners = !o.no_banners;
  c.open_only = !o.all_states;
  c.syn = o.syn;
  c.syn_wait = std::chrono::milliseconds(o.syn_wait_ms);
  // Excluded addresses are left out of the space itself, so the permutation only walks
  // pairs that may be probed; the engine still re-checks every attempt.
  r.space.AddSegment(AllowedTargets(r.targets, r.exclusions), r.ports);
  return r;
}

uint32_t DefaultScanThreads() {
  const long online = ::sysconf(_SC_NPROCESSORS_ONLN);
  return static_cast<uint32_t>(std::clamp<long>(online, 1, 4));
}

}  // namespace narrowscan
