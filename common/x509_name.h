// X.509 distinguished names as RFC 4514 strings, the one form the project writes them
// in (hosts JSONL tls.subject/tls.issuer, the device DB's tls.* fields, Recog's x509
// fingerprints): "CN=cam.example,O=Acme\, Inc.,C=JP".
//
//  - RDNs most specific first (the reverse of the DER order), joined by ','; the
//    members of a multi-valued RDN joined by '+'.
//  - Attribute types by their short name (CN, OU, O, L, ST, C, emailAddress, …); a type
//    mbedTLS does not name is written as its dotted OID with the value as '#' and the
//    hex of its BER encoding (§2.4).
//  - Values as UTF-8 (BMPString and UniversalString are converted) with the escapes of
//    §2.4: '"', '+', ',', ';', '<', '>' and '\' get a backslash, as do a leading '#' or
//    space and a trailing space; control bytes, DEL and, in a value that is not UTF-8,
//    every byte above 0x7F are written as '\' and two hex digits. So the result is
//    always valid UTF-8 and can go into JSON as it is.
//
// Pure: no I/O.
#ifndef NARROWSCAN_COMMON_X509_NAME_H_
#define NARROWSCAN_COMMON_X509_NAME_H_

#include <string>
#include <string_view>

#include "common/result.h"

// mbedTLS 2.28 declares its name list as a tagged struct (mbedtls_x509_name is a typedef).
struct mbedtls_asn1_named_data;

namespace narrowscan {

// An mbedTLS name list, in the order mbedTLS parses it from DER (most general RDN
// first; `next_merged` set on a member the next one shares its RDN with).
std::string FormatRfc4514(const mbedtls_asn1_named_data* name);

struct X509Names {
  std::string subject;
  std::string issuer;
};

// Subject and issuer of a DER certificate; the error gives mbedTLS's error code.
Result<X509Names> ReadX509Names(std::string_view der);

}  // namespace narrowscan

#endif  // NARROWSCAN_COMMON_X509_NAME_H_
