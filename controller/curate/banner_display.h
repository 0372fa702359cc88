// How banners (bytes of any encoding) are shown to a reviewer: printable ASCII as is,
// \r \n \t and every other byte as C-style escapes, so nothing is hidden or mangled
// and a terminal is never sent control sequences. Pure.
#ifndef NARROWSCAN_CONTROLLER_CURATE_BANNER_DISPLAY_H_
#define NARROWSCAN_CONTROLLER_CURATE_BANNER_DISPLAY_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace narrowscan {

// One line: "\r\n" shown as " | " between lines; cut to `max` characters with "…".
std::string BannerOneLine(std::string_view bytes, size_t max);
// Several lines, each prefixed by `indent`; \r dropped before \n; other bytes escaped.
std::string BannerBlock(std::string_view bytes, std::string_view indent, size_t max_bytes);

}  // namespace narrowscan

#endif  // NARROWSCAN_CONTROLLER_CURATE_BANNER_DISPLAY_H_
