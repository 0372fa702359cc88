// Pure parts of the standalone mode and the engine: target space, options, output
// forms, checkpoints, certificate names.
#include <gtest/gtest.h>
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/pk.h>
#include <mbedtls/x509_crt.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>

#include "common/target_permutation.h"
#include "probe/engine/connect_prober.h"
#include "probe/engine/target_space.h"
#include "probe/grabbers/tls_certificate.h"
#include "probe/standalone/checkpoint.h"
#include "probe/standalone/hosts_grouping.h"
#include "probe/standalone/result_json.h"
#include "probe/standalone/scan_options.h"

namespace narrowscan {
namespace {

std::string TempPath(const std::string& name) {
  return (std::filesystem::temp_directory_path() /
          ("narrowscan-probe-" + std::to_string(::getpid()) + "-" + name))
      .string();
}

TEST(TargetSpace, EnumeratesEverySegmentPairOnce) {
  TargetSpace space;
  space.AddSegment(RangeSet({{10, 12}}), {80, 443});
  space.AddSegment(RangeSet({{20, 20}, {30, 31}}), {22});
  space.AddSegment(RangeSet(), {1});  // ignored
  ASSERT_EQ(space.Size(), 6u + 3u);
  std::set<std::pair<Ipv4, uint16_t>> seen;
  for (uint64_t i = 0; i < space.Size(); ++i) {
    const Target t = space.At(i);
    seen.insert({t.ip, t.port});
  }
  EXPECT_EQ(seen.size(), 9u);
  EXPECT_TRUE(seen.count({31, 22}));
  EXPECT_TRUE(seen.count({12, 443}));
}

TEST(ScanOptions, ShardAndTargets) {
  EXPECT_EQ(ParseShard("2/3").value(), std::make_pair(1u, 3u));
  EXPECT_FALSE(ParseShard("0/3").ok());
  EXPECT_FALSE(ParseShard("4/3").ok());
  EXPECT_FALSE(ParseShard("1-3").ok());
  auto set = ResolveTargets("127.1.0.0/30,127.2.0.1");
  ASSERT_TRUE(set.ok()) << set.error();
  EXPECT_EQ(set->Size(), 5u);
  auto bad = ResolveTargets("127.1.0.0/33");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().find("127.1.0.0/33"), std::string::npos);
  const std::string file = TempPath("targets.txt");
  std::ofstream(file) << "# lab\n127.3.0.0/31\n127.4.0.1-127.4.0.3 # range\n";
  auto from_file = ResolveTargets(file);
  ASSERT_TRUE(from_file.ok()) << from_file.error();
  EXPECT_EQ(from_file->Size(), 5u);
  std::remove(file.c_str());
}

TEST(ScanOptions, BadValuesAreRefusedWithTheirName) {
  ScanOptions o;
  o.targets = "127.0.0.1";
  o.ports = "80";
  o.no_default_excludes = true;
  EXPECT_TRUE(ResolveScanOptions(o).ok());
  o.ports = "70000";
  EXPECT_NE(ResolveScanOptions(o).error().find("--ports"), std::string::npos);
  o.ports = "80";
  o.rate = 0;
  EXPECT_NE(ResolveScanOptions(o).error().find("--rate"), std::string::npos);
  o.rate = 10;
  o.exclude_files = {"/nonexistent/excl.txt"};
  EXPECT_NE(ResolveScanOptions(o).error().find("/nonexistent/excl.txt"), std::string::npos);
}

TEST(ScanOptions, DefaultExclusionsRemoveReservedTargets) {
  ScanOptions o;
  o.targets = "127.0.0.0/24";
  o.ports = "80";
  auto with_defaults = ResolveScanOptions(o);
  ASSERT_TRUE(with_defaults.ok());
  EXPECT_EQ(with_defaults->space.Size(), 0u);
  o.no_default_excludes = true;
  EXPECT_EQ(ResolveScanOptions(o)->space.Size(), 256u);
}

TEST(ResultJson, NonUtf8BannerGoesToBase64AndBack) {
  ScanResult r;
  r.ip = 0x7F000001;
  r.port = 23;
  r.state = PortState::kOpen;
  r.service = "telnet";
  r.banner = std::string("\xff\xfb\x01login:", 9);
  const auto j = ResultToJson(r);
  EXPECT_FALSE(j.contains("banner"));
  ASSERT_TRUE(j.contains("banner_b64"));
  EXPECT_EQ(j["ip"], "127.0.0.1");
  auto back = ResultFromJson(nlohmann::json::parse(j.dump()));
  ASSERT_TRUE(back.ok()) << back.error();
  EXPECT_EQ(back->banner, r.banner);
}

TEST(HostsGrouping, GroupsOpenPortsPerIpInOrder) {
  HostsGrouping g;
  auto add = [&](Ipv4 ip, uint16_t port, PortState state, std::string banner) {
    ScanResult r;
    r.ip = ip;
    r.port = port;
    r.state = state;
    r.banner = std::move(banner);
    r.service = r.banner.empty() ? "" : "http";
    g.Add(r);
  };
  add(0x7F000002, 443, PortState::kOpen, "");
  add(0x7F000002, 80, PortState::kOpen, "HTTP/1.1 200 OK\r\n");
  add(0x7F000001, 22, PortState::kClosed, "");
  add(0x7F000003, 80, PortState::kOpen, "x");
  add(0x7F000003, 80, PortState::kOpen, "HTTP/1.0 200 OK\r\n");  // a redo replaces
  const std::string path = TempPath("hosts.jsonl");
  std::FILE* f = std::fopen(path.c_str(), "w");
  ASSERT_TRUE(g.Write(f).ok());
  std::fclose(f);
  std::ifstream in(path);
  std::string l1, l2, l3;
  std::getline(in, l1);
  std::getline(in, l2);
  EXPECT_FALSE(std::getline(in, l3));
  EXPECT_EQ(
      l1,
      R"({"ip":"127.0.0.2","open_ports":[80,443],"banners":[{"port":80,"service":"http","banner":"HTTP/1.1 200 OK\r\n"}]})");
  EXPECT_EQ(
      l2,
      R"({"ip":"127.0.0.3","open_ports":[80],"banners":[{"port":80,"service":"http","banner":"HTTP/1.0 200 OK\r\n"}]})");
  std::remove(path.c_str());
}

TEST(Checkpoint, RoundTripAndMissingFile) {
  const std::string path = TempPath("resume.json");
  std::remove(path.c_str());
  auto missing = LoadCheckpoint(path);
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
  Checkpoint c{12345, 1, 4, 999, HashScan(RangeSet({{1, 2}}), {80}), HashRanges(RangeSet()),
               false, 1, {}};
  ASSERT_TRUE(SaveCheckpoint(path, c).ok());
  auto loaded = LoadCheckpoint(path);
  ASSERT_TRUE(loaded.ok()) << loaded.error();
  EXPECT_EQ(**loaded, c);
  std::ofstream(path) << "{\"format\":1}";
  EXPECT_FALSE(LoadCheckpoint(path).ok());
  std::remove(path.c_str());
  EXPECT_NE(HashScan(RangeSet({{1, 2}}), {80}), HashScan(RangeSet({{1, 2}}), {81}));
  EXPECT_NE(HashRanges(RangeSet({{1, 2}})), HashRanges(RangeSet({{1, 3}})));
}

// A certificate with names that need RFC 4514 escaping, made with mbedTLS.
std::vector<uint8_t> MakeCertificate(const char* subject, const char* issuer) {
  mbedtls_entropy_context entropy;
  mbedtls_ctr_drbg_context drbg;
  mbedtls_pk_context key;
  mbedtls_entropy_init(&entropy);
  mbedtls_ctr_drbg_init(&drbg);
  mbedtls_pk_init(&key);
  mbedtls_ctr_drbg_seed(&drbg, mbedtls_entropy_func, &entropy, nullptr, 0);
  mbedtls_pk_setup(&key, mbedtls_pk_info_from_type(MBEDTLS_PK_ECKEY));
  mbedtls_ecp_gen_key(MBEDTLS_ECP_DP_SECP256R1, mbedtls_pk_ec(key), mbedtls_ctr_drbg_random, &drbg);
  mbedtls_x509write_cert w;
  mbedtls_x509write_crt_init(&w);
  mbedtls_x509write_crt_set_md_alg(&w, MBEDTLS_MD_SHA256);
  mbedtls_x509write_crt_set_subject_key(&w, &key);
  mbedtls_x509write_crt_set_issuer_key(&w, &key);
  EXPECT_EQ(mbedtls_x509write_crt_set_subject_name(&w, subject), 0);
  EXPECT_EQ(mbedtls_x509write_crt_set_issuer_name(&w, issuer), 0);
  mbedtls_mpi serial;
  mbedtls_mpi_init(&serial);
  mbedtls_mpi_read_string(&serial, 16, "00ABCDEF01");
  mbedtls_x509write_crt_set_serial(&w, &serial);
  mbedtls_x509write_crt_set_validity(&w, "20250102030405", "20350102030405");
  unsigned char buf[4096];
  const int n = mbedtls_x509write_crt_der(&w, buf, sizeof buf, mbedtls_ctr_drbg_random, &drbg);
  std::vector<uint8_t> der(buf + sizeof buf - (n > 0 ? n : 0), buf + sizeof buf);
  mbedtls_mpi_free(&serial);
  mbedtls_x509write_crt_free(&w);
  mbedtls_pk_free(&key);
  mbedtls_ctr_drbg_free(&drbg);
  mbedtls_entropy_free(&entropy);
  return der;
}

TEST(TlsCertificate, Rfc4514MostSpecificFirstWithEscapes) {
  const auto der =
      MakeCertificate("C=JP,O=Acme\\, Inc.,OU=R+D,CN=#cam.example ", "C=JP,O=Acme CA,CN=Acme Root");
  ASSERT_FALSE(der.empty());
  auto info = DescribeCertificateDer(der);
  ASSERT_TRUE(info.ok()) << info.error();
  EXPECT_EQ(info->subject, "CN=\\#cam.example\\ ,OU=R\\+D,O=Acme\\, Inc.,C=JP");
  EXPECT_EQ(info->issuer, "CN=Acme Root,O=Acme CA,C=JP");
  EXPECT_EQ(info->serial, "abcdef01");
  EXPECT_EQ(info->not_before, "2025-01-02T03:04:05Z");
  EXPECT_EQ(info->not_after, "2035-01-02T03:04:05Z");
  EXPECT_EQ(info->sha256_fingerprint.size(), 64u);
  EXPECT_FALSE(DescribeCertificateDer(std::vector<uint8_t>{0x30, 0x03, 0x01}).ok());
}

// A local failure is an error, never evidence that a port is closed (issue 14).
TEST(ConnectErrors, LocalFailuresAreErrorsNotClosed) {
  EXPECT_EQ(StateOfConnectError(ECONNREFUSED), PortState::kClosed);
  EXPECT_EQ(StateOfConnectError(EHOSTUNREACH), PortState::kClosed);  // a router's answer
  EXPECT_EQ(StateOfConnectError(ENETUNREACH), PortState::kError);    // no route here
  EXPECT_EQ(StateOfConnectError(EACCES), PortState::kError);
  EXPECT_EQ(StateOfConnectError(ENOBUFS), PortState::kError);
  EXPECT_EQ(StateOfConnectError(EADDRNOTAVAIL), PortState::kError);
}

TEST(Checkpoint, PositionsPastTheEndOfTheWalkAreRefused) {
  Checkpoint c;
  c.seed = 7;
  const TargetPermutation walk(100, 7, 0, 1);
  c.position = walk.steps();
  EXPECT_TRUE(CheckCheckpointPositions("r", c, 100).ok());
  c.position = walk.steps() + 1;
  Status past = CheckCheckpointPositions("r", c, 100);
  ASSERT_FALSE(past.ok());
  EXPECT_NE(past.error().find("r: not a resume file: position"), std::string::npos);
  c.threads = 2;
  c.positions = {0, TargetPermutation(100, 7, 1, 2).steps() + 1};
  past = CheckCheckpointPositions("r", c, 100);
  ASSERT_FALSE(past.ok());
  EXPECT_NE(past.error().find("of thread 2"), std::string::npos) << past.error();
}

}  // namespace
}  // namespace narrowscan
