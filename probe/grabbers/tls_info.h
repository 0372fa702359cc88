// TlsInfo: what a TLS service showed of itself — its peer certificate and the
// negotiated protocol. The TLS grabber fills it (tls_client.h, tls_certificate.h) and
// the engine carries it in ScanResult, so it lives with the grabbers: the engine
// includes the grabbers, never the other way round.
#ifndef NARROWSCAN_PROBE_GRABBERS_TLS_INFO_H_
#define NARROWSCAN_PROBE_GRABBERS_TLS_INFO_H_

#include <string>

namespace narrowscan {

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

}  // namespace narrowscan

#endif  // NARROWSCAN_PROBE_GRABBERS_TLS_INFO_H_
