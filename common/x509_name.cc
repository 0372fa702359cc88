#include "common/x509_name.h"

#include <fmt/format.h>
#include <mbedtls/asn1.h>
#include <mbedtls/oid.h>
#include <mbedtls/x509_crt.h>

#include <cstdint>
#include <vector>

#include "common/utf8.h"

namespace narrowscan {
namespace {

constexpr char kHex[] = "0123456789abcdef";

void AppendHexByte(std::string* out, uint8_t c) {
  out->push_back(kHex[c >> 4]);
  out->push_back(kHex[c & 15]);
}

// The value's characters: BMPString is UCS-2 and UniversalString UCS-4 (big-endian);
// every other string type is taken byte for byte.
std::string ValueText(const mbedtls_asn1_buf& val) {
  std::string text;
  if (val.tag == MBEDTLS_ASN1_BMP_STRING) {
    for (size_t i = 0; i + 1 < val.len; i += 2)
      AppendUtf8(static_cast<uint32_t>(val.p[i] << 8 | val.p[i + 1]), &text);
  } else if (val.tag == MBEDTLS_ASN1_UNIVERSAL_STRING) {
    for (size_t i = 0; i + 3 < val.len; i += 4)
      AppendUtf8(static_cast<uint32_t>(val.p[i]) << 24 | static_cast<uint32_t>(val.p[i + 1]) << 16 |
                     static_cast<uint32_t>(val.p[i + 2]) << 8 | val.p[i + 3],
                 &text);
  } else {
    text.assign(reinterpret_cast<const char*>(val.p), val.len);
  }
  return text;
}

// RFC 4514 §2.4.
std::string EscapeValue(std::string_view value) {
  const bool utf8 = IsValidUtf8(value);
  std::string out;
  out.reserve(value.size());
  for (size_t i = 0; i < value.size(); ++i) {
    const auto c = static_cast<uint8_t>(value[i]);
    const bool special = c == '"' || c == '+' || c == ',' || c == ';' || c == '<' || c == '>' ||
                         c == '\\' || (i == 0 && (c == '#' || c == ' ')) ||
                         (i + 1 == value.size() && c == ' ');
    if (special) {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
    } else if (c < 0x20 || c == 0x7F || (c >= 0x80 && !utf8)) {
      out.push_back('\\');
      AppendHexByte(&out, c);
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

// "type=value" for one attribute.
std::string Attribute(const mbedtls_asn1_named_data& n) {
  const char* short_name = nullptr;
  if (mbedtls_oid_get_attr_short_name(&n.oid, &short_name) == 0 && short_name != nullptr)
    return std::string(short_name) + "=" + EscapeValue(ValueText(n.val));
  char dotted[128];
  const int length = mbedtls_oid_get_numeric_string(dotted, sizeof dotted, &n.oid);
  std::string out = length > 0 ? std::string(dotted, static_cast<size_t>(length)) : "?";
  // The '#' form is the whole BER encoding: tag, length, contents.
  out += "=#";
  AppendHexByte(&out, static_cast<uint8_t>(n.val.tag));
  if (n.val.len < 0x80) {
    AppendHexByte(&out, static_cast<uint8_t>(n.val.len));
  } else {
    std::string length_bytes;
    for (size_t l = n.val.len; l > 0; l >>= 8)
      length_bytes.insert(length_bytes.begin(), static_cast<char>(l & 0xFF));
    AppendHexByte(&out, static_cast<uint8_t>(0x80 | length_bytes.size()));
    for (char b : length_bytes) AppendHexByte(&out, static_cast<uint8_t>(b));
  }
  for (size_t i = 0; i < n.val.len; ++i) AppendHexByte(&out, n.val.p[i]);
  return out;
}

}  // namespace

std::string FormatRfc4514(const mbedtls_asn1_named_data* name) {
  std::vector<std::string> rdns;
  bool continues_rdn = false;
  for (const mbedtls_asn1_named_data* n = name; n != nullptr; n = n->next) {
    if (n->oid.p == nullptr) continue;  // mbedTLS's empty list is one blank element
    if (continues_rdn && !rdns.empty()) {
      rdns.back() += "+" + Attribute(*n);
    } else {
      rdns.push_back(Attribute(*n));
    }
    continues_rdn = n->next_merged != 0;
  }
  std::string out;
  for (auto it = rdns.rbegin(); it != rdns.rend(); ++it) {
    if (!out.empty()) out.push_back(',');
    out += *it;
  }
  return out;
}

Result<X509Names> ReadX509Names(std::string_view der) {
  mbedtls_x509_crt crt;
  mbedtls_x509_crt_init(&crt);
  const int rc = mbedtls_x509_crt_parse_der(
      &crt, reinterpret_cast<const unsigned char*>(der.data()), der.size());
  if (rc != 0) {
    mbedtls_x509_crt_free(&crt);
    // The code, not mbedtls_strerror: its message table would grow the probe's binary.
    return Error{
        fmt::format("not a DER certificate (mbedTLS error -0x{:04x})", static_cast<unsigned>(-rc))};
  }
  X509Names names{FormatRfc4514(&crt.subject), FormatRfc4514(&crt.issuer)};
  mbedtls_x509_crt_free(&crt);
  return names;
}

}  // namespace narrowscan
