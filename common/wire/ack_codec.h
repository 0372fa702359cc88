// Acks (schemas/ack.fbs): controller -> probe, unsigned (the broker ACL guards the
// topic; a forged ack can at worst make a probe drop spooled batches early, which the
// controller detects as a gap in seq).
#ifndef NARROWSCAN_COMMON_WIRE_ACK_CODEC_H_
#define NARROWSCAN_COMMON_WIRE_ACK_CODEC_H_

#include <span>

#include "common/result.h"
#include "common/wire/messages.h"

namespace narrowscan::wire {

// Refuses an invalid probe id.
Result<Bytes> EncodeAck(const Ack& ack);
// Refuses bytes that are too large, truncated, of another kind or format version,
// fail the Verifier, or carry an invalid probe id.
Result<Ack> DecodeAck(std::span<const uint8_t> bytes);

}  // namespace narrowscan::wire

#endif  // NARROWSCAN_COMMON_WIRE_ACK_CODEC_H_
