// Read access to the clusters a `curate run` stored, for review (list, show, promote).
#ifndef NARROWSCAN_CONTROLLER_CURATE_CLUSTER_CATALOG_H_
#define NARROWSCAN_CONTROLLER_CURATE_CLUSTER_CATALOG_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/ipv4.h"
#include "common/result.h"
#include "controller/curate/cluster_aggregator.h"
#include "controller/store/store.h"

namespace narrowscan {

struct ClusterSummary {
  uint64_t key = 0;
  NormalizedBanner content;
  std::vector<uint16_t> ports;
  int64_t banner_count = 0;
  int64_t ip_count = 0;
  int64_t first_seen = 0;
  int64_t last_seen = 0;
  int64_t sample_banner_id = 0;
  double iot_score = 0;
  std::string decision;   // latest decision: "", "promote" or "skip"
  std::string device_id;  // when promoted
};

enum class ClusterOrder { kSize, kIot };

struct ClusterQuery {
  int64_t min_ips = 0;
  ClusterOrder order = ClusterOrder::kSize;
  bool undecided_only = false;
  int64_t limit = -1;  // -1: all
};

Result<std::vector<ClusterSummary>> ListClusters(Store& store, int64_t dataset,
                                                 const ClusterQuery& query);
// A cluster id as printed (16 hex digits) or a unique prefix of one (>= 4 digits).
Result<uint64_t> ResolveClusterKey(Store& store, int64_t dataset, std::string_view text);
Result<ClusterSummary> GetCluster(Store& store, int64_t dataset, uint64_t key);

struct ClusterSample {
  Ipv4 ip = 0;
  uint16_t port = 0;
  std::string service;
  std::string banner;  // raw bytes
  std::string tls_subject, tls_issuer;
};
// The first `limit` member banners (the sample banner first).
Result<std::vector<ClusterSample>> ClusterSamples(Store& store, int64_t dataset, uint64_t key,
                                                  int64_t limit);
// Distinct member IPs, ascending; at most `limit` (-1: all).
Result<std::vector<Ipv4>> ClusterIps(Store& store, int64_t dataset, uint64_t key, int64_t limit);

// Visits every cluster's content and first port (for dataset-wide statistics).
Status ForEachClusterContent(Store& store, int64_t dataset,
                             const std::function<void(const NormalizedBanner&, uint16_t)>& visit);

}  // namespace narrowscan

#endif  // NARROWSCAN_CONTROLLER_CURATE_CLUSTER_CATALOG_H_
