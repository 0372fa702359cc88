#include "common/wire/ack_codec.h"

#include <fmt/format.h>

#include "common/wire/field_rules.h"
#include "common/wire/verified_buffer.h"
#include "schemas/ack_generated.h"

namespace narrowscan::wire {

namespace fb = narrowscan::schema;

namespace {
constexpr std::string_view kWhat = "ack";
}  // namespace

Result<Bytes> EncodeAck(const Ack& ack) {
  if (Status s = CheckProbeId(ack.probe_id); !s) {
    return Error{fmt::format("{}: {}", kWhat, s.error())};
  }
  flatbuffers::FlatBufferBuilder b(128);
  auto probe_id = b.CreateString(ack.probe_id);
  fb::AckBuilder out(b);
  out.add_format_version(kFormatVersion);
  out.add_probe_id(probe_id);
  out.add_round_id(ack.round_id);
  out.add_highest_seq(ack.highest_seq);
  fb::FinishAckBuffer(b, out.Finish());
  return Bytes(b.GetBufferPointer(), b.GetBufferPointer() + b.GetSize());
}

Result<Ack> DecodeAck(std::span<const uint8_t> bytes) {
  auto buffer = VerifiedBuffer::Check(bytes, fb::AckIdentifier(), &fb::VerifyAckBuffer, kWhat);
  if (!buffer) return Error{buffer.error()};
  const fb::Ack* in = fb::GetAck(buffer->data());
  if (in->format_version() != kFormatVersion) {
    return Error{fmt::format("{}: format version {} is not the supported {}", kWhat,
                             in->format_version(), kFormatVersion)};
  }
  Ack ack;
  ack.probe_id = in->probe_id() ? in->probe_id()->str() : std::string();
  ack.round_id = in->round_id();
  ack.highest_seq = in->highest_seq();
  if (Status s = CheckProbeId(ack.probe_id); !s) {
    return Error{fmt::format("{}: {}", kWhat, s.error())};
  }
  return ack;
}

}  // namespace narrowscan::wire
