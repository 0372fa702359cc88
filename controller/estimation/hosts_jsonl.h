// The JSONL formats of design §7: hosts in (one host a line), estimates out.
//
// Host line: {"ip":"…","open_ports":[…],"banners":[{"port":80,"service":"http",
// "banner":"…" | "banner_b64":"…", "field":"ssh.banner"?, "tls":{"subject":"…",
// "issuer":"…"}?}]}. `ip` is required (a string); everything else is optional. Unknown
// keys are ignored so that producers may add their own. Estimate line: {"ip":…,
// "matches":[{"device","score","banner_score","port_score","vendor","type","product",
// "model","version","level","attributes"?}]}; byte values that are not UTF-8 are
// written as Latin-1 text. Pure: the caller reads and writes the lines.
#ifndef NARROWSCAN_CONTROLLER_ESTIMATION_HOSTS_JSONL_H_
#define NARROWSCAN_CONTROLLER_ESTIMATION_HOSTS_JSONL_H_

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "controller/estimation/estimator.h"
#include "controller/estimation/host.h"

namespace narrowscan {

// Errors say what is wrong with the line (the caller adds its number).
Result<Host> ParseHostLine(std::string_view line);
// One line, no trailing newline. Banners that are not UTF-8 use banner_b64.
std::string FormatHostLine(const Host& host);
// One line, no trailing newline.
std::string FormatEstimateLine(std::string_view ip, const std::vector<DeviceMatch>& matches);

}  // namespace narrowscan

#endif  // NARROWSCAN_CONTROLLER_ESTIMATION_HOSTS_JSONL_H_
