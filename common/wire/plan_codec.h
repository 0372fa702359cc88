// Port plans (schemas/plan.fbs) in signed, chunked envelopes: controller -> probe.
//
// A plan is encoded compactly as port profiles plus sorted address lists, and split
// into chunks of at most `max_chunk_bytes` (the whole signed message) so a large
// region fits the broker's message limit. Every chunk repeats the small parts
// (probe id, version, round, profiles' ports, standard ports, rates) and carries a
// contiguous share of the scope ranges and of each profile's hosts, in order; so
// concatenating the shares in chunk order gives back the plan exactly.
#ifndef NARROWSCAN_COMMON_WIRE_PLAN_CODEC_H_
#define NARROWSCAN_COMMON_WIRE_PLAN_CODEC_H_

#include <cstddef>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/result.h"
#include "common/signature.h"
#include "common/wire/messages.h"

namespace narrowscan::wire {

// The invariants of Plan (messages.h): valid probe id; scope sorted and disjoint;
// default_profile names a profile when scope is not empty; every profile's ports
// sorted, unique, non-empty; hosts sorted, unique and in at most one profile;
// standard ports sorted and unique; rate in (0, kMaxRate], per24_rate in [0, kMaxRate].
Status ValidatePlan(const Plan& plan);

// One decoded chunk: `part` holds the chunk's share of scope and hosts.
struct PlanChunk {
  Plan part;
  uint32_t index = 0, count = 1;
};

// Refuses an invalid plan, and a `max_chunk_bytes` too small for the plan's fixed
// part plus one scope range or host.
Result<std::vector<Bytes>> EncodePlan(const Plan& plan, const SigningKey& key,
                                      size_t max_chunk_bytes);
// Refuses bytes that are too large, truncated, of another kind or format version,
// fail the Verifier or the signature, or break the invariants (chunk_index >=
// chunk_count, unsorted lists, port 0, unknown profile index, bad rates, …).
Result<PlanChunk> DecodePlanChunk(std::span<const uint8_t> bytes, const VerifyingKey& key);

// The unsigned inner FlatBuffers (identifier "NSPL"); `max_payload_bytes` bounds each.
Result<std::vector<Bytes>> EncodePlanPayloads(const Plan& plan, size_t max_payload_bytes);
Result<PlanChunk> DecodePlanChunkPayload(std::span<const uint8_t> bytes);

// PlanAssembler collects the chunks of a probe's plans and yields each whole plan.
//
// Binding and freshness: chunks for another probe id, and versions not above the
// plan in force, are refused. A chunk of a higher version than the one being
// collected drops the partial collection (a newer plan supersedes it). Chunks of one
// version must agree on everything but their shares; re-delivered chunks are harmless.
class PlanAssembler {
 public:
  PlanAssembler(std::string probe_id, uint64_t version_in_force);

  // Returns the whole plan when `chunk` completes it (it is then in force), nullopt
  // while chunks are missing, an error for a refused chunk (state is unchanged, except
  // that when the completed plan breaks ValidatePlan its chunks are dropped).
  Result<std::optional<Plan>> Add(PlanChunk chunk);

  uint64_t version_in_force() const { return version_in_force_; }
  // Chunks still missing from the version being collected (0 when none is).
  size_t missing() const;

 private:
  std::string probe_id_;
  uint64_t version_in_force_;
  std::map<uint32_t, Plan> parts_;  // by chunk index, all of one version
  uint32_t count_ = 0;
};

}  // namespace narrowscan::wire

#endif  // NARROWSCAN_COMMON_WIRE_PLAN_CODEC_H_
