// Makes the results of one of the fleet's own scan rounds (the open ports of a round
// in the same store, read through the fleet's read API fleet::FleetReader) a curate
// dataset, so the device DB can be grown from what the probes see.
#ifndef NARROWSCAN_CONTROLLER_CURATE_FLEET_ROUND_IMPORT_H_
#define NARROWSCAN_CONTROLLER_CURATE_FLEET_ROUND_IMPORT_H_

#include <cstdint>
#include <string>

#include "common/result.h"
#include "controller/store/store.h"

namespace narrowscan {

struct RoundImportCounts {
  int64_t open_ports = 0;
  int64_t banners = 0;
};

// Appends round `round`'s open ports and banners to `dataset` (created if missing).
// Errors when the store has no fleet tables or the round has no results.
Result<RoundImportCounts> ImportFleetRound(Store& store, int64_t round, const std::string& dataset);

}  // namespace narrowscan

#endif  // NARROWSCAN_CONTROLLER_CURATE_FLEET_ROUND_IMPORT_H_
