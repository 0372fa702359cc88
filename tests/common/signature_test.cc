#include "common/signature.h"

#include <gtest/gtest.h>
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/ecp.h>
#include <mbedtls/entropy.h>
#include <mbedtls/pk.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace narrowscan {
namespace {

std::vector<uint8_t> Bytes(const std::string& s) { return {s.begin(), s.end()}; }

class SignatureTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto k = SigningKey::Generate();
    ASSERT_TRUE(k.ok()) << k.error();
    key_.emplace(std::move(k).value());
    auto v = VerifyingKey::FromPem(key_->PublicPem());
    ASSERT_TRUE(v.ok()) << v.error();
    verifier_.emplace(std::move(v).value());
  }
  std::optional<SigningKey> key_;
  std::optional<VerifyingKey> verifier_;
};

TEST_F(SignatureTest, SignedMessageVerifies) {
  auto msg = Bytes("plan v7 for probe tokyo-1");
  auto sig = key_->Sign(msg);
  ASSERT_TRUE(sig.ok()) << sig.error();
  EXPECT_TRUE(verifier_->Verify(msg, *sig));
  auto empty = key_->Sign({});
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(verifier_->Verify({}, *empty));
}

TEST_F(SignatureTest, RefusesEveryFlippedBitOfMessageAndSignature) {
  auto msg = Bytes("exclusions v3");
  auto sig = key_->Sign(msg).value();
  for (size_t i = 0; i < msg.size() * 8; ++i) {
    auto m = msg;
    m[i / 8] ^= static_cast<uint8_t>(1u << (i % 8));
    ASSERT_FALSE(verifier_->Verify(m, sig)) << "message bit " << i;
  }
  for (size_t i = 0; i < sig.size() * 8; ++i) {
    auto s = sig;
    s[i / 8] ^= static_cast<uint8_t>(1u << (i % 8));
    ASSERT_FALSE(verifier_->Verify(msg, s)) << "signature bit " << i;
  }
}

TEST_F(SignatureTest, RefusesTruncatedOrExtendedSignature) {
  auto msg = Bytes("report batch");
  auto sig = key_->Sign(msg).value();
  for (size_t len = 0; len < sig.size(); ++len) {
    ASSERT_FALSE(verifier_->Verify(msg, std::span(sig.data(), len))) << len;
  }
  auto longer = sig;
  longer.push_back(0);
  EXPECT_FALSE(verifier_->Verify(msg, longer));
}

TEST_F(SignatureTest, RefusesAnotherKey) {
  auto other = SigningKey::Generate().value();
  auto msg = Bytes("plan");
  auto sig = other.Sign(msg).value();
  EXPECT_FALSE(verifier_->Verify(msg, sig));
}

TEST_F(SignatureTest, PemRoundTripAndFiles) {
  auto again = SigningKey::FromPem(key_->PrivatePem());
  ASSERT_TRUE(again.ok()) << again.error();
  EXPECT_EQ(again->PublicPem(), key_->PublicPem());
  auto msg = Bytes("x");
  EXPECT_TRUE(verifier_->Verify(msg, again->Sign(msg).value()));

  auto dir = std::filesystem::temp_directory_path() / ("ns_sig_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto path = (dir / "controller.key").string();
  std::ofstream(path) << "old contents";
  std::filesystem::permissions(path, std::filesystem::perms::all);
  ASSERT_TRUE(key_->SaveFile(path).ok());
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto loaded = SigningKey::LoadFile(path);
  ASSERT_TRUE(loaded.ok()) << loaded.error();
  EXPECT_EQ(loaded->PublicPem(), key_->PublicPem());

  auto pub_path = (dir / "controller.pub").string();
  std::ofstream(pub_path) << key_->PublicPem();
  auto vk = VerifyingKey::LoadFile(pub_path);
  ASSERT_TRUE(vk.ok()) << vk.error();
  EXPECT_EQ(vk->PublicPem(), key_->PublicPem());

  auto missing = VerifyingKey::LoadFile((dir / "nope.pub").string());
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().find("nope.pub"), std::string::npos);
  EXPECT_FALSE(SigningKey::LoadFile(pub_path).ok());  // a public key cannot sign
  EXPECT_FALSE(key_->SaveFile((dir / "no/such/dir/k").string()).ok());
  std::filesystem::remove_all(dir);
}

TEST(SignatureKeys, RefuseGarbageAndNonP256Keys) {
  EXPECT_FALSE(SigningKey::FromPem("").ok());
  EXPECT_FALSE(
      SigningKey::FromPem("-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n")
          .ok());
  EXPECT_FALSE(VerifyingKey::FromPem("not a key").ok());
  // A valid P-384 key (another curve) is refused for both signing and verifying.
  mbedtls_pk_context pk;
  mbedtls_pk_init(&pk);
  mbedtls_entropy_context entropy;
  mbedtls_entropy_init(&entropy);
  mbedtls_ctr_drbg_context drbg;
  mbedtls_ctr_drbg_init(&drbg);
  ASSERT_EQ(mbedtls_ctr_drbg_seed(&drbg, mbedtls_entropy_func, &entropy, nullptr, 0), 0);
  ASSERT_EQ(mbedtls_pk_setup(&pk, mbedtls_pk_info_from_type(MBEDTLS_PK_ECKEY)), 0);
  ASSERT_EQ(mbedtls_ecp_gen_key(MBEDTLS_ECP_DP_SECP384R1, mbedtls_pk_ec(pk),
                                mbedtls_ctr_drbg_random, &drbg),
            0);
  unsigned char pub[2048] = {}, priv[2048] = {};
  ASSERT_EQ(mbedtls_pk_write_pubkey_pem(&pk, pub, sizeof pub), 0);
  ASSERT_EQ(mbedtls_pk_write_key_pem(&pk, priv, sizeof priv), 0);
  mbedtls_pk_free(&pk);
  mbedtls_ctr_drbg_free(&drbg);
  mbedtls_entropy_free(&entropy);
  const std::string p384(reinterpret_cast<char*>(pub));
  auto signing = SigningKey::FromPem(reinterpret_cast<char*>(priv));
  ASSERT_FALSE(signing.ok());
  EXPECT_NE(signing.error().find("P-256"), std::string::npos) << signing.error();
  auto r = VerifyingKey::FromPem(p384);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("P-256"), std::string::npos) << r.error();
}

}  // namespace
}  // namespace narrowscan
