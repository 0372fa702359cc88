#include "common/ipv4.h"

#include <fmt/format.h>

#include <bit>

namespace narrowscan {
namespace {

// Parses one decimal octet "0".."255" without leading zeros beyond a single "0"
// (a leading zero means octal to inet_aton, so it is refused as ambiguous).
bool ParseOctet(std::string_view s, uint32_t* out, std::string* why) {
  if (s.empty()) {
    *why = "empty octet";
    return false;
  }
  if (s.size() > 3) {
    *why = fmt::format("octet '{}' is too long", s);
    return false;
  }
  if (s.size() > 1 && s[0] == '0') {
    *why = fmt::format("octet '{}' has a leading zero", s);
    return false;
  }
  uint32_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') {
      *why = fmt::format("octet '{}' is not a decimal number", s);
      return false;
    }
    v = v * 10 + static_cast<uint32_t>(c - '0');
  }
  if (v > 255) {
    *why = fmt::format("octet {} is above 255", v);
    return false;
  }
  *out = v;
  return true;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

}  // namespace

Result<Ipv4> ParseIpv4(std::string_view text) {
  uint32_t address = 0;
  std::string_view rest = text;
  for (int i = 0; i < 4; ++i) {
    size_t dot = rest.find('.');
    std::string_view octet;
    if (i < 3) {
      if (dot == std::string_view::npos) {
        return Error{fmt::format("bad IPv4 address '{}': expected four dotted octets", text)};
      }
      octet = rest.substr(0, dot);
      rest.remove_prefix(dot + 1);
    } else {
      if (dot != std::string_view::npos) {
        return Error{fmt::format("bad IPv4 address '{}': more than four octets", text)};
      }
      octet = rest;
    }
    uint32_t v = 0;
    std::string why;
    if (!ParseOctet(octet, &v, &why)) {
      return Error{fmt::format("bad IPv4 address '{}': {}", text, why)};
    }
    address = (address << 8) | v;
  }
  return address;
}

std::string FormatIpv4(Ipv4 address) {
  return fmt::format("{}.{}.{}.{}", address >> 24, (address >> 16) & 0xff, (address >> 8) & 0xff,
                     address & 0xff);
}

Result<Ipv4Range> ParseIpv4Range(std::string_view input) {
  std::string_view text = Trim(input);
  if (text.empty()) return Error{"bad address range '': empty"};
  if (size_t slash = text.find('/'); slash != std::string_view::npos) {
    auto base = ParseIpv4(text.substr(0, slash));
    if (!base) return Error{fmt::format("bad CIDR '{}': {}", text, base.error())};
    std::string_view bits = text.substr(slash + 1);
    if (bits.empty() || bits.size() > 2 || (bits.size() == 2 && bits[0] == '0')) {
      return Error{fmt::format("bad CIDR '{}': prefix length '{}' is not 0..32", text, bits)};
    }
    uint32_t n = 0;
    for (char c : bits) {
      if (c < '0' || c > '9') {
        return Error{fmt::format("bad CIDR '{}': prefix length '{}' is not 0..32", text, bits)};
      }
      n = n * 10 + static_cast<uint32_t>(c - '0');
    }
    if (n > 32) {
      return Error{fmt::format("bad CIDR '{}': prefix length {} is above 32", text, n)};
    }
    uint32_t mask = n == 0 ? 0 : ~uint32_t{0} << (32 - n);
    return Ipv4Range{*base & mask, (*base & mask) | ~mask};
  }
  if (size_t dash = text.find('-'); dash != std::string_view::npos) {
    auto first = ParseIpv4(Trim(text.substr(0, dash)));
    if (!first) return Error{fmt::format("bad range '{}': {}", text, first.error())};
    auto last = ParseIpv4(Trim(text.substr(dash + 1)));
    if (!last) return Error{fmt::format("bad range '{}': {}", text, last.error())};
    if (*first > *last) {
      return Error{fmt::format("bad range '{}': first address is above the last", text)};
    }
    return Ipv4Range{*first, *last};
  }
  auto single = ParseIpv4(text);
  if (!single) return Error{single.error()};
  return Ipv4Range{*single, *single};
}

std::string FormatIpv4Range(const Ipv4Range& range) {
  uint64_t size = range.size();
  if (std::has_single_bit(size) && (range.first & (size - 1)) == 0) {
    int prefix = 32 - std::countr_zero(size);
    return fmt::format("{}/{}", FormatIpv4(range.first), prefix);
  }
  return fmt::format("{}-{}", FormatIpv4(range.first), FormatIpv4(range.last));
}

}  // namespace narrowscan
