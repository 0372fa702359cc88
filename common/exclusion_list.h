// Exclusion lists in the text format zmap (blocklist) and masscan (--excludefile) use:
// one entry a line, CIDR ("10.0.0.0/8"), range ("a.b.c.d-e.f.g.h") or single address;
// '#' starts a comment (whole line or after an entry); blank lines are ignored.
//
// The reserved default (RFC 1918 private, loopback, link-local, CGN, multicast,
// documentation, benchmarking, reserved/broadcast …) applies unless the caller turns
// it off explicitly: scanners must never hit those by accident, and tests that scan
// 127.0.0.0/8 opt out on purpose.
#ifndef NARROWSCAN_COMMON_EXCLUSION_LIST_H_
#define NARROWSCAN_COMMON_EXCLUSION_LIST_H_

#include <string>
#include <string_view>

#include "common/range_set.h"
#include "common/result.h"

namespace narrowscan {

// Parses the text of an exclusion file. `source` names it in errors
// ("FILE:LINE: bad entry 'x': why").
Result<RangeSet> ParseExclusionList(std::string_view text, std::string_view source);

// Reads and parses a file; errors name the path.
Result<RangeSet> LoadExclusionFile(const std::string& path);

// The built-in reserved ranges (IANA special-purpose registry, IPv4).
const RangeSet& DefaultReservedRanges();

// Scope minus exclusions: what a probe may contact.
inline RangeSet AllowedTargets(const RangeSet& scope, const RangeSet& excluded) {
  return scope.Subtract(excluded);
}

}  // namespace narrowscan

#endif  // NARROWSCAN_COMMON_EXCLUSION_LIST_H_
