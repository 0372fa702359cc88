// ScanOutput: what a full scan of the population would yield, written without opening
// a socket (for other components' tests and benchmarks). Each host answers once per
// open port with a fresh request, so dates, session ids and nonces vary per banner and
// per-host fields (ETag, Last-Modified, MAC) vary per host, as in real scan data.
//
// Formats:
//   hosts-jsonl  : the hosts JSONL of ARCHITECTURE §7 (one host a line; https ports
//                  have service "tls", the HTTP response as banner and a "tls" object)
//   masscan-json : masscan -oJ (an "open" record and a "service" record per port;
//                  https gives "http", an "ssl" record naming the certificate and an
//                  "X509" record with the certificate, DER in base64, one per profile)
//   masscan-list : masscan -oL ("open tcp P IP TS" and "banner tcp P IP TS SVC TEXT"
//                  with non-printable bytes as \xNN; https as in masscan-json)
#ifndef NARROWSCAN_TESTS_TESTBED_SCAN_OUTPUT_H_
#define NARROWSCAN_TESTS_TESTBED_SCAN_OUTPUT_H_

#include <cstdint>
#include <cstdio>
#include <ctime>
#include <string_view>

#include "common/result.h"
#include "tests/testbed/population.h"

namespace narrowscan::testbed {

enum class ScanFormat { kHostsJsonl, kMasscanJson, kMasscanList };
Result<ScanFormat> ParseScanFormat(std::string_view name);

struct ScanOutputStats {
  uint64_t hosts = 0;
  uint64_t banners = 0;
  uint64_t bytes = 0;
};

// Streams the scan of every host to `out`. `start` is the scan's start time; banners
// are dated as if the scan took one millisecond per host. With `max_banners` > 0 the
// scan stops after that many banners (hosts are in address order and placed at random,
// so the prefix is a fair sample); the last host may then show fewer banners.
Result<ScanOutputStats> WriteScanOutput(const Population& population, ScanFormat format,
                                        std::time_t start, std::FILE* out,
                                        uint64_t max_banners = 0);

}  // namespace narrowscan::testbed

#endif  // NARROWSCAN_TESTS_TESTBED_SCAN_OUTPUT_H_
