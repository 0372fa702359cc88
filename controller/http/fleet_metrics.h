// FleetMetrics: which metrics `narrowscan serve --http` exposes on /metrics and from
// what (all names prefixed narrowscan_; docs/design.md "Operations" lists them).
// RenderFleetMetrics is pure: the status server gathers a FleetMetricsInput (store
// reads, the service's snapshot, the store's size) and this turns it into text.
//
//   rounds_total, round_current_id, round_current_state{state}    the rounds
//   probe_attempts_total{probe}, probe_results_total{probe}       summed over rounds
//   fleet_refusals_total{probe,reason}                            refused report batches
//   probes_registered, probes_online, probe_online{probe}         from probe statuses
//   probe_spool_depth{probe}, probe_round_progress_ratio{probe}   if the status has them
//   batches_total{outcome}, results_committed_total, statuses_total,
//   hosts_estimated_total, broker_connected                       the service (since start)
//   last_round_planning_seconds{round}, last_round_estimation_seconds{round}
//   store_size_bytes, learned_profiles, hosts_answered, hosts_estimated, hosts_by_type
#ifndef NARROWSCAN_CONTROLLER_HTTP_FLEET_METRICS_H_
#define NARROWSCAN_CONTROLLER_HTTP_FLEET_METRICS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "controller/fleet/fleet_stats.h"
#include "controller/fleet/fleet_store.h"
#include "controller/fleet/service_board.h"

namespace narrowscan::http {

struct FleetMetricsInput {
  int64_t rounds = 0;
  std::optional<fleet::RoundRecord> current_round;  // the latest
  std::vector<fleet::ProbeRecord> probes;
  fleet::FleetStats stats;
  fleet::ServiceSnapshot service;
  int64_t store_bytes = 0;  // the store file with its -wal
};

// A probe is online when its last status was not "offline" and it has been seen.
bool ProbeOnline(const fleet::ProbeRecord& probe);

std::string RenderFleetMetrics(const FleetMetricsInput& in);

}  // namespace narrowscan::http

#endif  // NARROWSCAN_CONTROLLER_HTTP_FLEET_METRICS_H_
