#include "probe/grabbers/tls_certificate.h"

#include <mbedtls/sha256.h>
#include <mbedtls/x509_crt.h>

#include <cstdio>

#include "common/x509_name.h"

namespace narrowscan {
namespace {

constexpr char kHex[] = "0123456789abcdef";

std::string Hex(const unsigned char* p, size_t n) {
  std::string out;
  out.reserve(2 * n);
  for (size_t i = 0; i < n; ++i) {
    out.push_back(kHex[p[i] >> 4]);
    out.push_back(kHex[p[i] & 15]);
  }
  return out;
}

std::string Time(const mbedtls_x509_time& t) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", t.year, t.mon, t.day, t.hour,
                t.min, t.sec);
  return buf;
}

}  // namespace

TlsInfo DescribeCertificate(const mbedtls_x509_crt& crt) {
  TlsInfo info;
  info.subject = FormatRfc4514(&crt.subject);
  info.issuer = FormatRfc4514(&crt.issuer);
  size_t skip = 0;  // DER INTEGERs carry a 0x00 byte to stay positive; not part of the number
  while (skip + 1 < crt.serial.len && crt.serial.p[skip] == 0) ++skip;
  info.serial = Hex(crt.serial.p + skip, crt.serial.len - skip);
  info.not_before = Time(crt.valid_from);
  info.not_after = Time(crt.valid_to);
  unsigned char digest[32];
  mbedtls_sha256_ret(crt.raw.p, crt.raw.len, digest, 0);
  info.sha256_fingerprint = Hex(digest, sizeof digest);
  return info;
}

Result<TlsInfo> DescribeCertificateDer(std::span<const uint8_t> der) {
  mbedtls_x509_crt crt;
  mbedtls_x509_crt_init(&crt);
  const int rc = mbedtls_x509_crt_parse_der(&crt, der.data(), der.size());
  if (rc != 0) {
    mbedtls_x509_crt_free(&crt);
    char buf[32];
    std::snprintf(buf, sizeof buf, "-0x%04x", static_cast<unsigned>(-rc));
    return Error{std::string("certificate: not parseable DER (mbedTLS ") + buf + ")"};
  }
  TlsInfo info = DescribeCertificate(crt);
  mbedtls_x509_crt_free(&crt);
  return info;
}

}  // namespace narrowscan
