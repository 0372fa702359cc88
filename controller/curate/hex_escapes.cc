#include "controller/curate/hex_escapes.h"

namespace narrowscan {

namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string DecodeHexEscapes(std::string_view text, std::string_view escaped_backslash) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 3 < text.size() && text[i + 1] == 'x' &&
        HexValue(text[i + 2]) >= 0 && HexValue(text[i + 3]) >= 0) {
      const char c = static_cast<char>(HexValue(text[i + 2]) * 16 + HexValue(text[i + 3]));
      if (c == '\\') {
        out += escaped_backslash;
      } else {
        out += c;
      }
      i += 3;
    } else {
      out += text[i];
    }
  }
  return out;
}

}  // namespace narrowscan
