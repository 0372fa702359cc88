// Where the default device DB (controller/devices in the source tree) is found.
#ifndef NARROWSCAN_CONTROLLER_ESTIMATION_DEFAULT_DB_LOCATION_H_
#define NARROWSCAN_CONTROLLER_ESTIMATION_DEFAULT_DB_LOCATION_H_

#include <string>
#include <vector>

#include "common/result.h"

namespace narrowscan {

// $NARROWSCAN_DEVICES when set (an error if it is not a folder); else the first
// existing folder of: <exe>/../share/narrowscan/devices
// (an installed binary); the source tree's controller/devices (a build-tree binary);
// the install prefix's share/narrowscan/devices. The error lists every place tried.
Result<std::string> LocateDefaultDb();

// `--db` values with "default" replaced by LocateDefaultDb(); an empty list means the
// default DB alone.
Result<std::vector<std::string>> ResolveDbPaths(const std::vector<std::string>& given);

}  // namespace narrowscan

#endif  // NARROWSCAN_CONTROLLER_ESTIMATION_DEFAULT_DB_LOCATION_H_
