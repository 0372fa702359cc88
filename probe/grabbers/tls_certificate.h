// Describes an X.509 certificate for banners: subject and issuer as RFC 4514 strings
// (common/x509_name.h, the form the controller writes too), the serial, the validity
// and the SHA-256 fingerprint. Pure: parses bytes, no I/O.
#ifndef NARROWSCAN_PROBE_GRABBERS_TLS_CERTIFICATE_H_
#define NARROWSCAN_PROBE_GRABBERS_TLS_CERTIFICATE_H_

#include <cstdint>
#include <span>
#include <string>

#include "common/result.h"
#include "probe/grabbers/tls_info.h"

// mbedTLS type (2.28 declares it as a tagged struct).
struct mbedtls_x509_crt;

namespace narrowscan {

// Fills subject, issuer, serial, not_before, not_after, sha256_fingerprint.
TlsInfo DescribeCertificate(const mbedtls_x509_crt& certificate);
// The same from DER bytes; errors say why mbedTLS refused them.
Result<TlsInfo> DescribeCertificateDer(std::span<const uint8_t> der);

}  // namespace narrowscan

#endif  // NARROWSCAN_PROBE_GRABBERS_TLS_CERTIFICATE_H_
