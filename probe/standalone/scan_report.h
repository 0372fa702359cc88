// Human and JSON forms of a scan's progress and final summary (stderr of `scan`).
#ifndef NARROWSCAN_PROBE_STANDALONE_SCAN_REPORT_H_
#define NARROWSCAN_PROBE_STANDALONE_SCAN_REPORT_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "probe/engine/scan_counters.h"

namespace narrowscan {

// "sent 1200  rate 998/s  done 12.0%  ETA 0:01:28  open 3" (no newline).
std::string FormatProgress(const ScanCounters::Snapshot& c, uint64_t total_pairs,
                           double elapsed_seconds);
// One line: pairs, wall time, attempts and achieved rate, states, bytes.
std::string FormatSummary(const ScanCounters::Snapshot& c, double elapsed_seconds,
                          bool interrupted);
nlohmann::json SummaryJson(const ScanCounters::Snapshot& c, double elapsed_seconds,
                           bool interrupted);

}  // namespace narrowscan

#endif  // NARROWSCAN_PROBE_STANDALONE_SCAN_REPORT_H_
