// Imports nmap's service fingerprints (nmap-service-probes) as device DB entries.
//
// Every `match` and `softmatch` line becomes one entry with one `raw` keyword: weight
// 1.0 for match, kSoftmatchWeight for softmatch (a softmatch only names the protocol,
// so at the default th it does not estimate a device by itself). Flags `i` and `s` fold
// into the regex; PCRE is converted by ConvertRegex(). Version info: p/ → product,
// v/ → version, i/ → attribute info, h/ → hostname, o/ → os, d/ → type (mapped to a DB
// type, the original kept as attribute devicetype), cpe:/…/ → attribute cpe (space-
// separated), and a `cpe:/h:VENDOR:` names the vendor. `$N` becomes the template `{N}`;
// the helpers $P(N), $SUBST(N,…) and $I(N,…) become `{N}` (their transformation is
// dropped, counted). The probe's `ports`/`sslports` are the entry's ports.
// Pure: the caller reads the file and writes the result.
#ifndef NARROWSCAN_CONTROLLER_IMPORTERS_NMAP_SERVICE_PROBES_H_
#define NARROWSCAN_CONTROLLER_IMPORTERS_NMAP_SERVICE_PROBES_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "controller/estimation/device_entry.h"

namespace narrowscan {

inline constexpr double kSoftmatchWeight = 0.5;

struct NmapImport {
  std::vector<DeviceEntry> entries;
  size_t match_lines = 0;  // match + softmatch lines seen
  size_t softmatch_lines = 0;
  size_t compiled_as_is = 0;  // lines whose pattern RE2 takes unchanged (flags only)
  size_t rewritten = 0;       // imported after a rewrite
  size_t helpers_simplified = 0;
  std::map<std::string, size_t> skipped;   // reason → count
  std::vector<std::string> skipped_lines;  // "LINE: reason" for the first few hundred
};

// `source_name` is used in messages. Malformed lines are skipped and counted, never fatal.
NmapImport ImportNmapServiceProbes(std::string_view text, std::string_view source_name);

// nmap's d/ device type → a DB type, "" when none fits.
std::string NmapDeviceTypeToDbType(std::string_view nmap_type);

}  // namespace narrowscan

#endif  // NARROWSCAN_CONTROLLER_IMPORTERS_NMAP_SERVICE_PROBES_H_
