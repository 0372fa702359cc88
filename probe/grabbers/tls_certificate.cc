#include "probe/grabbers/tls_certificate.h"

#include <mbedtls/asn1.h>
#include <mbedtls/oid.h>
#include <mbedtls/sha256.h>
#include <mbedtls/x509_crt.h>

#include <cstdio>
#include <vector>

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

// Appends a code point as UTF-8 (BMPString values are UCS-2).
void AppendUtf8(std::string* out, uint32_t c) {
  if (c < 0x80) {
    out->push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (c >> 6)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xE0 | (c >> 12)));
    out->push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
}

std::string ValueText(const mbedtls_asn1_buf& val) {
  std::string raw;
  if (val.tag == MBEDTLS_ASN1_BMP_STRING) {
    for (size_t i = 0; i + 1 < val.len; i += 2) AppendUtf8(&raw, (val.p[i] << 8) | val.p[i + 1]);
  } else {
    raw.assign(reinterpret_cast<const char*>(val.p), val.len);
  }
  return raw;
}

// RFC 4514 §2.4.
std::string Escape(const std::string& value) {
  std::string out;
  for (size_t i = 0; i < value.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(value[i]);
    const bool special = c == '"' || c == '+' || c == ',' || c == ';' || c == '<' || c == '>' ||
                         c == '\\' || (i == 0 && (c == '#' || c == ' ')) ||
                         (i + 1 == value.size() && c == ' ');
    if (special) {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
    } else if (c < 0x20 || c == 0x7F) {
      out.push_back('\\');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

std::string Attribute(const mbedtls_asn1_named_data& n) {
  const char* short_name = nullptr;
  if (mbedtls_oid_get_attr_short_name(&n.oid, &short_name) == 0 && short_name != nullptr) {
    return std::string(short_name) + "=" + Escape(ValueText(n.val));
  }
  // Unknown type: dotted OID and the BER value in hex (RFC 4514 §2.4, '#' form).
  char oid[128];
  if (mbedtls_oid_get_numeric_string(oid, sizeof oid, &n.oid) < 0)
    std::snprintf(oid, sizeof oid, "?");
  std::string ber;
  ber.push_back(static_cast<char>(n.val.tag));
  if (n.val.len < 128) {
    ber.push_back(static_cast<char>(n.val.len));
  } else {
    std::string len;
    for (size_t l = n.val.len; l > 0; l >>= 8) len.insert(len.begin(), static_cast<char>(l & 0xFF));
    ber.push_back(static_cast<char>(0x80 | len.size()));
    ber += len;
  }
  ber.append(reinterpret_cast<const char*>(n.val.p), n.val.len);
  return std::string(oid) + "=#" +
         Hex(reinterpret_cast<const unsigned char*>(ber.data()), ber.size());
}

}  // namespace

std::string FormatRfc4514(const mbedtls_asn1_named_data* name) {
  // mbedTLS keeps the DER order (most general first) and marks the later members of a
  // multi-valued RDN with next_merged on the member before them.
  std::vector<std::string> rdns;
  bool continue_rdn = false;
  for (const mbedtls_asn1_named_data* n = name; n != nullptr; n = n->next) {
    if (n->oid.p == nullptr) continue;
    if (continue_rdn && !rdns.empty()) {
      rdns.back() += "+" + Attribute(*n);
    } else {
      rdns.push_back(Attribute(*n));
    }
    continue_rdn = n->next_merged != 0;
  }
  std::string out;
  for (auto it = rdns.rbegin(); it != rdns.rend(); ++it) {
    if (!out.empty()) out.push_back(',');
    out += *it;
  }
  return out;
}

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
