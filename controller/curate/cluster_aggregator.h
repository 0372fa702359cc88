// ClusterAggregator: groups identical normalised banners into clusters (paper §4.1.2)
// with banner count, distinct IPs, ports, first and last seen. Pure, in memory.
//
// A cluster is identified by its key, a 64-bit FNV-1a hash of (service, normalised
// banner, normalised certificate subject and issuer). The key depends on content
// only, so the same data gives the same keys on every run and review decisions
// stored by key survive re-runs. Keys print as 16 hex digits.
#ifndef NARROWSCAN_CONTROLLER_CURATE_CLUSTER_AGGREGATOR_H_
#define NARROWSCAN_CONTROLLER_CURATE_CLUSTER_AGGREGATOR_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/ipv4.h"
#include "common/result.h"

namespace narrowscan {

struct NormalizedBanner {
  std::string service;
  std::string banner;
  std::string tls_subject;
  std::string tls_issuer;
  friend bool operator==(const NormalizedBanner&, const NormalizedBanner&) = default;
};

uint64_t ClusterKeyOf(const NormalizedBanner& banner);
std::string FormatClusterKey(uint64_t key);
// Exactly 16 hex digits.
Result<uint64_t> ParseClusterKey(std::string_view text);

struct Cluster {
  uint64_t key = 0;
  NormalizedBanner content;
  uint64_t banner_count = 0;
  std::vector<Ipv4> ips;        // sorted, unique after Finish()
  std::vector<uint16_t> ports;  // sorted, unique after Finish()
  int64_t first_seen = 0;
  int64_t last_seen = 0;
  int64_t sample_banner_id = 0;  // the first banner added
  std::vector<int64_t> banner_ids;
};

class ClusterAggregator {
 public:
  void Add(NormalizedBanner banner, Ipv4 ip, uint16_t port, int64_t seen, int64_t banner_id);
  // Clusters by banner count (largest first), then key. Leaves the aggregator empty.
  std::vector<Cluster> Finish();

 private:
  std::unordered_map<uint64_t, size_t> index_;
  std::vector<Cluster> clusters_;
};

}  // namespace narrowscan

#endif  // NARROWSCAN_CONTROLLER_CURATE_CLUSTER_AGGREGATOR_H_
