// Printable: input text made safe to put in an error message or a log line.
//
// Control characters (C0, DEL) and bytes that are not valid UTF-8 become \xNN, and a
// backslash becomes \\, so that input never moves a terminal's cursor, clears its
// screen or forges a log line; everything else (printable ASCII, valid UTF-8) is kept.
// Text longer than `max_bytes` is cut with "…" appended. Pure.
#ifndef NARROWSCAN_COMMON_PRINTABLE_H_
#define NARROWSCAN_COMMON_PRINTABLE_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace narrowscan {

std::string Printable(std::string_view text, size_t max_bytes = 200);

}  // namespace narrowscan

#endif  // NARROWSCAN_COMMON_PRINTABLE_H_
