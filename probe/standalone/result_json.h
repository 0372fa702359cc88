// JSON forms of scan results for standalone output.
//
// Result line (one per pair): {"ip","port","state","service","banner"|"banner_b64",
// "tls":{subject,issuer,serial,not_before,not_after,sha256,version,cipher},
// "connect_ms","total_ms","time" (unix ms at the attempt),"error"}; fields that are
// empty are left out. A banner that is not valid UTF-8 goes in banner_b64 (design §7).
#ifndef NARROWSCAN_PROBE_STANDALONE_RESULT_JSON_H_
#define NARROWSCAN_PROBE_STANDALONE_RESULT_JSON_H_

#include <nlohmann/json.hpp>
#include <string>

#include "common/result.h"
#include "probe/engine/scan_result.h"

namespace narrowscan {

nlohmann::ordered_json ResultToJson(const ScanResult& result);
// The inverse, for grouping a results file into hosts (only the fields hosts need:
// ip, port, state, service, banner, tls subject/issuer).
Result<ScanResult> ResultFromJson(const nlohmann::json& line);

}  // namespace narrowscan

#endif  // NARROWSCAN_PROBE_STANDALONE_RESULT_JSON_H_
