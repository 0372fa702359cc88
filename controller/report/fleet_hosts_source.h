// Reads the hosts of one fleet round (open ports and banners) back from the store, in
// the estimator's Host form, so evaluation runs on what the probes really grabbed.
#ifndef NARROWSCAN_CONTROLLER_REPORT_FLEET_HOSTS_SOURCE_H_
#define NARROWSCAN_CONTROLLER_REPORT_FLEET_HOSTS_SOURCE_H_

#include <cstdint>
#include <vector>

#include "common/result.h"
#include "controller/estimation/host.h"
#include "controller/store/store.h"

namespace narrowscan {

// round 0 = the latest round that has results.
Result<std::vector<Host>> LoadRoundHosts(Store& store, int64_t round);

}  // namespace narrowscan

#endif  // NARROWSCAN_CONTROLLER_REPORT_FLEET_HOSTS_SOURCE_H_
