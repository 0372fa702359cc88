#include "controller/curate/x509_names.h"

#include <fmt/format.h>
#include <mbedtls/error.h>
#include <mbedtls/oid.h>
#include <mbedtls/x509_crt.h>

#include <vector>

namespace narrowscan {

namespace {

std::string EscapeRdnValue(std::string_view v) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) {
    char c = v[i];
    bool special = c == ',' || c == '+' || c == '"' || c == '\\' || c == '<' || c == '>' ||
                   c == ';' || (i == 0 && (c == '#' || c == ' ')) ||
                   (i + 1 == v.size() && c == ' ');
    if (special) out += '\\';
    out += c;
  }
  return out;
}

std::string AttributeName(const mbedtls_asn1_buf& oid) {
  const char* name = nullptr;
  if (mbedtls_oid_get_attr_short_name(&oid, &name) == 0 && name) return name;
  char dotted[64];
  int n = mbedtls_oid_get_numeric_string(dotted, sizeof dotted, &oid);
  return n > 0 ? std::string(dotted, static_cast<size_t>(n)) : "?";
}

// X.509 stores RDNs least specific first; RFC 4514 writes them the other way round.
std::string Rfc4514(const mbedtls_x509_name* name) {
  std::vector<std::string> rdns;
  std::string current;
  for (const mbedtls_x509_name* n = name; n != nullptr; n = n->next) {
    if (n->oid.p == nullptr) continue;
    if (!current.empty()) current += '+';
    current += AttributeName(n->oid) + "=" +
               EscapeRdnValue({reinterpret_cast<const char*>(n->val.p), n->val.len});
    if (!n->next_merged) {
      rdns.push_back(std::move(current));
      current.clear();
    }
  }
  if (!current.empty()) rdns.push_back(std::move(current));
  std::string out;
  for (auto it = rdns.rbegin(); it != rdns.rend(); ++it) {
    if (!out.empty()) out += ',';
    out += *it;
  }
  return out;
}

}  // namespace

Result<X509Names> ReadX509Names(std::string_view der) {
  mbedtls_x509_crt crt;
  mbedtls_x509_crt_init(&crt);
  int rc = mbedtls_x509_crt_parse_der(&crt, reinterpret_cast<const unsigned char*>(der.data()),
                                      der.size());
  if (rc != 0) {
    char why[128];
    mbedtls_strerror(rc, why, sizeof why);
    mbedtls_x509_crt_free(&crt);
    return Error{fmt::format("not a DER certificate: {}", why)};
  }
  X509Names names{Rfc4514(&crt.subject), Rfc4514(&crt.issuer)};
  mbedtls_x509_crt_free(&crt);
  return names;
}

}  // namespace narrowscan
