// Byte-text conversions for banners, which are bytes of unknown encoding.
//
// The matcher works on bytes (regexes run in RE2's Latin-1 mode), so nothing here is
// needed for matching; these functions exist for the edges that require UTF-8 (JSON,
// TOML): a byte string that is valid UTF-8 passes unchanged, any other is read as
// Latin-1, so every byte stays visible and no input is ever refused.
#ifndef NARROWSCAN_CONTROLLER_ESTIMATION_TEXT_ENCODING_H_
#define NARROWSCAN_CONTROLLER_ESTIMATION_TEXT_ENCODING_H_

#include <string>
#include <string_view>

#include "common/result.h"

namespace narrowscan {

bool IsValidUtf8(std::string_view bytes);
// Each byte becomes the code point of the same value, encoded as UTF-8.
std::string Latin1ToUtf8(std::string_view bytes);
// `bytes` itself when valid UTF-8, else Latin1ToUtf8(bytes).
std::string ToDisplayUtf8(std::string_view bytes);

// RFC 4648 base64 with padding. Decoding ignores ASCII whitespace (Recog and people
// wrap long values), tolerates missing padding, and refuses any other non-alphabet
// byte, data after padding or an impossible length.
std::string Base64Encode(std::string_view bytes);
Result<std::string> Base64Decode(std::string_view text);

}  // namespace narrowscan

#endif  // NARROWSCAN_CONTROLLER_ESTIMATION_TEXT_ENCODING_H_
