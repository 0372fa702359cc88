#include "common/signature.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/ecp.h>
#include <mbedtls/entropy.h>
#include <mbedtls/error.h>
#include <mbedtls/pk.h>
#include <mbedtls/sha256.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <mutex>
#include <sstream>

#include "common/atomic_file.h"

namespace narrowscan {
namespace {

std::string MbedError(int code) {
  char buf[128];
  mbedtls_strerror(code, buf, sizeof buf);
  return fmt::format("{} (-0x{:04x})", buf, static_cast<unsigned>(-code));
}

std::array<unsigned char, 32> Sha256(std::span<const uint8_t> message) {
  std::array<unsigned char, 32> digest{};
  mbedtls_sha256_ret(message.data(), message.size(), digest.data(), 0);
  return digest;
}

// Only ECDSA P-256 keys are accepted: anything else is a configuration mistake.
Status CheckP256(mbedtls_pk_context* pk) {
  if (mbedtls_pk_get_type(pk) != MBEDTLS_PK_ECKEY && mbedtls_pk_get_type(pk) != MBEDTLS_PK_ECDSA) {
    return Error{"not an EC key (ECDSA P-256 expected)"};
  }
  if (mbedtls_pk_ec(*pk)->grp.id != MBEDTLS_ECP_DP_SECP256R1) {
    return Error{"EC key is not on curve P-256"};
  }
  return Status::Ok();
}

std::string WritePem(mbedtls_pk_context* pk, bool private_key) {
  std::vector<unsigned char> buf(4096);
  int rc = private_key ? mbedtls_pk_write_key_pem(pk, buf.data(), buf.size())
                       : mbedtls_pk_write_pubkey_pem(pk, buf.data(), buf.size());
  if (rc != 0) return {};
  return std::string(reinterpret_cast<const char*>(buf.data()));
}

Result<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{fmt::format("{}: cannot open key file", path)};
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) return Error{fmt::format("{}: read error", path)};
  return buffer.str();
}

}  // namespace

// A key pair plus its own random generator (ECDSA needs fresh randomness for each
// signature). The mutex makes Sign() safe to call from several threads.
struct SigningKey::Impl {
  Impl() {
    mbedtls_pk_init(&pk);
    mbedtls_entropy_init(&entropy);
    mbedtls_ctr_drbg_init(&drbg);
  }
  ~Impl() {
    mbedtls_ctr_drbg_free(&drbg);
    mbedtls_entropy_free(&entropy);
    mbedtls_pk_free(&pk);
  }
  Status Seed() {
    static constexpr char kPersonalization[] = "narrowscan-signing-key";
    int rc = mbedtls_ctr_drbg_seed(&drbg, mbedtls_entropy_func, &entropy,
                                   reinterpret_cast<const unsigned char*>(kPersonalization),
                                   sizeof kPersonalization - 1);
    if (rc != 0) return Error{fmt::format("cannot seed random generator: {}", MbedError(rc))};
    return Status::Ok();
  }
  mbedtls_pk_context pk;
  mbedtls_entropy_context entropy;
  mbedtls_ctr_drbg_context drbg;
  std::mutex mu;
};

