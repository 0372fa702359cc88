// Port lists as nmap and masscan write them: "80,443,8000-8100". Sorted, unique.
#ifndef NARROWSCAN_COMMON_PORT_LIST_H_
#define NARROWSCAN_COMMON_PORT_LIST_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace narrowscan {

// Errors name the text: port 0, > 65535, reversed ranges, junk.
Result<std::vector<uint16_t>> ParsePortList(std::string_view text);
// A list this program wrote itself (a store column, a key): empty for "" and, since
// such text is never malformed unless the file was tampered with, for bad text too.
std::vector<uint16_t> StoredPortList(std::string_view text);
// Compact form with ranges for consecutive ports ("22,80-81,443").
std::string FormatPortList(const std::vector<uint16_t>& sorted_ports);

}  // namespace narrowscan

#endif  // NARROWSCAN_COMMON_PORT_LIST_H_
