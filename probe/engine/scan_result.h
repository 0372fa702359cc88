// What the engine reports for one (ip, port) pair.
#ifndef NARROWSCAN_PROBE_ENGINE_SCAN_RESULT_H_
#define NARROWSCAN_PROBE_ENGINE_SCAN_RESULT_H_

#include <cstdint>
#include <optional>
#include <string>

#include "common/ipv4.h"
#include "probe/grabbers/tls_info.h"

namespace narrowscan {

// open: the handshake completed (or a SYN-ACK came back in --syn mode);
// closed: refused (RST) or the host said unreachable (EHOSTUNREACH);
// timeout: no answer within the connect timeout;
// error: a local failure (no descriptors, network unreachable: no route, …), counted
// in the summary's `errors`, see ScanResult::error — never `closed`.
enum class PortState : uint8_t { kOpen, kClosed, kTimeout, kError };
const char* PortStateName(PortState state);

struct ScanResult {
  Ipv4 ip = 0;
  uint16_t port = 0;
  PortState state = PortState::kTimeout;
  uint64_t position = 0;  // the pair's place in the permutation (for checkpoints)
  std::string service;    // what the grabber spoke or saw; empty when nothing
  std::string banner;     // raw bytes as read (bounded); may be non-UTF-8
  std::optional<TlsInfo> tls;
  std::string error;            // kError: the reason; open: why the grab stopped early
  uint32_t connect_ms = 0;      // from the attempt to the connect outcome
  uint32_t total_ms = 0;        // from the attempt to the end of the banner grab
  int64_t started_unix_ms = 0;  // wall clock at the attempt
};

}  // namespace narrowscan

#endif  // NARROWSCAN_PROBE_ENGINE_SCAN_RESULT_H_
