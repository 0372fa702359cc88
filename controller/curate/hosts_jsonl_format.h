// The design's hosts JSONL (ARCHITECTURE §7), one host a line:
// {"ip":"192.0.2.7","open_ports":[80,554],"banners":[{"port":80,"service":"http",
//  "banner":"…"},{"port":443,"service":"tls","banner":"","tls":{"subject":"…","issuer":"…"}}]}
// Optional "timestamp"/"time"/"seen" (unix seconds) dates every record of the line.
#ifndef NARROWSCAN_CONTROLLER_CURATE_HOSTS_JSONL_FORMAT_H_
#define NARROWSCAN_CONTROLLER_CURATE_HOSTS_JSONL_FORMAT_H_

#include <string_view>

#include "common/result.h"
#include "controller/curate/scan_record.h"

namespace narrowscan {

// One record per banner and one banner-less record per open port without a banner.
Result<ScanRecords> ParseHostsJsonlLine(std::string_view line);

}  // namespace narrowscan

#endif  // NARROWSCAN_CONTROLLER_CURATE_HOSTS_JSONL_FORMAT_H_
