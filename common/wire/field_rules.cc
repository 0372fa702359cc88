#include "common/wire/field_rules.h"

#include <fmt/format.h>

#include <cmath>

#include "common/wire/messages.h"

namespace narrowscan::wire {

Status CheckProbeId(std::string_view id) {
  if (id.empty()) return Error{"probe id is empty"};
  if (id.size() > kMaxProbeIdBytes) {
    return Error{fmt::format("probe id is {} bytes, more than {}", id.size(), kMaxProbeIdBytes)};
  }
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-';
    if (!ok) {
      return Error{fmt::format("probe id has a character outside [A-Za-z0-9._-] (0x{:02x})",
                               static_cast<unsigned char>(c))};
    }
  }
  return Status::Ok();
}

Status CheckPortList(std::span<const uint16_t> ports, std::string_view what, bool allow_empty) {
  if (ports.empty() && !allow_empty) return Error{fmt::format("{} is empty", what)};
  for (size_t i = 0; i < ports.size(); ++i) {
    if (ports[i] == 0) return Error{fmt::format("{} holds port 0", what)};
    if (i > 0 && ports[i] <= ports[i - 1]) {
      return Error{
          fmt::format("{} is not sorted and unique ({} after {})", what, ports[i], ports[i - 1])};
    }
  }
  return Status::Ok();
}

Status CheckSortedHosts(std::span<const Ipv4> hosts, std::string_view what) {
  for (size_t i = 1; i < hosts.size(); ++i) {
    if (hosts[i] <= hosts[i - 1]) {
      return Error{fmt::format("{} is not sorted and unique ({} after {})", what,
                               FormatIpv4(hosts[i]), FormatIpv4(hosts[i - 1]))};
    }
  }
  return Status::Ok();
}

Status CheckStringSize(size_t size, size_t cap, std::string_view what) {
  if (size > cap) return Error{fmt::format("{} is {} bytes, more than {}", what, size, cap)};
  return Status::Ok();
}

Status CheckRate(double rate, double min, bool min_inclusive, std::string_view what) {
  bool above_min = min_inclusive ? rate >= min : rate > min;
  if (!std::isfinite(rate) || !above_min || rate > kMaxRate) {
    return Error{fmt::format("{} {} is outside {}{}, {}]", what, rate, min_inclusive ? "[" : "(",
                             min, kMaxRate)};
  }
  return Status::Ok();
}

}  // namespace narrowscan::wire
