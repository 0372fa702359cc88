// Signed envelopes (schemas/envelope.fbs): the signature covers exactly the payload
// bytes, which are a finished FlatBuffer with their own file identifier, so the signed
// bytes are canonical and a signature cannot be moved to another kind of message.
#ifndef NARROWSCAN_COMMON_WIRE_ENVELOPE_H_
#define NARROWSCAN_COMMON_WIRE_ENVELOPE_H_

#include <span>
#include <string_view>

#include "common/result.h"
#include "common/signature.h"
#include "common/wire/messages.h"

namespace narrowscan::wire {

// Signs `payload` and wraps it. Errors only when signing fails.
Result<Bytes> SealEnvelope(std::span<const uint8_t> payload, const SigningKey& key);

// Checks the envelope (size, identifier, Verifier, format version), then the
// signature over the payload with `key`, then that the payload carries
// `payload_identifier`. Returns a copy of the payload (aligned for FlatBuffers).
// `what` prefixes errors ("plan chunk: signature does not verify").
Result<Bytes> OpenEnvelope(std::span<const uint8_t> bytes, const VerifyingKey& key,
                           const char* payload_identifier, std::string_view what);

}  // namespace narrowscan::wire

#endif  // NARROWSCAN_COMMON_WIRE_ENVELOPE_H_
