// NearestKey: the "did you mean" hint for an unknown configuration key.
//
// Given the unknown key and the keys that are known, returns the known key closest to
// it by edit distance (Levenshtein, case-insensitive), or "" when none is close enough
// to be a plausible typo (distance > max(2, length / 3)). Keys may be dotted
// ("scan.rate_cap"): a key whose last part equals the unknown key's last part is the
// answer whatever its table, so a known key written in the wrong table is pointed to
// its right one. Pure; used by TomlConfigFile and the testbed's population reader.
#ifndef NARROWSCAN_COMMON_NEAREST_KEY_H_
#define NARROWSCAN_COMMON_NEAREST_KEY_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace narrowscan {

size_t EditDistance(std::string_view a, std::string_view b);

std::string NearestKey(std::string_view unknown, const std::vector<std::string_view>& known);

// " (did you mean 'x'?)" or "" — to append to an "unknown key" message.
std::string DidYouMean(std::string_view unknown, const std::vector<std::string_view>& known);

}  // namespace narrowscan

#endif  // NARROWSCAN_COMMON_NEAREST_KEY_H_
