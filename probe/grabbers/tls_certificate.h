// Describes an X.509 certificate for banners: subject and issuer as RFC 4514 strings
// (most specific RDN first, so "CN=…" leads; ',', '+', '"', '\', '<', '>', ';' escaped
// with a backslash, as are a leading '#' or space and a trailing space), the serial,
// the validity and the SHA-256 fingerprint. Pure: parses bytes, no I/O.
#ifndef NARROWSCAN_PROBE_GRABBERS_TLS_CERTIFICATE_H_
#define NARROWSCAN_PROBE_GRABBERS_TLS_CERTIFICATE_H_

#include <cstdint>
#include <span>
#include <string>

#include "common/result.h"
#include "probe/engine/scan_result.h"

// mbedTLS types (2.28 declares them as tagged structs).
struct mbedtls_x509_crt;
struct mbedtls_asn1_named_data;

namespace narrowscan {

// Fills subject, issuer, serial, not_before, not_after, sha256_fingerprint.
TlsInfo DescribeCertificate(const mbedtls_x509_crt& certificate);
// The same from DER bytes; errors say why mbedTLS refused them.
Result<TlsInfo> DescribeCertificateDer(std::span<const uint8_t> der);
// An mbedTLS name list (stored most general RDN first) as an RFC 4514 string.
std::string FormatRfc4514(const mbedtls_asn1_named_data* name);

}  // namespace narrowscan

#endif  // NARROWSCAN_PROBE_GRABBERS_TLS_CERTIFICATE_H_
