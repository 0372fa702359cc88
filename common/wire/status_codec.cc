#include "common/wire/status_codec.h"

#include <fmt/format.h>

#include "common/wire/counters_codec.h"
#include "common/wire/field_rules.h"
#include "common/wire/verified_buffer.h"
#include "schemas/status_generated.h"

namespace narrowscan::wire {

namespace fb = narrowscan::schema;

namespace {
constexpr std::string_view kWhat = "probe status";
}  // namespace

std::string_view ProbeStateName(ProbeState state) {
  switch (state) {
    case ProbeState::kIdle:
      return "idle";
    case ProbeState::kScanning:
      return "scanning";
    case ProbeState::kPausedSpoolFull:
      return "paused-spool-full";
    case ProbeState::kStopping:
      return "stopping";
  }
  return "unknown";
}

Status ValidateStatus(const ProbeStatus& s) {
  auto fail = [](const std::string& why) {
    return Status(Error{fmt::format("{}: {}", kWhat, why)});
  };
  if (Status c = CheckProbeId(s.probe_id); !c) return fail(c.error());
  if (Status c = CheckStringSize(s.software_version.size(), kMaxStringBytes, "software version");
      !c) {
    return fail(c.error());
  }
  if (static_cast<uint8_t>(s.state) > static_cast<uint8_t>(ProbeState::kStopping)) {
    return fail(fmt::format("state {} is unknown", static_cast<int>(s.state)));
  }
  if (s.progress_done > s.progress_total) {
    return fail(
        fmt::format("progress {} is above the total {}", s.progress_done, s.progress_total));
  }
  if (Status c = CheckRate(s.rate, 0, true, "rate"); !c) return fail(c.error());
  return Status::Ok();
}

Result<Bytes> EncodeStatus(const ProbeStatus& s) {
  if (Status c = ValidateStatus(s); !c) return Error{c.error()};
  flatbuffers::FlatBufferBuilder b(256);
  auto probe_id = b.CreateString(s.probe_id);
  auto software = b.CreateString(s.software_version);
  auto counters = BuildCounters(b, s.counters);
  fb::ProbeStatusBuilder out(b);
  out.add_format_version(kFormatVersion);
  out.add_probe_id(probe_id);
  out.add_software_version(software);
  out.add_state(static_cast<fb::ProbeState>(s.state));
  out.add_round_id(s.round_id);
  out.add_progress_done(s.progress_done);
  out.add_progress_total(s.progress_total);
  out.add_rate(s.rate);
  out.add_spool_depth(s.spool_depth);
  out.add_counters(counters);
  out.add_plan_version(s.plan_version);
  out.add_refused_plans(s.refused_plans);
  out.add_timestamp_ms(s.timestamp_ms);
  fb::FinishProbeStatusBuffer(b, out.Finish());
  return Bytes(b.GetBufferPointer(), b.GetBufferPointer() + b.GetSize());
}

Result<ProbeStatus> DecodeStatus(std::span<const uint8_t> bytes) {
  auto buffer = VerifiedBuffer::Check(bytes, fb::ProbeStatusIdentifier(),
                                      &fb::VerifyProbeStatusBuffer, kWhat);
  if (!buffer) return Error{buffer.error()};
  const fb::ProbeStatus* in = fb::GetProbeStatus(buffer->data());
  if (in->format_version() != kFormatVersion) {
    return Error{fmt::format("{}: format version {} is not the supported {}", kWhat,
                             in->format_version(), kFormatVersion)};
  }
  ProbeStatus s;
  s.probe_id = in->probe_id() ? in->probe_id()->str() : std::string();
  s.software_version = in->software_version() ? in->software_version()->str() : std::string();
  s.state = static_cast<ProbeState>(static_cast<uint8_t>(in->state()));
  s.round_id = in->round_id();
  s.progress_done = in->progress_done();
  s.progress_total = in->progress_total();
  s.rate = in->rate();
  s.spool_depth = in->spool_depth();
  s.counters = ReadCounters(in->counters());
  s.plan_version = in->plan_version();
  s.refused_plans = in->refused_plans();
  s.timestamp_ms = in->timestamp_ms();
  if (Status c = ValidateStatus(s); !c) return Error{c.error()};
  return s;
}

}  // namespace narrowscan::wire
