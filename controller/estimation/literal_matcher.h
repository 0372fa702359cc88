// LiteralMatcher: finds which of a fixed set of literals (each at least kMinBytes long)
// occur in a text, ignoring ASCII case.
//
// Literals and text are compared after folding 'A'-'Z' to 'a'-'z'; every other byte
// (including 0x80-0xff) compares as itself. Each text position's first kMinBytes
// folded bytes are hashed into a 1 KiB bit table of the literals' starts; only
// positions whose bit is set look further (a binary search for the literals with that
// hash, then a compare). Unlike an automaton, positions do not depend on each other, so
// the scan pipelines, and the table stays in L1 cache.
//
// Thread safety: immutable after Build(); ForEachMatch() may run concurrently.
#ifndef NARROWSCAN_CONTROLLER_ESTIMATION_LITERAL_MATCHER_H_
#define NARROWSCAN_CONTROLLER_ESTIMATION_LITERAL_MATCHER_H_

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace narrowscan {

class LiteralMatcher {
 public:
  static constexpr size_t kMinBytes = 3;

  // Literal i of `literals` is reported as i. nullopt when some literal is shorter than
  // kMinBytes.
  static std::optional<LiteralMatcher> Build(const std::vector<std::string>& literals);

  // Calls on_match(i) for every literal i that occurs in `text`, once per occurrence
  // (so possibly several times for one literal), in order of the occurrence's start.
  template <typename OnMatch>
  void ForEachMatch(std::string_view text, OnMatch&& on_match) const {
    if (text.size() < kMinBytes || entries_.empty()) return;
    const auto* t = reinterpret_cast<const uint8_t*>(text.data());
    const size_t last = text.size() - kMinBytes;
    for (size_t i = 0; i <= last; ++i) {
      const uint32_t h = Hash(fold_[t[i]], fold_[t[i + 1]], fold_[t[i + 2]]);
      if ((bits_[h >> 6] >> (h & 63) & 1) == 0) continue;
      auto it = std::lower_bound(entries_.begin(), entries_.end(), Entry{h, 0});
      for (; it != entries_.end() && it->hash == h; ++it) {
        if (FoldedAt(text, i, literals_[it->literal])) on_match(it->literal);
      }
    }
  }

  size_t literal_count() const { return literals_.size(); }

 private:
  struct Entry {
    uint32_t hash;
    uint32_t literal;
    bool operator<(const Entry& o) const {
      return hash != o.hash ? hash < o.hash : literal < o.literal;
    }
  };
  // 1 KiB of bits: small enough to stay in L1 next to the other fields' tables, and
  // sparse enough (a field has at most a few hundred atoms) that few positions pass.
  static constexpr uint32_t kHashBits = 13;

  static uint32_t Hash(uint8_t a, uint8_t b, uint8_t c) {
    const uint32_t x = uint32_t{a} | (uint32_t{b} << 8) | (uint32_t{c} << 16);
    return (x * 0x9E3779B1u) >> (32 - kHashBits);
  }
  // True when the folded text at `at` starts with `folded`.
  bool FoldedAt(std::string_view text, size_t at, const std::string& folded) const {
    if (text.size() - at < folded.size()) return false;
    for (size_t j = 0; j < folded.size(); ++j) {
      if (fold_[static_cast<uint8_t>(text[at + j])] != static_cast<uint8_t>(folded[j]))
        return false;
    }
    return true;
  }

  LiteralMatcher() = default;

  std::array<uint8_t, 256> fold_{};
  std::array<uint64_t, (size_t{1} << kHashBits) / 64> bits_{};
  std::vector<Entry> entries_;         // sorted
  std::vector<std::string> literals_;  // folded
};

}  // namespace narrowscan

#endif  // NARROWSCAN_CONTROLLER_ESTIMATION_LITERAL_MATCHER_H_
