// HostUpdate: turns committed results into per-host state the planner reads.
//
// EstimateDirtyHosts() runs the estimator on every host with results not yet
// estimated (fleet_hosts.dirty), using its open ports and banners of the latest round
// it answered in; it replaces the host's estimates, records the union of the estimated
// devices' ports and the host's profile keys (port_profile.h), keeps its open ports as
// its full observation when that round scanned it with the whole standard set, and
// decides deviation (planner.h Deviates) against the observation of the previous round
// the host answered in. MarkSilentHosts() counts, for hosts that were planned in a round
// and did not answer in it, how many planned rounds in a row they stayed silent.
#ifndef NARROWSCAN_CONTROLLER_FLEET_HOST_UPDATE_H_
#define NARROWSCAN_CONTROLLER_FLEET_HOST_UPDATE_H_

#include <cstdint>
#include <vector>

#include "common/result.h"
#include "controller/estimation/estimator.h"
#include "controller/fleet/fleet_store.h"

namespace narrowscan::fleet {

struct HostUpdateOptions {
  double max_deviation = 0.5;
  // The standard set of the controller: a round that scanned a host with all of it
  // gives the host's full observation. Empty = every round counts as full.
  std::vector<uint16_t> standard_ports;
  size_t batch = 2000;  // hosts per transaction
};

// Returns the number of hosts estimated. Works in transactions of `options.batch` hosts
// so the service stays responsive; a crash in between leaves the rest dirty.
Result<uint64_t> EstimateDirtyHosts(FleetStore& store, const Estimator& estimator,
                                    const HostUpdateOptions& options);

// Returns the number of hosts that stayed silent.
Result<uint64_t> MarkSilentHosts(FleetStore& store, int64_t round_id);

}  // namespace narrowscan::fleet

#endif  // NARROWSCAN_CONTROLLER_FLEET_HOST_UPDATE_H_
