// Codecs for the messages between a probe's agent and the controller (design §5),
// FlatBuffers inside a signed envelope (see fleet_wire.fbs).
//
// Encoders take plain structs and return bytes; decoders take untrusted bytes and
// return a struct or an error that says why the bytes were refused: size caps,
// FlatBuffers Verifier failure, wrong kind or format, bad signature, values out of
// range (port 0, unknown state, unsorted host lists, chunk index >= count, …).
// Signed kinds (report, plan chunk, exclusions) are refused without a valid signature
// by the given key; ack and status are unsigned (the broker ACL guards their topics).
#ifndef NARROWSCAN_PROBE_AGENT_FLEET_WIRE_H_
#define NARROWSCAN_PROBE_AGENT_FLEET_WIRE_H_

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/ipv4.h"
#include "common/result.h"
#include "common/signature.h"

namespace narrowscan::fleetwire {

using Bytes = std::vector<uint8_t>;

// Caps on everything read from the network.
inline constexpr size_t kMaxMessageBytes = 32u << 20;
inline constexpr size_t kMaxBannerBytes = 64u << 10;
inline constexpr size_t kMaxStringBytes = 4096;
inline constexpr uint32_t kMaxPlanChunks = 100000;

enum class PortState : uint8_t { kOpen = 0, kClosed = 1, kTimeout = 2 };

struct PortResult {
  Ipv4 ip = 0;
  uint16_t port = 0;
  PortState state = PortState::kOpen;
  std::string service;
  std::string banner;  // raw bytes
  std::string tls_subject, tls_issuer;
  uint32_t connect_us = 0;
  friend bool operator==(const PortResult&, const PortResult&) = default;
};

struct Counters {
  uint64_t attempts = 0, bytes_sent = 0, bytes_received = 0, open = 0, closed = 0, timeout = 0;
  friend bool operator==(const Counters&, const Counters&) = default;
};

struct ReportBatch {
  std::string probe_id;
  uint64_t round_id = 0, seq = 0, plan_version = 0;
  std::vector<PortResult> results;
  Counters counters;  // cumulative over the round
  bool done = false;
};

struct Ack {
  std::string probe_id;
  uint64_t round_id = 0, highest_seq = 0;
};

struct PlanProfile {
  std::vector<uint16_t> ports;  // sorted, unique, non-zero
  std::vector<Ipv4> hosts;      // sorted, unique
};

// A whole plan; chunking splits `sweep` and the profiles' host lists.
struct Plan {
  std::string probe_id;
  uint64_t version = 0, round_id = 0;
  std::vector<Ipv4Range> sweep;
  std::vector<uint16_t> standard_ports;
  std::vector<PlanProfile> profiles;
  double rate = 0, per24_rate = 0;
};

struct ExclusionEntry {
  Ipv4Range range;
  std::string reason;
};
struct ExclusionList {
  uint64_t version = 0;
  std::vector<ExclusionEntry> entries;
};

struct ProbeStatus {
  std::string probe_id, software, state;  // state: idle | scanning | paused-spool-full | offline
  uint64_t round_id = 0, done = 0, total = 0;
  double rate = 0;
  uint64_t spool_depth = 0;
  Counters counters;
  uint64_t refused_plans = 0, plan_version = 0;
  int64_t timestamp = 0;
};

Result<Bytes> EncodeReport(const ReportBatch& batch, const SigningKey& key);
Result<ReportBatch> DecodeReport(std::span<const uint8_t> bytes, const VerifyingKey& key);

Bytes EncodeAck(const Ack& ack);
Result<Ack> DecodeAck(std::span<const uint8_t> bytes);

// Splits the plan into signed chunks of at most about `max_chunk_bytes` each.
Result<std::vector<Bytes>> EncodePlan(const Plan& plan, const SigningKey& key,
                                      size_t max_chunk_bytes);

struct PlanChunk {
  Plan part;  // this chunk's share of sweep and hosts (all profiles' ports)
  uint32_t index = 0, count = 0;
};
Result<PlanChunk> DecodePlanChunk(std::span<const uint8_t> bytes, const VerifyingKey& key);

// Collects the chunks of one plan version; Complete() once all `count` arrived.
// A chunk of a higher version restarts the collection; lower versions are ignored.
class PlanAssembler {
 public:
  // Returns the whole plan when this chunk completes it.
  std::optional<Plan> Add(PlanChunk chunk);

 private:
  uint64_t version_ = 0;
  uint32_t count_ = 0;
  std::map<uint32_t, Plan> parts_;
};

Result<Bytes> EncodeExclusions(const ExclusionList& list, const SigningKey& key);
Result<ExclusionList> DecodeExclusions(std::span<const uint8_t> bytes, const VerifyingKey& key);

Bytes EncodeStatus(const ProbeStatus& status);
Result<ProbeStatus> DecodeStatus(std::span<const uint8_t> bytes);

}  // namespace narrowscan::fleetwire

#endif  // NARROWSCAN_PROBE_AGENT_FLEET_WIRE_H_
