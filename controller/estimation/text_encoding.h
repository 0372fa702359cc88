// Byte-text conversions for banners, which are bytes of unknown encoding.
//
// The matcher works on bytes (regexes run in RE2's Latin-1 mode), so nothing here is
// needed for matching; these functions exist for the edges that require UTF-8 (JSON,
// TOML): a byte string that is valid UTF-8 passes unchanged, any other is read as
// Latin-1, so every byte stays visible and no input is ever refused. UTF-8 validity
// and base64 are shared with the probe: common/utf8.h, common/base64.h.
#ifndef NARROWSCAN_CONTROLLER_ESTIMATION_TEXT_ENCODING_H_
#define NARROWSCAN_CONTROLLER_ESTIMATION_TEXT_ENCODING_H_

#include <string>
#include <string_view>

namespace narrowscan {

// Each byte becomes the code point of the same value, encoded as UTF-8.
std::string Latin1ToUtf8(std::string_view bytes);
// `bytes` itself when valid UTF-8, else Latin1ToUtf8(bytes).
std::string ToDisplayUtf8(std::string_view bytes);

}  // namespace narrowscan

#endif  // NARROWSCAN_CONTROLLER_ESTIMATION_TEXT_ENCODING_H_
