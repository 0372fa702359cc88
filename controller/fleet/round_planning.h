// RoundPlanning: makes, signs and stores every probe's plan for one round, and reads
// stored plans back for publishing, `plan show` and the report scope check.
//
// A probe's scope is its region ∩ the targets − the active exclusions; its known hosts
// are the fleet_hosts rows in that scope. Everything of one round is written in one
// transaction: plan rows, the round's per-probe rows with the planned attempts per
// traffic class, and each listed host's planned round and scanned ports (the baseline
// the deviation check compares against).
#ifndef NARROWSCAN_CONTROLLER_FLEET_ROUND_PLANNING_H_
#define NARROWSCAN_CONTROLLER_FLEET_ROUND_PLANNING_H_

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"
#include "common/signature.h"
#include "common/wire/messages.h"
#include "controller/fleet/fleet_store.h"
#include "controller/fleet/planner.h"
#include "controller/fleet/port_profile.h"

namespace narrowscan::fleet {

struct PlanSettings {
  PlannerConfig planner;
  ProfileRules profiles;                // when a learned profile narrows a host
  size_t liveness_ports = 3;            // ports probed on watched silent addresses
  size_t bootstrap_liveness_ports = 1;  // of them, while churn is not yet measured
  double rate = 100;      // attempts/s per probe
  double per24_rate = 0;  // attempts/s per /24 (0 = no cap)
  size_t max_chunk_bytes = 256 << 10;
};

struct StoredPlan {
  std::string probe_id;
  int64_t version = 0, round_id = 0;
  std::string summary_json;
  std::vector<wire::Bytes> chunks;  // signed, ready to publish
};

// Plans round `round_id` for every registered probe.
Result<std::vector<StoredPlan>> PlanRound(FleetStore& store, int64_t round_id,
                                          const PlanSettings& settings, const SigningKey& key);

// The newest stored plan of `probe_id`, if any.
Result<std::optional<StoredPlan>> LatestPlan(FleetStore& store, const std::string& probe_id);

// Every plan stored for `probe_id` in `round_id` (a plan made after the round started
// adds a version), decoded as the probe decodes them: chunks verified with the
// controller's key `key` and assembled. Errors name the version and the problem.
Result<std::vector<wire::Plan>> RoundPlans(FleetStore& store, const std::string& probe_id,
                                           int64_t round_id, const VerifyingKey& key);

}  // namespace narrowscan::fleet

#endif  // NARROWSCAN_CONTROLLER_FLEET_ROUND_PLANNING_H_
