// ProbeJson: one registered probe as `narrowscan probes list --json` prints it, and as
// the status server's /api/probes serves it (one definition for both):
//   {"id","state","last_seen","region":[CIDR…],"status":{…last status, {} if none}}
// `status` is the probe's last status message as the service stored it (software,
// state, round, done, total, rate, spool_depth, attempts, bytes_sent, …); a stored
// status that does not parse is shown as {}.
#ifndef NARROWSCAN_CONTROLLER_FLEET_PROBE_JSON_H_
#define NARROWSCAN_CONTROLLER_FLEET_PROBE_JSON_H_

#include <nlohmann/json.hpp>

#include "controller/fleet/fleet_store.h"

namespace narrowscan::fleet {

// The probe's last status as JSON ({} when it has none or it does not parse).
nlohmann::json ProbeStatusJson(const ProbeRecord& probe);

nlohmann::json ProbeJson(const ProbeRecord& probe);

}  // namespace narrowscan::fleet

#endif  // NARROWSCAN_CONTROLLER_FLEET_PROBE_JSON_H_
