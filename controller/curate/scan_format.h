// The scan file formats `narrowscan ingest` reads, by their command-line names.
#ifndef NARROWSCAN_CONTROLLER_CURATE_SCAN_FORMAT_H_
#define NARROWSCAN_CONTROLLER_CURATE_SCAN_FORMAT_H_

#include <string_view>
#include <vector>

#include "common/result.h"
#include "controller/curate/scan_record.h"

namespace narrowscan {

enum class ScanFormat { kMasscanJson, kMasscanList, kHostsJsonl, kProbeJsonl };

// "masscan-json" (-oJ and -oD/NDJSON), "masscan-list" (-oL), "hosts-jsonl", "probe-jsonl".
Result<ScanFormat> ParseScanFormat(std::string_view name);
const std::vector<std::string_view>& ScanFormatNames();

// Parses one line (without its newline) of a file in `format`.
Result<ScanRecords> ParseScanLine(ScanFormat format, std::string_view line);

}  // namespace narrowscan

#endif  // NARROWSCAN_CONTROLLER_CURATE_SCAN_FORMAT_H_
