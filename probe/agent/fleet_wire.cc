#include "probe/agent/fleet_wire.h"

#include <fmt/format.h>

#include <algorithm>

#include "probe/agent/fleet_wire_generated.h"

namespace narrowscan::fleetwire {

namespace fb = narrowscan::fleetwire::fb;

namespace {

constexpr uint8_t kFormat = 1;
enum Kind : uint8_t { kReport = 1, kAck = 2, kPlanChunk = 3, kStatus = 4, kExclusions = 5 };
const char* KindName(uint8_t k) {
  switch (k) {
    case kReport:
      return "report";
    case kAck:
      return "ack";
    case kPlanChunk:
      return "plan chunk";
    case kStatus:
      return "status";
    case kExclusions:
      return "exclusion list";
  }
  return "unknown";
}

Bytes Finish(flatbuffers::FlatBufferBuilder& fbb) {
  return Bytes(fbb.GetBufferPointer(), fbb.GetBufferPointer() + fbb.GetSize());
}

Result<Bytes> Wrap(uint8_t kind, const Bytes& payload, const SigningKey* key) {
  Bytes signature;
  if (key) {
    auto sig = key->Sign(payload);
    if (!sig.ok()) return Error{fmt::format("signing {}: {}", KindName(kind), sig.error())};
    signature = std::move(*sig);
  }
  flatbuffers::FlatBufferBuilder fbb(payload.size() + signature.size() + 64);
  auto p = fbb.CreateVector(payload);
  auto s = fbb.CreateVector(signature);
  fbb.Finish(fb::CreateEnvelope(fbb, kind, kFormat, p, s));
  return Finish(fbb);
}

// Verifies the envelope (and its signature when `key` is given) and then the payload
// as root type T; returns the verified payload root.
template <class T>
Result<const T*> Open(std::span<const uint8_t> bytes, uint8_t kind, const VerifyingKey* key) {
  const char* what = KindName(kind);
  if (bytes.size() > kMaxMessageBytes)
    return Error{
        fmt::format("{}: {} bytes exceeds the cap of {}", what, bytes.size(), kMaxMessageBytes)};
  flatbuffers::Verifier outer(bytes.data(), bytes.size());
  if (!outer.VerifyBuffer<fb::Envelope>(nullptr))
    return Error{fmt::format("{}: not a valid envelope (truncated or corrupt)", what)};
  const fb::Envelope* env = flatbuffers::GetRoot<fb::Envelope>(bytes.data());
  if (env->kind() != kind)
    return Error{
        fmt::format("{}: wrong message kind {} ({})", what, env->kind(), KindName(env->kind()))};
  if (env->format() != kFormat)
    return Error{fmt::format("{}: unsupported format version {}", what, env->format())};
  if (!env->payload()) return Error{fmt::format("{}: no payload", what)};
  std::span<const uint8_t> payload(env->payload()->data(), env->payload()->size());
  if (key) {
    if (!env->signature() || env->signature()->size() == 0)
      return Error{fmt::format("{}: not signed", what)};
    std::span<const uint8_t> sig(env->signature()->data(), env->signature()->size());
    if (!key->Verify(payload, sig)) return Error{fmt::format("{}: bad signature", what)};
  }
  flatbuffers::Verifier inner(payload.data(), payload.size());
  if (!inner.VerifyBuffer<T>(nullptr))
    return Error{fmt::format("{}: payload is not a valid {} (truncated or corrupt)", what, what)};
  return flatbuffers::GetRoot<T>(payload.data());
}

Result<std::string> BoundedString(const flatbuffers::String* s, const char* field) {
  if (!s) return std::string();
  if (s->size() > kMaxStringBytes)
    return Error{
        fmt::format("field {}: {} bytes exceeds the cap of {}", field, s->size(), kMaxStringBytes)};
  return s->str();
}

flatbuffers::Offset<fb::Counters> PutCounters(flatbuffers::FlatBufferBuilder& fbb,
                                              const fleetwire::Counters& c) {
  return fb::CreateCounters(fbb, c.attempts, c.bytes_sent, c.bytes_received, c.open, c.closed,
                            c.timeout);
}
fleetwire::Counters GetCounters(const fb::Counters* c) {
  if (!c) return {};
  return {c->attempts(), c->bytes_sent(), c->bytes_received(),
          c->open(),     c->closed(),     c->timeout()};
}

Result<std::vector<uint16_t>> GetPorts(const flatbuffers::Vector<uint16_t>* v, const char* field) {
  std::vector<uint16_t> out;
  if (!v) return out;
  out.assign(v->begin(), v->end());
  for (size_t i = 0; i < out.size(); ++i) {
    if (out[i] == 0) return Error{fmt::format("{}: port 0", field)};
    if (i && out[i] <= out[i - 1])
      return Error{fmt::format("{}: ports not sorted and unique", field)};
  }
  return out;
}

}  // namespace

Result<Bytes> EncodeReport(const ReportBatch& b, const SigningKey& key) {
  flatbuffers::FlatBufferBuilder fbb(1024 + b.results.size() * 128);
  std::vector<flatbuffers::Offset<fb::PortResult>> results;
  results.reserve(b.results.size());
  for (const PortResult& r : b.results) {
    auto service = fbb.CreateString(r.service);
    auto banner = fbb.CreateVector(reinterpret_cast<const uint8_t*>(r.banner.data()),
                                   std::min(r.banner.size(), kMaxBannerBytes));
    auto subject = r.tls_subject.empty() ? 0 : fbb.CreateString(r.tls_subject);
    auto issuer = r.tls_issuer.empty() ? 0 : fbb.CreateString(r.tls_issuer);
    results.push_back(fb::CreatePortResult(fbb, r.ip, r.port, static_cast<fb::PortState>(r.state),
                                           service, banner, subject, issuer, r.connect_us));
  }
  auto id = fbb.CreateString(b.probe_id);
  auto res = fbb.CreateVector(results);
  auto counters = PutCounters(fbb, b.counters);
  fbb.Finish(
      fb::CreateReportBatch(fbb, id, b.round_id, b.seq, b.plan_version, res, counters, b.done));
  return Wrap(kReport, Finish(fbb), &key);
}

Result<ReportBatch> DecodeReport(std::span<const uint8_t> bytes, const VerifyingKey& key) {
  auto root = Open<fb::ReportBatch>(bytes, kReport, &key);
  if (!root.ok()) return Error{root.error()};
  const fb::ReportBatch* m = *root;
  ReportBatch b;
  auto id = BoundedString(m->probe_id(), "probe_id");
  if (!id.ok()) return Error{"report: " + id.error()};
  b.probe_id = *id;
  b.round_id = m->round_id();
  b.seq = m->seq();
  b.plan_version = m->plan_version();
  b.counters = GetCounters(m->counters());
  b.done = m->done();
  if (m->results()) {
    b.results.reserve(m->results()->size());
    for (const fb::PortResult* r : *m->results()) {
      PortResult out;
      out.ip = r->ip();
      out.port = r->port();
      if (out.port == 0)
        return Error{fmt::format("report: result for {} has port 0", FormatIpv4(out.ip))};
      const auto state = static_cast<uint8_t>(r->state());
      if (state > 2)
        return Error{fmt::format("report: result {}:{} has unknown state {}", FormatIpv4(out.ip),
                                 out.port, state)};
      out.state = static_cast<PortState>(state);
      auto service = BoundedString(r->service(), "service");
      auto subject = BoundedString(r->tls_subject(), "tls_subject");
      auto issuer = BoundedString(r->tls_issuer(), "tls_issuer");
      if (!service.ok() || !subject.ok() || !issuer.ok())
        return Error{"report: string field exceeds its cap"};
      out.service = *service;
      out.tls_subject = *subject;
      out.tls_issuer = *issuer;
      if (r->banner()) {
        if (r->banner()->size() > kMaxBannerBytes)
          return Error{fmt::format("report: banner of {}:{} exceeds {} bytes", FormatIpv4(out.ip),
                                   out.port, kMaxBannerBytes)};
        out.banner.assign(reinterpret_cast<const char*>(r->banner()->data()), r->banner()->size());
      }
      out.connect_us = r->connect_us();
      b.results.push_back(std::move(out));
    }
  }
  return b;
}

Bytes EncodeAck(const Ack& a) {
  flatbuffers::FlatBufferBuilder fbb(128);
  auto id = fbb.CreateString(a.probe_id);
  fbb.Finish(fb::CreateAck(fbb, id, a.round_id, a.highest_seq));
  return std::move(Wrap(kAck, Finish(fbb), nullptr).value());
}

Result<Ack> DecodeAck(std::span<const uint8_t> bytes) {
  auto root = Open<fb::Ack>(bytes, kAck, nullptr);
  if (!root.ok()) return Error{root.error()};
  auto id = BoundedString((*root)->probe_id(), "probe_id");
  if (!id.ok()) return Error{"ack: " + id.error()};
  return Ack{*id, (*root)->round_id(), (*root)->highest_seq()};
}

namespace {

Result<Bytes> EncodeChunk(const Plan& plan, const Plan& part, uint32_t index, uint32_t count,
                          const SigningKey& key) {
  flatbuffers::FlatBufferBuilder fbb(1024 + part.sweep.size() * 8);
  std::vector<fb::Range> sweep;
  sweep.reserve(part.sweep.size());
  for (const Ipv4Range& r : part.sweep) sweep.emplace_back(r.first, r.last);
  std::vector<flatbuffers::Offset<fb::Profile>> profiles;
  for (const PlanProfile& p : part.profiles)
    profiles.push_back(
        fb::CreateProfile(fbb, fbb.CreateVector(p.ports), fbb.CreateVector(p.hosts)));
  auto id = fbb.CreateString(plan.probe_id);
  auto sw = fbb.CreateVectorOfStructs(sweep);
  auto std_ports = fbb.CreateVector(plan.standard_ports);
  auto prof = fbb.CreateVector(profiles);
  fbb.Finish(fb::CreatePlanChunk(fbb, id, plan.version, plan.round_id, index, count, sw, std_ports,
                                 prof, plan.rate, plan.per24_rate));
  return Wrap(kPlanChunk, Finish(fbb), &key);
}

}  // namespace

Result<std::vector<Bytes>> EncodePlan(const Plan& plan, const SigningKey& key,
                                      size_t max_chunk_bytes) {
  // Budget in entries: a range costs 8 bytes, a host 4; the fixed part (ports of
  // every profile, ids, signature) is charged up front.
  size_t fixed = 512 + plan.standard_ports.size() * 2;
  for (const PlanProfile& p : plan.profiles) fixed += 32 + p.ports.size() * 2;
  const size_t budget = max_chunk_bytes > fixed + 64 ? max_chunk_bytes - fixed : 64;

  std::vector<Plan> parts;
  auto fresh = [&] {
    Plan p;
    for (const PlanProfile& prof : plan.profiles) p.profiles.push_back({prof.ports, {}});
    parts.push_back(std::move(p));
  };
  fresh();
  size_t used = 0;
  auto charge = [&](size_t cost) {
    if (used + cost > budget && used > 0) {
      fresh();
      used = 0;
    }
    used += cost;
  };
  for (const Ipv4Range& r : plan.sweep) {
    charge(8);
    parts.back().sweep.push_back(r);
  }
  for (size_t i = 0; i < plan.profiles.size(); ++i)
    for (Ipv4 h : plan.profiles[i].hosts) {
      charge(4);
      parts.back().profiles[i].hosts.push_back(h);
    }
  if (parts.size() > kMaxPlanChunks)
    return Error{fmt::format("plan for {} needs {} chunks, more than the cap {}", plan.probe_id,
                             parts.size(), kMaxPlanChunks)};
  std::vector<Bytes> out;
  for (size_t i = 0; i < parts.size(); ++i) {
    auto chunk = EncodeChunk(plan, parts[i], static_cast<uint32_t>(i),
                             static_cast<uint32_t>(parts.size()), key);
    if (!chunk.ok()) return Error{chunk.error()};
    out.push_back(std::move(*chunk));
  }
  return out;
}

Result<PlanChunk> DecodePlanChunk(std::span<const uint8_t> bytes, const VerifyingKey& key) {
  auto root = Open<fb::PlanChunk>(bytes, kPlanChunk, &key);
  if (!root.ok()) return Error{root.error()};
  const fb::PlanChunk* m = *root;
  PlanChunk c;
  auto id = BoundedString(m->probe_id(), "probe_id");
  if (!id.ok()) return Error{"plan chunk: " + id.error()};
  c.part.probe_id = *id;
  c.part.version = m->version();
  c.part.round_id = m->round_id();
  c.index = m->chunk_index();
  c.count = m->chunk_count();
  if (c.count == 0 || c.count > kMaxPlanChunks || c.index >= c.count)
    return Error{fmt::format("plan chunk: index {} of {} is out of range", c.index, c.count)};
  if (m->sweep())
    for (const fb::Range* r : *m->sweep()) {
      if (r->first() > r->last())
        return Error{fmt::format("plan chunk: reversed range {}-{}", FormatIpv4(r->first()),
                                 FormatIpv4(r->last()))};
      c.part.sweep.push_back({r->first(), r->last()});
    }
  auto std_ports = GetPorts(m->standard_ports(), "plan chunk standard_ports");
  if (!std_ports.ok()) return Error{std_ports.error()};
  c.part.standard_ports = std::move(*std_ports);
  if (m->profiles())
    for (const fb::Profile* p : *m->profiles()) {
      PlanProfile out;
      auto ports = GetPorts(p->ports(), "plan chunk profile");
      if (!ports.ok()) return Error{ports.error()};
      out.ports = std::move(*ports);
      if (p->hosts()) {
        out.hosts.assign(p->hosts()->begin(), p->hosts()->end());
        if (!std::is_sorted(out.hosts.begin(), out.hosts.end()) ||
            std::adjacent_find(out.hosts.begin(), out.hosts.end()) != out.hosts.end())
          return Error{"plan chunk: profile host list is not sorted and unique"};
      }
      c.part.profiles.push_back(std::move(out));
    }
  c.part.rate = m->rate();
  c.part.per24_rate = m->per24_rate();
  if (!(c.part.rate >= 0) || !(c.part.per24_rate >= 0))
    return Error{"plan chunk: negative or NaN rate"};
  return c;
}

std::optional<Plan> PlanAssembler::Add(PlanChunk chunk) {
  if (chunk.part.version < version_) return std::nullopt;
  if (chunk.part.version > version_ || chunk.count != count_) {
    version_ = chunk.part.version;
    count_ = chunk.count;
    parts_.clear();
  }
  parts_[chunk.index] = std::move(chunk.part);
  if (parts_.size() < count_) return std::nullopt;
  Plan whole = std::move(parts_.begin()->second);
  for (auto it = std::next(parts_.begin()); it != parts_.end(); ++it) {
    Plan& p = it->second;
    whole.sweep.insert(whole.sweep.end(), p.sweep.begin(), p.sweep.end());
    for (size_t i = 0; i < whole.profiles.size() && i < p.profiles.size(); ++i)
      whole.profiles[i].hosts.insert(whole.profiles[i].hosts.end(), p.profiles[i].hosts.begin(),
                                     p.profiles[i].hosts.end());
  }
  parts_.clear();
  return whole;
}

Result<Bytes> EncodeExclusions(const ExclusionList& list, const SigningKey& key) {
  flatbuffers::FlatBufferBuilder fbb(256 + list.entries.size() * 64);
  std::vector<flatbuffers::Offset<fb::ExclusionEntry>> entries;
  for (const ExclusionEntry& e : list.entries) {
    fb::Range r(e.range.first, e.range.last);
    entries.push_back(fb::CreateExclusionEntry(fbb, &r, fbb.CreateString(e.reason)));
  }
  auto v = fbb.CreateVector(entries);
  fbb.Finish(fb::CreateExclusionList(fbb, list.version, v));
  return Wrap(kExclusions, Finish(fbb), &key);
}

Result<ExclusionList> DecodeExclusions(std::span<const uint8_t> bytes, const VerifyingKey& key) {
  auto root = Open<fb::ExclusionList>(bytes, kExclusions, &key);
  if (!root.ok()) return Error{root.error()};
  ExclusionList list;
  list.version = (*root)->version();
  if ((*root)->entries())
    for (const fb::ExclusionEntry* e : *(*root)->entries()) {
      if (!e->range() || e->range()->first() > e->range()->last())
        return Error{"exclusion list: missing or reversed range"};
      auto reason = BoundedString(e->reason(), "reason");
      if (!reason.ok()) return Error{"exclusion list: " + reason.error()};
      list.entries.push_back({{e->range()->first(), e->range()->last()}, *reason});
    }
  return list;
}

Bytes EncodeStatus(const ProbeStatus& s) {
  flatbuffers::FlatBufferBuilder fbb(256);
  auto id = fbb.CreateString(s.probe_id);
  auto sw = fbb.CreateString(s.software);
  auto st = fbb.CreateString(s.state);
  auto c = PutCounters(fbb, s.counters);
  fbb.Finish(fb::CreateStatus(fbb, id, sw, st, s.round_id, s.done, s.total, s.rate, s.spool_depth,
                              c, s.refused_plans, s.plan_version, s.timestamp));
  return std::move(Wrap(kStatus, Finish(fbb), nullptr).value());
}

Result<ProbeStatus> DecodeStatus(std::span<const uint8_t> bytes) {
  auto root = Open<fb::Status>(bytes, kStatus, nullptr);
  if (!root.ok()) return Error{root.error()};
  const fb::Status* m = *root;
  ProbeStatus s;
  auto id = BoundedString(m->probe_id(), "probe_id");
  auto sw = BoundedString(m->software(), "software");
  auto st = BoundedString(m->state(), "state");
  if (!id.ok() || !sw.ok() || !st.ok()) return Error{"status: string field exceeds its cap"};
  s.probe_id = *id;
  s.software = *sw;
  s.state = *st;
  s.round_id = m->round_id();
  s.done = m->done();
  s.total = m->total();
  s.rate = m->rate();
  s.spool_depth = m->spool_depth();
  s.counters = GetCounters(m->counters());
  s.refused_plans = m->refused_plans();
  s.plan_version = m->plan_version();
  s.timestamp = m->timestamp();
  return s;
}

}  // namespace narrowscan::fleetwire
