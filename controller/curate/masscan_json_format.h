// masscan's JSON outputs, one record a line:
//  -oJ: a "[" … "]" array whose elements sit one a line, with commas before or after
//       (depending on the masscan version): {"ip":…,"timestamp":"…","ports":[{"port":80,
//       "proto":"tcp","service":{"name":"http","banner":"…"}}]} or, for an open port,
//       "ports":[{"port":80,"proto":"tcp","status":"open",…}].
//  -oD: NDJSON, {"ip":…,"timestamp":"…","port":80,"proto":"tcp","rec_type":"banner",
//       "data":{"service_name":"http","banner":"…"}} or "rec_type":"status".
// masscan escapes every byte outside printable ASCII as \u00XX; those bytes are restored.
#ifndef NARROWSCAN_CONTROLLER_CURATE_MASSCAN_JSON_FORMAT_H_
#define NARROWSCAN_CONTROLLER_CURATE_MASSCAN_JSON_FORMAT_H_

#include <string_view>

#include "common/result.h"
#include "controller/curate/scan_record.h"

namespace narrowscan {

// Zero records for "[", "]", empty lines, closed ports and non-TCP records.
Result<ScanRecords> ParseMasscanJsonLine(std::string_view line);

}  // namespace narrowscan

#endif  // NARROWSCAN_CONTROLLER_CURATE_MASSCAN_JSON_FORMAT_H_
