// What the engine reports for one (ip, port) pair.
#ifndef NARROWSCAN_PROBE_ENGINE_SCAN_RESULT_H_
#define NARROWSCAN_PROBE_ENGINE_SCAN_RESULT_H_

#include <cstdint>
#include <optional>
#include <string>

#include "common/ipv4.h"

namespace narrowscan {

// open: the handshake completed (or a SYN-ACK came back in --syn mode);
// closed: refused (RST) or the host said unreachable (EHOSTUNREACH);
// timeout: no answer within the connect timeout;
// error: a local failure (no descriptors, network unreachable: no route, …), counted
// in the summary's `errors`, see ScanResult::error — never `closed`.
enum class PortState : uint8_t { kOpen, kClosed, kTimeout, kError };
const char* PortStateName(PortState state);

// The peer certificate of a TLS service. Names are RFC 4514 strings, most specific
// RDN first ("CN=cam.example,O=Acme\, Inc.,C=JP"); times are UTC "YYYY-MM-DDTHH:MM:SSZ".
struct TlsInfo {
  std::string subject;
  std::string issuer;
  std::string serial;  // lower-case hex, no separators
  std::string not_before, not_after;
  std::string sha256_fingerprint;  // lower-case hex of SHA-256 over the DER certificate
  std::string version;             // negotiated protocol, e.g. "TLSv1.2"
  std::string cipher;
};

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
