#include "common/exclusion_list.h"

#include <fmt/format.h>

#include <fstream>
#include <sstream>

namespace narrowscan {

Result<RangeSet> ParseExclusionList(std::string_view text, std::string_view source) {
  RangeSet set;
  size_t line_number = 0;
  while (!text.empty()) {
    ++line_number;
    size_t eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    text.remove_prefix(eol == std::string_view::npos ? text.size() : eol + 1);
    if (size_t hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r')) {
      line.remove_suffix(1);
    }
    if (line.empty()) continue;
    if (line.find_first_of(" \t,") != std::string_view::npos &&
        line.find('-') == std::string_view::npos) {
      return Error{fmt::format("{}:{}: bad entry '{}': one address, range or CIDR per line", source,
                               line_number, line)};
    }
    auto range = ParseIpv4Range(line);
    if (!range) {
      return Error{
          fmt::format("{}:{}: bad entry '{}': {}", source, line_number, line, range.error())};
    }
    set.Add(*range);
  }
  return set;
}

Result<RangeSet> LoadExclusionFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{fmt::format("{}: cannot open exclusion file", path)};
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) return Error{fmt::format("{}: read error", path)};
  return ParseExclusionList(buffer.str(), path);
}

const RangeSet& DefaultReservedRanges() {
  // IANA IPv4 Special-Purpose Address Registry plus multicast and the reserved
  // class E space. Built once; immutable afterwards, so sharing across threads is safe
  // (Size() is called to fill the lazy prefix cache before anyone sees the set).
  static const RangeSet* const kReserved = [] {
    static constexpr const char* kBlocks[] = {
        "0.0.0.0/8",        // "this network"
        "10.0.0.0/8",       // RFC 1918 private
        "100.64.0.0/10",    // RFC 6598 carrier-grade NAT
        "127.0.0.0/8",      // loopback
        "169.254.0.0/16",   // link-local
        "172.16.0.0/12",    // RFC 1918 private
        "192.0.0.0/24",     // IETF protocol assignments
        "192.0.2.0/24",     // TEST-NET-1 documentation
        "192.88.99.0/24",   // deprecated 6to4 relay anycast
        "192.168.0.0/16",   // RFC 1918 private
        "198.18.0.0/15",    // benchmarking
        "198.51.100.0/24",  // TEST-NET-2 documentation
        "203.0.113.0/24",   // TEST-NET-3 documentation
        "224.0.0.0/4",      // multicast
        "240.0.0.0/4",      // reserved, includes limited broadcast 255.255.255.255
    };
    auto* set = new RangeSet();
    for (const char* block : kBlocks) set->Add(ParseIpv4Range(block).value());
    (void)set->Size();
    return set;
  }();
  return *kReserved;
}

}  // namespace narrowscan
