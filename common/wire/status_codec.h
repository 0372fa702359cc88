// Probe status heartbeats (schemas/status.fbs): probe -> controller, unsigned.
#ifndef NARROWSCAN_COMMON_WIRE_STATUS_CODEC_H_
#define NARROWSCAN_COMMON_WIRE_STATUS_CODEC_H_

#include <span>
#include <string_view>

#include "common/result.h"
#include "common/wire/messages.h"

namespace narrowscan::wire {

// Probe id valid, strings bounded, state known, progress_done <= progress_total,
// rate finite and >= 0.
Status ValidateStatus(const ProbeStatus& status);

Result<Bytes> EncodeStatus(const ProbeStatus& status);
// Also refuses bytes that are too large, truncated, of another kind or format
// version, or fail the Verifier.
Result<ProbeStatus> DecodeStatus(std::span<const uint8_t> bytes);

// "idle", "scanning", "paused-spool-full", "stopping": for logs, JSON and the store.
std::string_view ProbeStateName(ProbeState state);

}  // namespace narrowscan::wire

#endif  // NARROWSCAN_COMMON_WIRE_STATUS_CODEC_H_
