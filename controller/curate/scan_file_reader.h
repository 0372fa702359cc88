// Reads a scan file line by line in one format and hands every record to a sink.
// Malformed lines are reported as "FILE:LINE: why" and skipped; reading goes on.
#ifndef NARROWSCAN_CONTROLLER_CURATE_SCAN_FILE_READER_H_
#define NARROWSCAN_CONTROLLER_CURATE_SCAN_FILE_READER_H_

#include <cstdint>
#include <functional>
#include <string>

#include "common/result.h"
#include "controller/curate/scan_format.h"
#include "controller/curate/scan_record.h"

namespace narrowscan {

struct ScanFileCounts {
  uint64_t lines = 0;
  uint64_t records = 0;  // banners + banner-less open ports
  uint64_t banners = 0;
  uint64_t malformed = 0;
};

// Lines longer than this are malformed (a bound on what one bad file can make us hold).
inline constexpr size_t kMaxScanLineBytes = 16 << 20;

// Fails only when the file cannot be read ("-" reads stdin). `sink` returning an error
// stops the read and that error is returned.
Result<ScanFileCounts> ReadScanFile(const std::string& path, ScanFormat format,
                                    const std::function<Status(ScanRecord&&)>& sink,
                                    const std::function<void(const std::string&)>& on_malformed);

}  // namespace narrowscan

#endif  // NARROWSCAN_CONTROLLER_CURATE_SCAN_FILE_READER_H_
