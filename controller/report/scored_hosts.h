// Scores hosts once against every device of a DB, keeping every device with Sb > 0 or
// Sp > 0 as a Candidate, for sweeps and evaluations at any (th, α).
#ifndef NARROWSCAN_CONTROLLER_REPORT_SCORED_HOSTS_H_
#define NARROWSCAN_CONTROLLER_REPORT_SCORED_HOSTS_H_

#include <vector>

#include "common/result.h"
#include "controller/estimation/device_entry.h"
#include "controller/estimation/host.h"
#include "controller/report/sweep.h"

namespace narrowscan {

Result<std::vector<ScoredHost>> ScoreHosts(DeviceDb db, const std::vector<Host>& hosts);

}  // namespace narrowscan

#endif  // NARROWSCAN_CONTROLLER_REPORT_SCORED_HOSTS_H_
