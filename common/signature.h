// ECDSA P-256 signatures over byte strings with mbedTLS, keys in PEM files.
//
// Plans, exclusion lists and report batches are signed over their canonical bytes
// (the FlatBuffers payload without the signature: see common/wire/). Signatures are
// DER-encoded (the form mbedtls_pk_sign writes) of SHA-256 digests.
#ifndef NARROWSCAN_COMMON_SIGNATURE_H_
#define NARROWSCAN_COMMON_SIGNATURE_H_

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "common/result.h"

namespace narrowscan {

class SigningKey {
 public:
  static Result<SigningKey> Generate();
  static Result<SigningKey> FromPem(const std::string& pem);
  static Result<SigningKey> LoadFile(const std::string& path);
  ~SigningKey();
  SigningKey(SigningKey&&) noexcept;
  SigningKey& operator=(SigningKey&&) noexcept;

  std::string PrivatePem() const;
  std::string PublicPem() const;
  // Writes the private key with mode 0600; errors name the path.
  Status SaveFile(const std::string& path) const;

  Result<std::vector<uint8_t>> Sign(std::span<const uint8_t> message) const;

 private:
  struct Impl;
  explicit SigningKey(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

class VerifyingKey {
 public:
  static Result<VerifyingKey> FromPem(const std::string& pem);
  static Result<VerifyingKey> LoadFile(const std::string& path);
  ~VerifyingKey();
  VerifyingKey(VerifyingKey&&) noexcept;
  VerifyingKey& operator=(VerifyingKey&&) noexcept;

  std::string PublicPem() const;
  // False for any mismatch: flipped bits, another key, truncated signature.
  bool Verify(std::span<const uint8_t> message, std::span<const uint8_t> signature) const;

 private:
  struct Impl;
  explicit VerifyingKey(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace narrowscan

#endif  // NARROWSCAN_COMMON_SIGNATURE_H_
