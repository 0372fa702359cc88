// RFC 4648 base64 (standard alphabet, with padding) for the places where bytes must
// travel as text: banners that are not UTF-8 in JSON and TOML, Recog's base64
// examples, masscan's X509 records.
//
// Encoding always pads. Decoding ignores ASCII whitespace (Recog and people wrap long
// values), tolerates missing padding, and refuses any other byte outside the alphabet,
// data after padding, more than two '=' and a length no encoder produces.
#ifndef NARROWSCAN_COMMON_BASE64_H_
#define NARROWSCAN_COMMON_BASE64_H_

#include <string>
#include <string_view>

#include "common/result.h"

namespace narrowscan {

std::string Base64Encode(std::string_view bytes);
Result<std::string> Base64Decode(std::string_view text);

}  // namespace narrowscan

#endif  // NARROWSCAN_COMMON_BASE64_H_
