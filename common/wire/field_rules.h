// Rules for fields that several messages share (probe ids, port lists, sorted
// address lists, bounded strings, rates). Each returns an error that names the field
// (`what`) and the problem; encoders and decoders apply the same rules.
#ifndef NARROWSCAN_COMMON_WIRE_FIELD_RULES_H_
#define NARROWSCAN_COMMON_WIRE_FIELD_RULES_H_

#include <cstdint>
#include <span>
#include <string_view>

#include "common/ipv4.h"
#include "common/result.h"

namespace narrowscan::wire {

// 1..kMaxProbeIdBytes bytes of [A-Za-z0-9._-]: safe as one MQTT topic level.
Status CheckProbeId(std::string_view id);
// Sorted, unique, no port 0. `allow_empty` for lists that may be empty.
Status CheckPortList(std::span<const uint16_t> ports, std::string_view what, bool allow_empty);
// Strictly ascending addresses.
Status CheckSortedHosts(std::span<const Ipv4> hosts, std::string_view what);
Status CheckStringSize(size_t size, size_t cap, std::string_view what);
// Finite and within [min, kMaxRate].
Status CheckRate(double rate, double min, bool min_inclusive, std::string_view what);

}  // namespace narrowscan::wire

#endif  // NARROWSCAN_COMMON_WIRE_FIELD_RULES_H_
