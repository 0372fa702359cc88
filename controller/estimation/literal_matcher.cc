#include "controller/estimation/literal_matcher.h"

namespace narrowscan {

std::optional<LiteralMatcher> LiteralMatcher::Build(const std::vector<std::string>& literals) {
  LiteralMatcher m;
  for (int b = 0; b < 256; ++b) {
    m.fold_[b] = static_cast<uint8_t>((b >= 'A' && b <= 'Z') ? b - 'A' + 'a' : b);
  }
  for (size_t i = 0; i < literals.size(); ++i) {
    if (literals[i].size() < kMinBytes) return std::nullopt;
    std::string folded = literals[i];
    for (char& c : folded) c = static_cast<char>(m.fold_[static_cast<uint8_t>(c)]);
    const uint32_t h = Hash(static_cast<uint8_t>(folded[0]), static_cast<uint8_t>(folded[1]),
                            static_cast<uint8_t>(folded[2]));
    m.bits_[h >> 6] |= uint64_t{1} << (h & 63);
    m.entries_.push_back({h, static_cast<uint32_t>(i)});
    m.literals_.push_back(std::move(folded));
  }
  std::sort(m.entries_.begin(), m.entries_.end());
  return m;
}

}  // namespace narrowscan
