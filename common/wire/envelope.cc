#include "common/wire/envelope.h"

#include <fmt/format.h>

#include <cstring>

#include "common/wire/verified_buffer.h"
#include "schemas/envelope_generated.h"

namespace narrowscan::wire {

namespace fb = narrowscan::schema;

Result<Bytes> SealEnvelope(std::span<const uint8_t> payload, const SigningKey& key) {
  auto signature = key.Sign(payload);
  if (!signature) return Error{signature.error()};
  flatbuffers::FlatBufferBuilder builder(payload.size() + signature->size() + 64);
  // Align the payload's bytes to 8 so that a receiver could read it in place.
  builder.ForceVectorAlignment(payload.size(), 1, 8);
  auto payload_offset = builder.CreateVector(payload.data(), payload.size());
  auto signature_offset = builder.CreateVector(signature->data(), signature->size());
  fb::EnvelopeBuilder envelope(builder);
  envelope.add_format_version(kFormatVersion);
  envelope.add_payload(payload_offset);
  envelope.add_signature(signature_offset);
  fb::FinishEnvelopeBuffer(builder, envelope.Finish());
  return Bytes(builder.GetBufferPointer(), builder.GetBufferPointer() + builder.GetSize());
}

Result<Bytes> OpenEnvelope(std::span<const uint8_t> bytes, const VerifyingKey& key,
                           const char* payload_identifier, std::string_view what) {
  auto buffer =
      VerifiedBuffer::Check(bytes, fb::EnvelopeIdentifier(), &fb::VerifyEnvelopeBuffer, what);
  if (!buffer) return Error{buffer.error()};
  const fb::Envelope* envelope = fb::GetEnvelope(buffer->data());
  if (envelope->format_version() != kFormatVersion) {
    return Error{fmt::format("{}: envelope format version {} is not the supported {}", what,
                             envelope->format_version(), kFormatVersion)};
  }
  const auto* payload = envelope->payload();
  if (payload == nullptr || payload->size() == 0) return Error{fmt::format("{}: no payload", what)};
  const auto* signature = envelope->signature();
  if (signature == nullptr || signature->size() == 0) {
    return Error{fmt::format("{}: not signed", what)};
  }
  std::span<const uint8_t> payload_bytes(payload->data(), payload->size());
  if (!key.Verify(payload_bytes, std::span<const uint8_t>(signature->data(), signature->size()))) {
    return Error{fmt::format("{}: signature does not verify with the given key", what)};
  }
  if (payload_bytes.size() < 8 || std::memcmp(payload_bytes.data() + sizeof(flatbuffers::uoffset_t),
                                              payload_identifier, 4) != 0) {
    return Error{fmt::format("{}: signed payload is not a '{}' message", what, payload_identifier)};
  }
  return Bytes(payload_bytes.begin(), payload_bytes.end());
}

}  // namespace narrowscan::wire