SigningKey::SigningKey(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SigningKey::~SigningKey() = default;
SigningKey::SigningKey(SigningKey&&) noexcept = default;
SigningKey& SigningKey::operator=(SigningKey&&) noexcept = default;

Result<SigningKey> SigningKey::Generate() {
  auto impl = std::make_unique<Impl>();
  if (Status s = impl->Seed(); !s) return Error{s.error()};
  int rc = mbedtls_pk_setup(&impl->pk, mbedtls_pk_info_from_type(MBEDTLS_PK_ECKEY));
  if (rc == 0) {
    rc = mbedtls_ecp_gen_key(MBEDTLS_ECP_DP_SECP256R1, mbedtls_pk_ec(impl->pk),
                             mbedtls_ctr_drbg_random, &impl->drbg);
  }
  if (rc != 0) return Error{fmt::format("cannot generate P-256 key: {}", MbedError(rc))};
  return SigningKey(std::move(impl));
}

Result<SigningKey> SigningKey::FromPem(const std::string& pem) {
  auto impl = std::make_unique<Impl>();
  if (Status s = impl->Seed(); !s) return Error{s.error()};
  // mbedTLS wants the terminating NUL counted for PEM input.
  int rc = mbedtls_pk_parse_key(&impl->pk, reinterpret_cast<const unsigned char*>(pem.c_str()),
                                pem.size() + 1, nullptr, 0);
  if (rc != 0) return Error{fmt::format("bad private key PEM: {}", MbedError(rc))};
  if (Status s = CheckP256(&impl->pk); !s) return Error{"bad private key: " + s.error()};
  return SigningKey(std::move(impl));
}

Result<SigningKey> SigningKey::LoadFile(const std::string& path) {
  auto text = ReadWholeFile(path);
  if (!text) return Error{text.error()};
  auto key = FromPem(*text);
  if (!key) return Error{fmt::format("{}: {}", path, key.error())};
  return key;
}

std::string SigningKey::PrivatePem() const { return WritePem(&impl_->pk, true); }
std::string SigningKey::PublicPem() const { return WritePem(&impl_->pk, false); }

Status SigningKey::SaveFile(const std::string& path) const {
  const std::string pem = PrivatePem();
  if (pem.empty()) return Error{fmt::format("{}: cannot encode private key", path)};
  if (Status s = WriteFileAtomically(path, pem, 0600); !s.ok())
    return Error{fmt::format("{}: cannot write key file: {}", path, s.error())};
  return Status::Ok();
}

Result<std::vector<uint8_t>> SigningKey::Sign(std::span<const uint8_t> message) const {
  const auto digest = Sha256(message);
  std::vector<uint8_t> sig(MBEDTLS_PK_SIGNATURE_MAX_SIZE);
  size_t sig_len = 0;
  std::lock_guard<std::mutex> lock(impl_->mu);
  int rc = mbedtls_pk_sign(&impl_->pk, MBEDTLS_MD_SHA256, digest.data(), digest.size(), sig.data(),
                           &sig_len, mbedtls_ctr_drbg_random, &impl_->drbg);
  if (rc != 0) return Error{fmt::format("cannot sign: {}", MbedError(rc))};
  sig.resize(sig_len);
  return sig;
}

struct VerifyingKey::Impl {
  Impl() { mbedtls_pk_init(&pk); }
  ~Impl() { mbedtls_pk_free(&pk); }
  mbedtls_pk_context pk;
};

VerifyingKey::VerifyingKey(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
VerifyingKey::~VerifyingKey() = default;
VerifyingKey::VerifyingKey(VerifyingKey&&) noexcept = default;
VerifyingKey& VerifyingKey::operator=(VerifyingKey&&) noexcept = default;

Result<VerifyingKey> VerifyingKey::FromPem(const std::string& pem) {
  auto impl = std::make_unique<Impl>();
  int rc = mbedtls_pk_parse_public_key(
      &impl->pk, reinterpret_cast<const unsigned char*>(pem.c_str()), pem.size() + 1);
  if (rc != 0) return Error{fmt::format("bad public key PEM: {}", MbedError(rc))};
  if (Status s = CheckP256(&impl->pk); !s) return Error{"bad public key: " + s.error()};
  return VerifyingKey(std::move(impl));
}

Result<VerifyingKey> VerifyingKey::LoadFile(const std::string& path) {
  auto text = ReadWholeFile(path);
  if (!text) return Error{text.error()};
  auto key = FromPem(*text);
  if (!key) return Error{fmt::format("{}: {}", path, key.error())};
  return key;
}

std::string VerifyingKey::PublicPem() const { return WritePem(&impl_->pk, false); }

bool VerifyingKey::Verify(std::span<const uint8_t> message,
                          std::span<const uint8_t> signature) const {
  if (signature.empty() || signature.size() > MBEDTLS_PK_SIGNATURE_MAX_SIZE) return false;
  const auto digest = Sha256(message);
  // mbedtls_pk_verify is const-correct in spirit only; verification does not mutate.
  return mbedtls_pk_verify(const_cast<mbedtls_pk_context*>(&impl_->pk), MBEDTLS_MD_SHA256,
                           digest.data(), digest.size(), signature.data(), signature.size()) == 0;
}

}  // namespace narrowscan
