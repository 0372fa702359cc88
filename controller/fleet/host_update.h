// HostUpdate: turns committed results into per-host state the planner reads.
//
// EstimateDirtyHosts() runs the estimator on every host with results not yet
// estimated (fleet_hosts.dirty), using its open ports and banners of the latest round
// it answered in; it replaces the host's estimates, records the union of the estimated
// devices' ports, and decides deviation (planner.h Deviates) against the observation of
// the previous round the host answered in. MarkSilentHosts() sends hosts that were
// planned in a round and did not answer in it back to the standard set.
#ifndef NARROWSCAN_CONTROLLER_FLEET_HOST_UPDATE_H_
#define NARROWSCAN_CONTROLLER_FLEET_HOST_UPDATE_H_

#include <cstdint>

#include "common/result.h"
#include "controller/estimation/estimator.h"
#include "controller/fleet/fleet_store.h"

namespace narrowscan::fleet {

// Returns the number of hosts estimated. Works in transactions of `batch` hosts so the
// service stays responsive; a crash in between leaves the rest dirty for next time.
Result<uint64_t> EstimateDirtyHosts(FleetStore& store, const Estimator& estimator,
                                    double max_deviation, size_t batch = 2000);

// Returns the number of hosts marked deviated.
Result<uint64_t> MarkSilentHosts(FleetStore& store, int64_t round_id);

}  // namespace narrowscan::fleet

#endif  // NARROWSCAN_CONTROLLER_FLEET_HOST_UPDATE_H_
