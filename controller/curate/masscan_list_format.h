// masscan's list output (-oL): "open tcp 80 192.0.2.7 1589470736" for a port and
// "banner tcp 80 192.0.2.7 1589470737 http HTTP/1.1 200 OK\x0d\x0a…" for a banner,
// with every byte outside printable ASCII (and '\\', '<', '>', '&') written \xXX
// (hex_escapes.h).
// Comment lines ("#masscan", "# end") and empty lines carry nothing.
#ifndef NARROWSCAN_CONTROLLER_CURATE_MASSCAN_LIST_FORMAT_H_
#define NARROWSCAN_CONTROLLER_CURATE_MASSCAN_LIST_FORMAT_H_

#include <string>
#include <string_view>

#include "common/result.h"
#include "controller/curate/scan_record.h"

namespace narrowscan {

// Zero records for comments, closed ports and non-TCP lines; one otherwise.
Result<ScanRecords> ParseMasscanListLine(std::string_view line);

}  // namespace narrowscan

#endif  // NARROWSCAN_CONTROLLER_CURATE_MASSCAN_LIST_FORMAT_H_
