// ScanRecord: one observation read from a scan file, whatever its format.
//
// A record says that `port` was open on `ip` at `seen` (unix seconds, 0 when the
// format has no time) and, when has_banner, what the service sent. `banner` holds the
// exact bytes (not necessarily UTF-8): escapes of the input format are already undone.
#ifndef NARROWSCAN_CONTROLLER_CURATE_SCAN_RECORD_H_
#define NARROWSCAN_CONTROLLER_CURATE_SCAN_RECORD_H_

#include <cstdint>
#include <string>
#include <vector>

#include "common/ipv4.h"

namespace narrowscan {

struct ScanRecord {
  Ipv4 ip = 0;
  uint16_t port = 0;
  int64_t seen = 0;
  bool has_banner = false;
  std::string service;      // lower-case protocol name ("http", "tls", "ssh", …) or ""
  std::string banner;       // raw bytes
  std::string tls_subject;  // RFC 4514, "" when unknown
  std::string tls_issuer;
};

// One input line can carry several records (a hosts-JSONL line is a whole host).
using ScanRecords = std::vector<ScanRecord>;

}  // namespace narrowscan

#endif  // NARROWSCAN_CONTROLLER_CURATE_SCAN_RECORD_H_
