// WireResultOf: an engine ScanResult as the wire's PortResult (report batches) — pure.
//
// Strings and the banner are cut at the wire's caps (kMaxStringBytes, kMaxBannerBytes),
// so every result the engine produces can be encoded: an encoder refusal would
// otherwise stall the agent's batches. TLS times ("YYYY-MM-DDTHH:MM:SSZ") become Unix
// seconds and the hex SHA-256 fingerprint 32 bytes; a field the engine left empty or
// malformed reads as 0 (times) or empty (digest). Times are carried as milliseconds by
// the engine and as microseconds on the wire.
#ifndef NARROWSCAN_PROBE_AGENT_WIRE_RESULT_H_
#define NARROWSCAN_PROBE_AGENT_WIRE_RESULT_H_

#include <cstdint>
#include <optional>
#include <string_view>

#include "common/wire/messages.h"
#include "probe/engine/scan_result.h"

namespace narrowscan {

// The engine's kError (a local failure; the wire has no such state) is sent as
// timeout: no answer was seen.
wire::PortResult WireResultOf(ScanResult&& r);

// "YYYY-MM-DDTHH:MM:SSZ" (UTC) as Unix seconds; nullopt when malformed.
std::optional<int64_t> ParseUtcTime(std::string_view text);

}  // namespace narrowscan

#endif  // NARROWSCAN_PROBE_AGENT_WIRE_RESULT_H_
