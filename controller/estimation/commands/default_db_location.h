// Where the default device DB (controller/devices in the source tree) is found.
#ifndef NARROWSCAN_CONTROLLER_ESTIMATION_COMMANDS_DEFAULT_DB_LOCATION_H_
#define NARROWSCAN_CONTROLLER_ESTIMATION_COMMANDS_DEFAULT_DB_LOCATION_H_

#include <string>
#include <vector>

#include "common/result.h"

namespace narrowscan {

// The first existing folder of: $NARROWSCAN_DEVICES; <exe>/../share/narrowscan/devices
// (installed); the install prefix's share/narrowscan/devices; the source tree's
// controller/devices (build tree use). The error lists every place tried.
Result<std::string> LocateDefaultDb();

// `--db` values with "default" replaced by LocateDefaultDb(); an empty list means the
// default DB alone.
Result<std::vector<std::string>> ResolveDbPaths(const std::vector<std::string>& given);

}  // namespace narrowscan

#endif  // NARROWSCAN_CONTROLLER_ESTIMATION_COMMANDS_DEFAULT_DB_LOCATION_H_
