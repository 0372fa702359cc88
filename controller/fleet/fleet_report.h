// FleetReport: what `narrowscan report` prints — hosts, estimates by device type and by
// estimation level (the paper's Tables 3 and 4), and the traffic of every round (and of
// each probe in it) with its metrics: reduction, responsive_reduction and wire_bytes
// by round_metrics.h, per round and summed over the rounds after the first.
#ifndef NARROWSCAN_CONTROLLER_FLEET_FLEET_REPORT_H_
#define NARROWSCAN_CONTROLLER_FLEET_FLEET_REPORT_H_

#include <nlohmann/json.hpp>
#include <string>

#include "common/result.h"
#include "controller/fleet/fleet_store.h"

namespace narrowscan::fleet {

// round_id 0 = every round.
Result<nlohmann::json> BuildFleetReport(FleetStore& store, int64_t round_id);
std::string FormatFleetReport(const nlohmann::json& report);

// One round's per-probe and total traffic (used by `round status` too).
Result<nlohmann::json> RoundTraffic(FleetStore& store, const RoundRecord& round);

}  // namespace narrowscan::fleet

#endif  // NARROWSCAN_CONTROLLER_FLEET_FLEET_REPORT_H_
