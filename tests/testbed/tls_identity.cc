#include "tests/testbed/tls_identity.h"

#include <fmt/format.h>
#include <mbedtls/ecp.h>
#include <mbedtls/x509_crt.h>

#include <array>

namespace narrowscan::testbed {
namespace {

std::string MbedError(int code) {
  return fmt::format("mbedTLS error -0x{:04x}", static_cast<unsigned>(-code));
}

void FreeKey(mbedtls_pk_context* key) {
  mbedtls_pk_free(key);
  delete key;
}

}  // namespace

struct TlsIdentities::Identity {
  mbedtls_pk_context key;
  mbedtls_x509_crt certificate;
  mbedtls_ssl_config config;
  Identity() {
    mbedtls_pk_init(&key);
    mbedtls_x509_crt_init(&certificate);
    mbedtls_ssl_config_init(&config);
  }
  ~Identity() {
    mbedtls_ssl_config_free(&config);
    mbedtls_x509_crt_free(&certificate);
    mbedtls_pk_free(&key);
  }
};

std::string ReverseRdnOrder(std::string_view rfc4514) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (size_t i = 0; i < rfc4514.size(); ++i) {
    if (rfc4514[i] == '\\') {
      ++i;
    } else if (rfc4514[i] == ',') {
      parts.push_back(rfc4514.substr(start, i - start));
      start = i + 1;
    }
  }
  parts.push_back(rfc4514.substr(start));
  std::string out;
  for (auto it = parts.rbegin(); it != parts.rend(); ++it) {
    if (!out.empty()) out.push_back(',');
    out.append(*it);
  }
  return out;
}

TlsIdentities::TlsIdentities() {
  mbedtls_entropy_init(&entropy_);
  mbedtls_ctr_drbg_init(&drbg_);
}

TlsIdentities::~TlsIdentities() {
  identities_.clear();
  for (auto& [name, key] : issuer_keys_) mbedtls_pk_free(key.get());
  mbedtls_ctr_drbg_free(&drbg_);
  mbedtls_entropy_free(&entropy_);
}

Result<mbedtls_pk_context*> TlsIdentities::IssuerKey(const std::string& issuer) {
  auto it = issuer_keys_.find(issuer);
  if (it != issuer_keys_.end()) return it->second.get();
  auto key = std::make_unique<mbedtls_pk_context>();
  mbedtls_pk_init(key.get());
  int rc = mbedtls_pk_setup(key.get(), mbedtls_pk_info_from_type(MBEDTLS_PK_ECKEY));
  if (rc == 0) {
    rc = mbedtls_ecp_gen_key(MBEDTLS_ECP_DP_SECP256R1, mbedtls_pk_ec(*key), mbedtls_ctr_drbg_random,
                             &drbg_);
  }
  if (rc != 0) {
    FreeKey(key.release());
    return Error{fmt::format("issuer '{}': key generation failed: {}", issuer, MbedError(rc))};
  }
  mbedtls_pk_context* raw = key.get();
  issuer_keys_.emplace(issuer, std::move(key));
  return raw;
}

