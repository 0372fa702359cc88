// Review decisions on clusters: promote (became a device entry) or skip (not worth
// one), with who, when and why. Stored by (dataset, cluster key), so review is
// resumable, several reviewers can share one store, and decisions survive re-runs.
// A cluster is promoted at most once (a unique index enforces it); a skipped cluster
// can still be promoted later, and its latest decision is the one that counts.
#ifndef NARROWSCAN_CONTROLLER_CURATE_REVIEW_DECISIONS_H_
#define NARROWSCAN_CONTROLLER_CURATE_REVIEW_DECISIONS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "controller/curate/iot_features.h"
#include "controller/store/store.h"

namespace narrowscan {

struct Decision {
  uint64_t cluster_key = 0;
  std::string action;  // promote | skip
  std::string who;
  int64_t decided_at = 0;
  std::string reason;
  std::string device_id;  // promote only
  std::string db_path;    // promote only
};

// $NARROWSCAN_REVIEWER, else $USER, else "unknown".
std::string CurrentReviewer();

// The cluster's latest decision, if any.
Result<std::optional<Decision>> LatestDecision(Store& store, int64_t dataset, uint64_t key);
// Errors when promoting a cluster that already was promoted (naming who and when).
// `features` are kept to train the IoT-likelihood score.
Status RecordDecision(Store& store, int64_t dataset, const Decision& decision,
                      IotFeatureSet features);
// Every decision of the dataset, oldest first.
Result<std::vector<Decision>> ListDecisions(Store& store, int64_t dataset);

}  // namespace narrowscan

#endif  // NARROWSCAN_CONTROLLER_CURATE_REVIEW_DECISIONS_H_
