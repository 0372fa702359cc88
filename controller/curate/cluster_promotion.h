// Promotion: turns a reviewed cluster into a device entry appended to a device DB
// file (paper §4.1.3), and records the decision.
//
// The entry's keywords are the reviewer's (or, when none are given, the cluster's
// best suggested keyword); its example is the cluster's sample banner, which the
// keywords must match. Its port set is the union of the open ports of every IP of
// the dataset that the keywords match, "match" meaning what the estimator would
// need to report the entry: Sb >= min(th, total keyword weight). The file is
// re-loaded with the DB loader after writing and restored if it no longer loads, so a
// promotion never leaves a DB the estimator refuses. Promoting a cluster twice, or
// to an id the DB already has, is refused.
#ifndef NARROWSCAN_CONTROLLER_CURATE_CLUSTER_PROMOTION_H_
#define NARROWSCAN_CONTROLLER_CURATE_CLUSTER_PROMOTION_H_

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"
#include "controller/estimation/device_entry.h"
#include "controller/store/store.h"

namespace narrowscan {

struct PromotionRequest {
  std::string dataset;
  std::string cluster;  // id or unique prefix
  std::string id, vendor, type, product, model, version;
  // "[FIELD=]REGEX[:WEIGHT]"; keywords without a weight share what the others leave of 1.
  std::vector<std::string> keywords;
  std::string db_path;
  std::string who;
  std::string reason;
  double threshold = 0.8;  // th of the estimator the DB is meant for
};

struct PromotionResult {
  DeviceEntry entry;
  uint64_t cluster_key = 0;
  int64_t matched_ips = 0;
  std::string toml;  // what was appended
};

Result<PromotionResult> PromoteCluster(Store& store, const PromotionRequest& request);

// Parses one --keyword value. Errors name the value.
Result<Keyword> ParseKeywordSpec(const std::string& spec);

}  // namespace narrowscan

#endif  // NARROWSCAN_CONTROLLER_CURATE_CLUSTER_PROMOTION_H_
