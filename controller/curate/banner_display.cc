#include "controller/curate/banner_display.h"

#include <fmt/format.h>

namespace narrowscan {

namespace {
void AppendEscaped(std::string* out, unsigned char c) {
  if (c >= 0x20 && c < 0x7f) {
    *out += static_cast<char>(c);
  } else if (c == '\t') {
    *out += "\\t";
  } else if (c == '\r') {
    *out += "\\r";
  } else {
    *out += fmt::format("\\x{:02x}", c);
  }
}
}  // namespace

std::string BannerOneLine(std::string_view b, size_t max) {
  std::string out;
  for (size_t i = 0; i < b.size() && out.size() < max; ++i) {
    auto c = static_cast<unsigned char>(b[i]);
    if (c == '\r' && i + 1 < b.size() && b[i + 1] == '\n') continue;
    if (c == '\n') {
      if (i + 1 < b.size()) out += " | ";
      continue;
    }
    AppendEscaped(&out, c);
  }
  if (out.size() >= max) {
    out.resize(max);
    out += "…";
  }
  return out;
}

std::string BannerBlock(std::string_view b, std::string_view indent, size_t max_bytes) {
  std::string out(indent);
  size_t n = std::min(b.size(), max_bytes);
  for (size_t i = 0; i < n; ++i) {
    auto c = static_cast<unsigned char>(b[i]);
    if (c == '\r' && i + 1 < n && b[i + 1] == '\n') continue;
    if (c == '\n') {
      out += '\n';
      if (i + 1 < n) out += indent;
      continue;
    }
    AppendEscaped(&out, c);
  }
  if (b.size() > max_bytes)
    out += fmt::format("\n{}… ({} more bytes)", indent, b.size() - max_bytes);
  if (out.empty() || out.back() != '\n') out += '\n';
  return out;
}

}  // namespace narrowscan
