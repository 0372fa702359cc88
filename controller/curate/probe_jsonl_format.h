// The probe's standalone output (`narrowscan-probe --targets … --ports …`), one result
// a line: {"ip":"192.0.2.7","port":80,"state":"open","service":"http","banner":"…"}
// with "banner_b64" instead of "banner" for bytes that are not UTF-8 and an optional
// "tls":{"subject":…,"issuer":…}. Results whose state is not "open" carry nothing.
#ifndef NARROWSCAN_CONTROLLER_CURATE_PROBE_JSONL_FORMAT_H_
#define NARROWSCAN_CONTROLLER_CURATE_PROBE_JSONL_FORMAT_H_

#include <string_view>

#include "common/result.h"
#include "controller/curate/scan_record.h"

namespace narrowscan {

Result<ScanRecords> ParseProbeJsonlLine(std::string_view line);

}  // namespace narrowscan

#endif  // NARROWSCAN_CONTROLLER_CURATE_PROBE_JSONL_FORMAT_H_
