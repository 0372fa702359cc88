#include "controller/curate/scan_format.h"

#include <fmt/format.h>

#include "controller/curate/hosts_jsonl_format.h"
#include "controller/curate/masscan_json_format.h"
#include "controller/curate/masscan_list_format.h"
#include "controller/curate/probe_jsonl_format.h"

namespace narrowscan {

const std::vector<std::string_view>& ScanFormatNames() {
  static const std::vector<std::string_view> names = {"masscan-json", "masscan-list", "hosts-jsonl",
                                                      "probe-jsonl"};
  return names;
}

Result<ScanFormat> ParseScanFormat(std::string_view name) {
  if (name == "masscan-json" || name == "masscan-ndjson") return ScanFormat::kMasscanJson;
  if (name == "masscan-list") return ScanFormat::kMasscanList;
  if (name == "hosts-jsonl") return ScanFormat::kHostsJsonl;
  if (name == "probe-jsonl") return ScanFormat::kProbeJsonl;
  return Error{fmt::format("unknown format '{}' (expected one of {})", name,
                           fmt::join(ScanFormatNames(), ", "))};
}

Result<ScanRecords> ParseScanLine(ScanFormat format, std::string_view line) {
  switch (format) {
    case ScanFormat::kMasscanJson:
      return ParseMasscanJsonLine(line);
    case ScanFormat::kMasscanList:
      return ParseMasscanListLine(line);
    case ScanFormat::kHostsJsonl:
      return ParseHostsJsonlLine(line);
    case ScanFormat::kProbeJsonl:
      return ParseProbeJsonlLine(line);
  }
  return Error{"unknown format"};
}

}  // namespace narrowscan