Status TlsIdentities::Create(const PopulationSpec& spec) {
  static constexpr char kPersonalisation[] = "narrowscan-testbed";
  int rc = mbedtls_ctr_drbg_seed(&drbg_, mbedtls_entropy_func, &entropy_,
                                 reinterpret_cast<const unsigned char*>(kPersonalisation),
                                 sizeof(kPersonalisation) - 1);
  if (rc != 0) return Error{fmt::format("seeding the TLS random generator: {}", MbedError(rc))};
  identities_.clear();
  identities_.resize(spec.profiles.size());
  for (size_t p = 0; p < spec.profiles.size(); ++p) {
    const Profile& profile = spec.profiles[p];
    bool has_tls = false;
    for (const PortSpec& port : profile.ports) has_tls |= port.protocol == Protocol::kHttps;
    if (!has_tls) continue;
    auto fail = [&](const char* step, int code) {
      return Error{fmt::format("{}:{}: profile '{}': {} failed: {}", spec.source, profile.line,
                               profile.id, step, MbedError(code))};
    };
    auto identity = std::make_unique<Identity>();
    rc = mbedtls_pk_setup(&identity->key, mbedtls_pk_info_from_type(MBEDTLS_PK_ECKEY));
    if (rc == 0) {
      rc = mbedtls_ecp_gen_key(MBEDTLS_ECP_DP_SECP256R1, mbedtls_pk_ec(identity->key),
                               mbedtls_ctr_drbg_random, &drbg_);
    }
    if (rc != 0) return fail("key generation", rc);
    const bool self_signed =
        profile.tls_issuer.empty() || profile.tls_issuer == profile.tls_subject;
    const std::string issuer_name = self_signed ? profile.tls_subject : profile.tls_issuer;
    mbedtls_pk_context* issuer_key = &identity->key;
    if (!self_signed) {
      auto key = IssuerKey(issuer_name);
      if (!key.ok()) return Error{key.error()};
      issuer_key = *key;
    }
    const std::string subject_der_order = ReverseRdnOrder(profile.tls_subject);
    const std::string issuer_der_order = ReverseRdnOrder(issuer_name);

    mbedtls_x509write_cert writer;
    mbedtls_x509write_crt_init(&writer);
    mbedtls_mpi serial;
    mbedtls_mpi_init(&serial);
    mbedtls_x509write_crt_set_version(&writer, MBEDTLS_X509_CRT_VERSION_3);
    mbedtls_x509write_crt_set_md_alg(&writer, MBEDTLS_MD_SHA256);
    mbedtls_x509write_crt_set_subject_key(&writer, &identity->key);
    mbedtls_x509write_crt_set_issuer_key(&writer, issuer_key);
    std::array<unsigned char, 2048> der{};
    int len = 0;
    const char* step = "serial";
    rc = mbedtls_mpi_lset(&serial, static_cast<mbedtls_mpi_sint>(1000 + p));
    if (rc == 0) rc = mbedtls_x509write_crt_set_serial(&writer, &serial);
    if (rc == 0)
      step = "validity",
      rc = mbedtls_x509write_crt_set_validity(&writer, "20200101000000", "20391231235959");
    if (rc == 0)
      step = "subject name",
      rc = mbedtls_x509write_crt_set_subject_name(&writer, subject_der_order.c_str());
    if (rc == 0)
      step = "issuer name",
      rc = mbedtls_x509write_crt_set_issuer_name(&writer, issuer_der_order.c_str());
    if (rc == 0) {
      step = "certificate signing";
      len = mbedtls_x509write_crt_der(&writer, der.data(), der.size(), mbedtls_ctr_drbg_random,
                                      &drbg_);
      rc = len < 0 ? len : 0;
    }
    mbedtls_mpi_free(&serial);
    mbedtls_x509write_crt_free(&writer);
    if (rc != 0) return fail(step, rc);
    // The DER is written at the end of the buffer.
    rc = mbedtls_x509_crt_parse_der(&identity->certificate, der.data() + der.size() - len,
                                    static_cast<size_t>(len));
    if (rc != 0) return fail("certificate parsing", rc);
    rc = mbedtls_ssl_config_defaults(&identity->config, MBEDTLS_SSL_IS_SERVER,
                                     MBEDTLS_SSL_TRANSPORT_STREAM, MBEDTLS_SSL_PRESET_DEFAULT);
    if (rc != 0) return fail("TLS configuration", rc);
    mbedtls_ssl_conf_rng(&identity->config, mbedtls_ctr_drbg_random, &drbg_);
    rc = mbedtls_ssl_conf_own_cert(&identity->config, &identity->certificate, &identity->key);
    if (rc != 0) return fail("TLS certificate setup", rc);
    identities_[p] = std::move(identity);
  }
  return Status::Ok();
}

const mbedtls_ssl_config* TlsIdentities::ConfigFor(size_t profile_index) const {
  if (profile_index >= identities_.size() || !identities_[profile_index]) return nullptr;
  return &identities_[profile_index]->config;
}

const mbedtls_x509_crt* TlsIdentities::CertificateFor(size_t profile_index) const {
  if (profile_index >= identities_.size() || !identities_[profile_index]) return nullptr;
  return &identities_[profile_index]->certificate;
}

}  // namespace narrowscan::testbed
