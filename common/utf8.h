// UTF-8 validity of byte strings (banners are bytes of unknown encoding), and the
// encoding of one code point.
//
// The edges that need UTF-8 (JSON, TOML) ask this first and fall back to base64 or a
// Latin-1 reading when it says no; nothing here ever refuses or alters input.
#ifndef NARROWSCAN_COMMON_UTF8_H_
#define NARROWSCAN_COMMON_UTF8_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace narrowscan {

// True when `bytes` is well-formed UTF-8 (RFC 3629): no overlong forms, no surrogates,
// nothing past U+10FFFF, no cut sequence at the end.
bool IsValidUtf8(std::string_view bytes);

// Appends `code_point` as UTF-8; what is not a Unicode scalar value (a surrogate, past
// U+10FFFF) becomes U+FFFD, so the output is valid UTF-8 whatever the input said.
void AppendUtf8(uint32_t code_point, std::string* out);

}  // namespace narrowscan

#endif  // NARROWSCAN_COMMON_UTF8_H_
