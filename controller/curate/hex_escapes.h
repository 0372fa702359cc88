// "\xHH" escapes, the way curate's text inputs write bytes: masscan's list output
// (-oL) and the replacements of normalisation rules (which cannot hold blanks).
//
// Each backslash, 'x' and two hex digits (either case) becomes that byte; everything
// else, including a backslash that does not start a complete escape, stays as it is.
#ifndef NARROWSCAN_CONTROLLER_CURATE_HEX_ESCAPES_H_
#define NARROWSCAN_CONTROLLER_CURATE_HEX_ESCAPES_H_

#include <string>
#include <string_view>

namespace narrowscan {

// `escaped_backslash` is what "\x5c" turns into: a backslash, or for an RE2 rewrite
// string, where a lone backslash starts a group reference, two.
std::string DecodeHexEscapes(std::string_view text, std::string_view escaped_backslash = "\\");

}  // namespace narrowscan

#endif  // NARROWSCAN_CONTROLLER_CURATE_HEX_ESCAPES_H_
