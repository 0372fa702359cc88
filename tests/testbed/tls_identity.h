// TlsIdentities: one certificate and server configuration per profile that has an
// https port, generated at start with mbedTLS (ECDSA P-256 keys: fast to make), with the
// profile's subject and issuer. Self-signed when the issuer is empty or equal to the
// subject; otherwise signed by a per-issuer key made up on the spot (no client checks
// the chain; the names are what scans record).
//
// Names are given as RFC 4514 strings (most specific RDN first: "CN=…,O=…,C=…"); the
// certificate holds the RDNs in the usual DER order (C first), so a client that prints
// RFC 4514 gets the profile's string back. Only "\," escapes are supported in values.
#ifndef NARROWSCAN_TESTS_TESTBED_TLS_IDENTITY_H_
#define NARROWSCAN_TESTS_TESTBED_TLS_IDENTITY_H_

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/pk.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "tests/testbed/population_spec.h"

namespace narrowscan::testbed {

class TlsIdentities {
 public:
  TlsIdentities();
  ~TlsIdentities();
  TlsIdentities(const TlsIdentities&) = delete;
  TlsIdentities& operator=(const TlsIdentities&) = delete;

  // Makes the certificates of every profile with an https port.
  Status Create(const PopulationSpec& spec);

  // The server configuration for profile `index`, or nullptr when it has no TLS.
  const mbedtls_ssl_config* ConfigFor(size_t profile_index) const;
  // Its certificate (DER in `raw`), or nullptr when it has no TLS.
  const mbedtls_x509_crt* CertificateFor(size_t profile_index) const;

 private:
  struct Identity;
  Result<mbedtls_pk_context*> IssuerKey(const std::string& issuer);

  mbedtls_entropy_context entropy_;
  mbedtls_ctr_drbg_context drbg_;
  std::vector<std::unique_ptr<Identity>> identities_;  // by profile index; null: no TLS
  std::map<std::string, std::unique_ptr<mbedtls_pk_context>> issuer_keys_;
};

// "CN=a,O=b\, c,C=JP" -> "C=JP,O=b\, c,CN=a" (RDN order reversed, escapes kept).
std::string ReverseRdnOrder(std::string_view rfc4514);

}  // namespace narrowscan::testbed

#endif  // NARROWSCAN_TESTS_TESTBED_TLS_IDENTITY_H_
