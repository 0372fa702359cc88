// IPv4 addresses and inclusive address ranges.
//
// Addresses are uint32_t in host byte order so that ranges are plain integer
// intervals and arithmetic (next address, /24 of an address) is cheap.
#ifndef NARROWSCAN_COMMON_IPV4_H_
#define NARROWSCAN_COMMON_IPV4_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

namespace narrowscan {

using Ipv4 = uint32_t;

// An inclusive interval [first, last] of addresses. Invariant: first <= last.
struct Ipv4Range {
  Ipv4 first = 0;
  Ipv4 last = 0;
  uint64_t size() const { return uint64_t{last} - first + 1; }
  bool contains(Ipv4 a) const { return a >= first && a <= last; }
  friend bool operator==(const Ipv4Range&, const Ipv4Range&) = default;
};

// Strict dotted quad: four decimal octets 0..255, no leading '+', no spaces.
Result<Ipv4> ParseIpv4(std::string_view text);
std::string FormatIpv4(Ipv4 address);

// Parses "a.b.c.d", "a.b.c.d/n" (host bits are masked off, as zmap and masscan do)
// or "a.b.c.d-e.f.g.h" (first <= last). Errors name the text and the problem.
Result<Ipv4Range> ParseIpv4Range(std::string_view text);

// "a.b.c.d/n" when the range is exactly one CIDR block, else "first-last".
std::string FormatIpv4Range(const Ipv4Range& range);

// The /24 that holds `address` (its upper 24 bits), used by the per-/24 rate cap.
inline uint32_t Slash24(Ipv4 address) { return address >> 8; }

}  // namespace narrowscan

#endif  // NARROWSCAN_COMMON_IPV4_H_
