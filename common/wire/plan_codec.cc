#include "common/wire/plan_codec.h"

#include <fmt/format.h>

#include <algorithm>

#include "common/wire/envelope.h"
#include "common/wire/field_rules.h"
#include "common/wire/verified_buffer.h"
#include "schemas/plan_generated.h"

namespace narrowscan::wire {

namespace fb = narrowscan::schema;

namespace {

constexpr std::string_view kWhat = "plan chunk";

// Everything but the shares (scope, hosts) must match between chunks of one plan.
bool SameFixedPart(const Plan& a, const Plan& b) {
  if (a.probe_id != b.probe_id || a.version != b.version || a.round_id != b.round_id ||
      a.default_profile != b.default_profile || a.standard_ports != b.standard_ports ||
      a.rate != b.rate || a.per24_rate != b.per24_rate || a.profiles.size() != b.profiles.size()) {
    return false;
  }
  for (size_t i = 0; i < a.profiles.size(); ++i) {
    if (a.profiles[i].ports != b.profiles[i].ports) return false;
  }
  return true;
}

// Plan with the fixed part of `plan` and no scope or hosts.
Plan FixedPart(const Plan& plan) {
  Plan out = plan;
  out.scope.clear();
  for (PlanProfile& p : out.profiles) p.hosts.clear();
  return out;
}

Bytes BuildPayload(const Plan& part, uint32_t index, uint32_t count) {
  flatbuffers::FlatBufferBuilder b(1024);
  std::vector<fb::Range> scope;
  scope.reserve(part.scope.size());
  for (const Ipv4Range& r : part.scope) scope.emplace_back(r.first, r.last);
  auto scope_offset = b.CreateVectorOfStructs(scope);
  std::vector<flatbuffers::Offset<fb::Profile>> profiles;
  std::vector<flatbuffers::Offset<fb::ProfileHosts>> entries;
  for (size_t i = 0; i < part.profiles.size(); ++i) {
    profiles.push_back(fb::CreateProfile(b, b.CreateVector(part.profiles[i].ports)));
    if (!part.profiles[i].hosts.empty()) {
      entries.push_back(fb::CreateProfileHosts(b, static_cast<uint32_t>(i),
                                               b.CreateVector(part.profiles[i].hosts)));
    }
  }
  auto profiles_offset = b.CreateVector(profiles);
  auto entries_offset = b.CreateVector(entries);
  auto standard = b.CreateVector(part.standard_ports);
  auto probe_id = b.CreateString(part.probe_id);
  fb::PlanChunkBuilder out(b);
  out.add_format_version(kFormatVersion);
  out.add_probe_id(probe_id);
  out.add_version(part.version);
  out.add_round_id(part.round_id);
  out.add_chunk_index(index);
  out.add_chunk_count(count);
  out.add_scope(scope_offset);
  out.add_default_profile(part.default_profile);
  out.add_profiles(profiles_offset);
  out.add_entries(entries_offset);
  out.add_standard_ports(standard);
  out.add_rate(part.rate);
  out.add_per24_rate(part.per24_rate);
  fb::FinishPlanChunkBuffer(b, out.Finish());
  return Bytes(b.GetBufferPointer(), b.GetBufferPointer() + b.GetSize());
}

// Upper bounds of what one more item adds to a chunk's payload (vector element,
// alignment padding; a new entry table with its vector header and offset).
constexpr size_t kRangeBytes = 8;
constexpr size_t kHostBytes = 4;
constexpr size_t kEntryBytes = 40;
constexpr size_t kVectorSlack = 16;

// Splits the plan's shares greedily so each chunk's estimated payload stays within
// `budget` bytes. Errors when not even one item fits next to the fixed part.
Result<std::vector<Plan>> Split(const Plan& plan, size_t budget) {
  const Plan fixed = FixedPart(plan);
  const size_t fixed_bytes = BuildPayload(fixed, 0, 1).size() + kVectorSlack;
  std::vector<Plan> parts;
  parts.push_back(fixed);
  size_t used = fixed_bytes;
  // Charges `cost(chunk is fresh)` to the current chunk, or starts a new one.
  auto place = [&](size_t cost_here, size_t cost_fresh) -> Status {
    if (used + cost_here <= budget) {
      used += cost_here;
      return Status::Ok();
    }
    if (used == fixed_bytes || fixed_bytes + cost_fresh > budget) {
      return Error{fmt::format(
          "plan for probe {}: a chunk of {} bytes cannot hold the fixed part ({} bytes) and "
          "one scope range or host",
          plan.probe_id, budget, fixed_bytes)};
    }
    parts.push_back(fixed);
    used = fixed_bytes + cost_fresh;
    return Status::Ok();
  };
  for (const Ipv4Range& r : plan.scope) {
    if (Status s = place(kRangeBytes, kRangeBytes); !s) return Error{s.error()};
    parts.back().scope.push_back(r);
  }
  for (size_t p = 0; p < plan.profiles.size(); ++p) {
    for (Ipv4 host : plan.profiles[p].hosts) {
      const bool first_here = parts.back().profiles[p].hosts.empty();
      if (Status s = place(kHostBytes + (first_here ? kEntryBytes : 0), kHostBytes + kEntryBytes);
          !s) {
        return Error{s.error()};
      }
      parts.back().profiles[p].hosts.push_back(host);
    }
  }
  if (parts.size() > kMaxPlanChunks) {
    return Error{fmt::format("plan for probe {}: {} chunks, more than {}", plan.probe_id,
                             parts.size(), kMaxPlanChunks)};
  }
  return parts;
}

Status ValidatePart(const Plan& plan, std::string_view what) {
  auto fail = [&](const std::string& why) {
    return Status(Error{fmt::format("{}: {}", what, why)});
  };
  if (Status s = CheckProbeId(plan.probe_id); !s) return fail(s.error());
  for (size_t i = 0; i < plan.scope.size(); ++i) {
    const Ipv4Range& r = plan.scope[i];
    if (r.first > r.last) {
      return fail(fmt::format("scope range {} has first {} above last {}", i, FormatIpv4(r.first),
                              FormatIpv4(r.last)));
    }
    if (i > 0 && r.first <= plan.scope[i - 1].last) {
      return fail(fmt::format("scope is not sorted and disjoint ({} after {})", FormatIpv4Range(r),
                              FormatIpv4Range(plan.scope[i - 1])));
    }
  }
  if (plan.profiles.size() > kMaxProfiles) {
    return fail(fmt::format("{} profiles, more than {}", plan.profiles.size(), kMaxProfiles));
  }
  if (!plan.scope.empty() && plan.default_profile >= plan.profiles.size()) {
    return fail(fmt::format("default profile {} does not exist ({} profiles)", plan.default_profile,
                            plan.profiles.size()));
  }
  size_t host_count = 0;
  for (size_t i = 0; i < plan.profiles.size(); ++i) {
    const PlanProfile& p = plan.profiles[i];
    if (Status s = CheckPortList(p.ports, fmt::format("profile {} ports", i), false); !s) {
      return fail(s.error());
    }
    if (Status s = CheckSortedHosts(p.hosts, fmt::format("profile {} hosts", i)); !s) {
      return fail(s.error());
    }
    host_count += p.hosts.size();
  }
  if (plan.profiles.size() > 1 && host_count > 0) {
    std::vector<Ipv4> all;
    all.reserve(host_count);
    for (const PlanProfile& p : plan.profiles)
      all.insert(all.end(), p.hosts.begin(), p.hosts.end());
    std::sort(all.begin(), all.end());
    auto dup = std::adjacent_find(all.begin(), all.end());
    if (dup != all.end()) return fail(fmt::format("host {} is in two profiles", FormatIpv4(*dup)));
  }
  if (Status s = CheckPortList(plan.standard_ports, "standard ports", true); !s) {
    return fail(s.error());
  }
  if (Status s = CheckRate(plan.rate, 0, false, "rate"); !s) return fail(s.error());
  if (Status s = CheckRate(plan.per24_rate, 0, true, "per-/24 rate"); !s) return fail(s.error());
  return Status::Ok();
}

}  // namespace

Status ValidatePlan(const Plan& plan) { return ValidatePart(plan, "plan"); }

Result<std::vector<Bytes>> EncodePlanPayloads(const Plan& plan, size_t max_payload_bytes) {
  if (Status s = ValidatePlan(plan); !s) return Error{s.error()};
  auto parts = Split(plan, max_payload_bytes);
  if (!parts) return Error{parts.error()};
  std::vector<Bytes> out;
  out.reserve(parts->size());
  const auto count = static_cast<uint32_t>(parts->size());
  for (uint32_t i = 0; i < count; ++i) {
    out.push_back(BuildPayload((*parts)[i], i, count));
    if (out.back().size() > max_payload_bytes) {
      // The per-item costs above are upper bounds, so this means a bug, not bad input.
      return Error{fmt::format("plan for probe {}: chunk {} is {} bytes, above the limit {}",
                               plan.probe_id, i, out.back().size(), max_payload_bytes)};
    }
  }
  return out;
}

Result<std::vector<Bytes>> EncodePlan(const Plan& plan, const SigningKey& key,
                                      size_t max_chunk_bytes) {
  // Envelope: root offset, identifier, vtable, table, payload alignment and length,
  // and a DER ECDSA P-256 signature of at most 72 bytes.
  constexpr size_t kEnvelopeBytes = 160;
  if (max_chunk_bytes <= kEnvelopeBytes) {
    return Error{fmt::format("plan for probe {}: chunk limit {} bytes is too small", plan.probe_id,
                             max_chunk_bytes)};
  }
  auto payloads = EncodePlanPayloads(plan, max_chunk_bytes - kEnvelopeBytes);
  if (!payloads) return payloads;
  std::vector<Bytes> out;
  out.reserve(payloads->size());
  for (const Bytes& payload : *payloads) {
    auto sealed = SealEnvelope(payload, key);
    if (!sealed) return Error{sealed.error()};
    out.push_back(std::move(sealed).value());
  }
  return out;
}

Result<PlanChunk> DecodePlanChunkPayload(std::span<const uint8_t> bytes) {
  auto buffer =
      VerifiedBuffer::Check(bytes, fb::PlanChunkIdentifier(), &fb::VerifyPlanChunkBuffer, kWhat);
  if (!buffer) return Error{buffer.error()};
  const fb::PlanChunk* in = fb::GetPlanChunk(buffer->data());
  auto fail = [](const std::string& why) {
    return Result<PlanChunk>(Error{fmt::format("{}: {}", kWhat, why)});
  };
  if (in->format_version() != kFormatVersion) {
    return fail(fmt::format("format version {} is not the supported {}", in->format_version(),
                            kFormatVersion));
  }
  PlanChunk chunk;
  chunk.index = in->chunk_index();
  chunk.count = in->chunk_count();
  if (chunk.count == 0 || chunk.count > kMaxPlanChunks) {
    return fail(fmt::format("chunk_count {} is outside 1..{}", chunk.count, kMaxPlanChunks));
  }
  if (chunk.index >= chunk.count) {
    return fail(fmt::format("chunk_index {} >= chunk_count {}", chunk.index, chunk.count));
  }
  Plan& p = chunk.part;
  p.probe_id = in->probe_id() ? in->probe_id()->str() : std::string();
  p.version = in->version();
  p.round_id = in->round_id();
  p.default_profile = in->default_profile();
  p.rate = in->rate();
  p.per24_rate = in->per24_rate();
  if (const auto* scope = in->scope()) {
    p.scope.reserve(scope->size());
    for (const fb::Range* r : *scope) p.scope.push_back({r->first(), r->last()});
  }
  if (const auto* profiles = in->profiles()) {
    if (profiles->size() > kMaxProfiles) {
      return fail(fmt::format("{} profiles, more than {}", profiles->size(), kMaxProfiles));
    }
    p.profiles.resize(profiles->size());
    for (size_t i = 0; i < profiles->size(); ++i) {
      if (const auto* ports = profiles->Get(static_cast<flatbuffers::uoffset_t>(i))->ports()) {
        p.profiles[i].ports.assign(ports->begin(), ports->end());
      }
    }
  }
  if (const auto* entries = in->entries()) {
    std::vector<bool> seen(p.profiles.size(), false);
    for (const fb::ProfileHosts* e : *entries) {
      if (e->profile() >= p.profiles.size()) {
        return fail(fmt::format("entry for profile {}, but there are {} profiles", e->profile(),
                                p.profiles.size()));
      }
      if (seen[e->profile()]) return fail(fmt::format("two entries for profile {}", e->profile()));
      seen[e->profile()] = true;
      if (const auto* hosts = e->hosts()) {
        p.profiles[e->profile()].hosts.assign(hosts->begin(), hosts->end());
      }
    }
  }
  if (const auto* standard = in->standard_ports()) {
    p.standard_ports.assign(standard->begin(), standard->end());
  }
  if (Status s = ValidatePart(p, kWhat); !s) return Error{s.error()};
  return chunk;
}

Result<PlanChunk> DecodePlanChunk(std::span<const uint8_t> bytes, const VerifyingKey& key) {
  auto payload = OpenEnvelope(bytes, key, fb::PlanChunkIdentifier(), kWhat);
  if (!payload) return Error{payload.error()};
  return DecodePlanChunkPayload(*payload);
}

PlanAssembler::PlanAssembler(std::string probe_id, uint64_t version_in_force)
    : probe_id_(std::move(probe_id)), version_in_force_(version_in_force) {}

size_t PlanAssembler::missing() const { return parts_.empty() ? 0 : count_ - parts_.size(); }

Result<std::optional<Plan>> PlanAssembler::Add(PlanChunk chunk) {
  const Plan& part = chunk.part;
  if (part.probe_id != probe_id_) {
    return Error{
        fmt::format("plan chunk is for probe '{}', this is probe '{}'", part.probe_id, probe_id_)};
  }
  if (part.version <= version_in_force_) {
    return Error{fmt::format("plan version {} is not above the version in force {}", part.version,
                             version_in_force_)};
  }
  if (chunk.count == 0 || chunk.index >= chunk.count) {
    return Error{
        fmt::format("plan chunk index {} of {} is out of range", chunk.index, chunk.count)};
  }
  if (!parts_.empty()) {
    const Plan& first = parts_.begin()->second;
    if (part.version < first.version) {
      return Error{fmt::format("plan version {} is older than version {} being collected",
                               part.version, first.version)};
    }
    if (part.version > first.version) {
      parts_.clear();  // superseded before it was complete
    } else if (chunk.count != count_ || !SameFixedPart(first, part)) {
      return Error{
          fmt::format("plan version {} chunk {} disagrees with earlier chunks of that version",
                      part.version, chunk.index)};
    }
  }
  count_ = chunk.count;
  parts_[chunk.index] = std::move(chunk.part);
  if (parts_.size() < count_) return std::optional<Plan>();

  Plan whole = FixedPart(parts_.begin()->second);
  for (auto& [index, share] : parts_) {
    whole.scope.insert(whole.scope.end(), share.scope.begin(), share.scope.end());
    for (size_t p = 0; p < share.profiles.size(); ++p) {
      auto& hosts = whole.profiles[p].hosts;
      hosts.insert(hosts.end(), share.profiles[p].hosts.begin(), share.profiles[p].hosts.end());
    }
  }
  parts_.clear();
  if (Status s = ValidatePlan(whole); !s) {
    return Error{fmt::format("assembled {} (all {} chunks are dropped)", s.error(), count_)};
  }
  version_in_force_ = whole.version;
  return std::optional<Plan>(std::move(whole));
}

}  // namespace narrowscan::wire
