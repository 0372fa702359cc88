// FleetStats: the fleet's counts for monitoring (the status server's /metrics and its
// page), read from the store in a handful of aggregate queries:
//   - per probe, attempts and results summed over every round it took part in;
//   - refused report batches (fleet_refusals) per probe and kind of refusal;
//   - learned profiles, hosts that answered and hosts with an estimate;
//   - hosts by the type and vendor of their best match (rank 0).
// Refusal reasons are free text naming addresses and sequence numbers; RefusalKind
// maps one to a small fixed set, so a metric label never grows with the input.
#ifndef NARROWSCAN_CONTROLLER_FLEET_FLEET_STATS_H_
#define NARROWSCAN_CONTROLLER_FLEET_FLEET_STATS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "controller/fleet/fleet_store.h"

namespace narrowscan::fleet {

struct ProbeTotals {
  std::string probe;
  int64_t attempts = 0, results = 0;
};

struct RefusalTotal {
  std::string probe, kind;
  int64_t count = 0;
};

struct HostGroup {
  std::string type, vendor;  // "unknown" when the estimate has none
  int64_t hosts = 0;
};

struct FleetStats {
  std::vector<ProbeTotals> probes;      // by probe id
  std::vector<RefusalTotal> refusals;   // by probe, then kind
  std::vector<HostGroup> hosts_by_type_vendor;  // most hosts first
  int64_t profiles = 0;
  int64_t hosts_answered = 0, hosts_estimated = 0;
};

// One of: unknown_probe, wrong_probe, invalid_batch (decoding or signature),
// outside_region, round_ended, port_not_planned, too_many_results, not_assigned,
// store_error.
std::string_view RefusalKind(std::string_view reason);

Result<FleetStats> ReadFleetStats(FleetStore& store);

}  // namespace narrowscan::fleet

#endif  // NARROWSCAN_CONTROLLER_FLEET_FLEET_STATS_H_
