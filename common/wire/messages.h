// The messages between probes and the controller (design §5) as plain structs, and
// the caps every decoder enforces on them. The wire form is FlatBuffers
// (schemas/*.fbs); the codecs beside this file convert between the two.
//
// Invariants the codecs enforce in both directions (an encoder refuses a struct that
// breaks one, a decoder refuses bytes that do): probe ids are 1..64 bytes of
// [A-Za-z0-9._-] (they are MQTT topic levels); ports are 1..65535; port lists are
// sorted and unique; address lists are sorted and unique; ranges have first <= last;
// strings and banners stay under the caps below.
#ifndef NARROWSCAN_COMMON_WIRE_MESSAGES_H_
#define NARROWSCAN_COMMON_WIRE_MESSAGES_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/ipv4.h"

namespace narrowscan::wire {

using Bytes = std::vector<uint8_t>;

// The only format version this code reads and writes (the `format_version` field).
inline constexpr uint16_t kFormatVersion = 1;

// Caps on everything read from the network.
inline constexpr size_t kMaxMessageBytes = 16u << 20;
inline constexpr size_t kMaxProbeIdBytes = 64;
inline constexpr size_t kMaxStringBytes = 4096;
inline constexpr size_t kMaxBannerBytes = 64u << 10;
inline constexpr size_t kMaxResultsPerBatch = 100000;
inline constexpr uint32_t kMaxPlanChunks = 100000;
inline constexpr size_t kMaxProfiles = 65536;
inline constexpr size_t kMaxExclusionRanges = 1u << 20;
inline constexpr double kMaxRate = 1e7;  // attempts/s; far above any probe's reach

enum class PortState : uint8_t { kOpen = 0, kClosed = 1, kTimeout = 2 };

struct TlsCertificate {
  std::string subject{}, issuer{};        // RFC 4514
  std::string serial{};                   // hex
  int64_t not_before = 0, not_after = 0;  // Unix seconds
  Bytes sha256{};                         // empty or 32 bytes
  friend bool operator==(const TlsCertificate&, const TlsCertificate&) = default;
};

struct PortResult {
  Ipv4 ip = 0;
  uint16_t port = 0;
  PortState state = PortState::kOpen;
  std::string service{};
  std::string banner{};  // raw bytes, not necessarily UTF-8
  std::optional<TlsCertificate> tls{};
  uint32_t connect_us = 0, total_us = 0;
  friend bool operator==(const PortResult&, const PortResult&) = default;
};

struct Counters {
  uint64_t attempts = 0, bytes_sent = 0, bytes_received = 0, open = 0, closed = 0, timeout = 0;
  friend bool operator==(const Counters&, const Counters&) = default;
};

struct ReportBatch {
  std::string probe_id{};
  uint64_t round_id = 0, seq = 0, plan_version = 0;
  std::vector<PortResult> results{};
  Counters counters{};  // cumulative over the round, up to and including this batch
  bool done = false;    // the last batch of the round
  friend bool operator==(const ReportBatch&, const ReportBatch&) = default;
};

struct Ack {
  std::string probe_id{};
  uint64_t round_id = 0, highest_seq = 0;
  friend bool operator==(const Ack&, const Ack&) = default;
};

// A port set and the addresses that use it instead of the plan's default profile.
struct PlanProfile {
  std::vector<uint16_t> ports{};  // sorted, unique, non-empty
  std::vector<Ipv4> hosts{};      // sorted, unique; no address in two profiles
  friend bool operator==(const PlanProfile&, const PlanProfile&) = default;
};

// A whole port plan for one probe. Every address of `scope` is scanned with
// profiles[default_profile].ports unless a profile lists it; listed hosts are scanned
// with their profile's ports. The probe still intersects all of it with its local
// scope and exclusions.
struct Plan {
  std::string probe_id{};
  uint64_t version = 0;  // grows with every plan for this probe
  uint64_t round_id = 0;
  std::vector<Ipv4Range> scope{};  // sorted, disjoint
  uint32_t default_profile = 0;    // index into profiles; must exist when scope is not empty
  std::vector<PlanProfile> profiles{};
  std::vector<uint16_t> standard_ports{};  // the controller's standard set
  double rate = 0;                         // attempts/s, > 0
  double per24_rate = 0;                   // attempts/s to one /24; 0 = no cap
  friend bool operator==(const Plan&, const Plan&) = default;
};

struct ExclusionEntry {
  Ipv4Range range{};
  std::string reason{};
  friend bool operator==(const ExclusionEntry&, const ExclusionEntry&) = default;
};

struct ExclusionList {
  uint64_t version = 0;  // grows with every change
  std::vector<ExclusionEntry> entries{};
  friend bool operator==(const ExclusionList&, const ExclusionList&) = default;
};

enum class ProbeState : uint8_t { kIdle = 0, kScanning = 1, kPausedSpoolFull = 2, kStopping = 3 };

struct ProbeStatus {
  std::string probe_id{};
  std::string software_version{};
  ProbeState state = ProbeState::kIdle;
  uint64_t round_id = 0;
  uint64_t progress_done = 0, progress_total = 0;  // done <= total
  double rate = 0;                                 // measured attempts/s
  uint64_t spool_depth = 0;
  Counters counters{};
  uint64_t plan_version = 0;
  uint64_t refused_plans = 0;
  int64_t timestamp_ms = 0;  // Unix milliseconds
  friend bool operator==(const ProbeStatus&, const ProbeStatus&) = default;
};

}  // namespace narrowscan::wire

#endif  // NARROWSCAN_COMMON_WIRE_MESSAGES_H_
