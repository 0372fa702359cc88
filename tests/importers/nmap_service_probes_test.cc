#include "controller/importers/nmap_service_probes.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "controller/estimation/device_db_loader.h"
#include "controller/estimation/device_db_writer.h"
#include "controller/estimation/estimator.h"
#include "tests/importers/importer_test_files.h"

namespace narrowscan {
namespace {

const DeviceEntry* Find(const NmapImport& r, std::string_view product) {
  for (const DeviceEntry& e : r.entries) {
    if (e.product == product) return &e;
  }
  return nullptr;
}

Host OneBanner(uint16_t port, std::string banner) {
  Host h;
  h.ip = "127.0.0.1";
  h.banners.push_back({.port = port, .banner = std::move(banner)});
  return h;
}

class NmapSample : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string text = ReadTestFile(FixturePath("nmap-service-probes-sample"));
    ASSERT_FALSE(text.empty()) << "fixture missing under " << SourceDir();
    result_ = ImportNmapServiceProbes(text, "sample");
  }
  NmapImport result_;
};

TEST_F(NmapSample, CountsAndSkipReasons) {
  EXPECT_EQ(result_.match_lines, 11u);
  EXPECT_EQ(result_.softmatch_lines, 1u);
  EXPECT_EQ(result_.entries.size(), 8u);
  EXPECT_EQ(result_.skipped.at("look-ahead"), 1u);
  EXPECT_EQ(result_.skipped.at("back-reference"), 1u);
  EXPECT_EQ(result_.skipped.at("malformed line"), 1u);
  EXPECT_EQ(result_.compiled_as_is, 7u);  // not: look-ahead (2, one is the idiom), back-ref, broken
  EXPECT_EQ(result_.helpers_simplified, 1u);
  ASSERT_FALSE(result_.skipped_lines.empty());
  EXPECT_EQ(result_.skipped_lines[0], "sample:13: look-ahead");
}

TEST_F(NmapSample, VersionInfoBecomesValuesAndTemplates) {
  const DeviceEntry* proftpd = Find(result_, "ProFTPD");
  ASSERT_NE(proftpd, nullptr);
  EXPECT_EQ(proftpd->id, "nmap-ftp-9");
  EXPECT_EQ(proftpd->version, "{1}");
  EXPECT_EQ(proftpd->attributes.at("info"), "{2}");
  EXPECT_EQ(proftpd->attributes.at("cpe"), "cpe:/a:proftpd:proftpd:{1}");
  EXPECT_EQ(proftpd->attributes.at("service"), "ftp");
  EXPECT_EQ(proftpd->attributes.at("nmap.probe"), "NULL");
  EXPECT_EQ(proftpd->ports, (std::vector<uint16_t>{21, 22, 23}));
  EXPECT_EQ(proftpd->keywords.at(0).field, "raw");
  EXPECT_EQ(proftpd->keywords.at(0).weight, 1.0);

  const DeviceEntry* bsd = Find(result_, "BSD ftpd");
  ASSERT_NE(bsd, nullptr);
  EXPECT_EQ(bsd->attributes.at("hostname"), "{1}");
  EXPECT_EQ(bsd->attributes.at("os"), "Unix");

  const DeviceEntry* telnet = Find(result_, "Acme router telnetd");
  ASSERT_NE(telnet, nullptr);
  EXPECT_EQ(telnet->type, "router");
  EXPECT_EQ(telnet->vendor, "acme networks");  // from cpe:/h:
  EXPECT_EQ(telnet->attributes.at("devicetype"), "broadband router");

  const DeviceEntry* boa = Find(result_, "Boa HTTPd");
  ASSERT_NE(boa, nullptr);
  EXPECT_EQ(boa->type, "access-point");
  EXPECT_EQ(boa->version, "{1}");
  EXPECT_EQ(boa->ports, (std::vector<uint16_t>{80, 443, 8080, 8081}));

  const DeviceEntry* cafe = Find(result_, "Café cam");
  ASSERT_NE(cafe, nullptr);
  EXPECT_EQ(cafe->attributes.at("info"), "braces {{x}");

  const DeviceEntry& soft = result_.entries.at(4);
  EXPECT_EQ(soft.attributes.at("nmap.softmatch"), "true");
  EXPECT_EQ(soft.keywords.at(0).weight, kSoftmatchWeight);
  EXPECT_EQ(soft.keywords.at(0).regex.rfind("(?i)", 0), 0u);
}

TEST_F(NmapSample, ImportedEntriesEstimateThroughAWrittenDb) {
  DeviceDbLoader loader;
  Status s = loader.AddText(FormatDeviceDbToml(result_.entries, "test"), "nmap.toml");
  ASSERT_TRUE(s.ok()) << s.error();
  auto estimator = Estimator::Create(loader.TakeDb());
  ASSERT_TRUE(estimator.ok());

  auto ftp = estimator->Estimate(OneBanner(21, "220 ProFTPD 1.3.5e Server (Debian)\r\n"));
  ASSERT_FALSE(ftp.empty());
  EXPECT_EQ(ftp[0].product, "ProFTPD");
  EXPECT_EQ(ftp[0].version, "1.3.5e");
  EXPECT_EQ(ftp[0].attributes.at("info"), "Debian");
  EXPECT_EQ(ftp[0].attributes.at("cpe"), "cpe:/a:proftpd:proftpd:1.3.5e");

  // PCRE `$` also matches before a final newline.
  auto bsd =
      estimator->Estimate(OneBanner(21, "220 box.local FTP server (Version 6.00LS) ready.\r\n\n"));
  ASSERT_FALSE(bsd.empty());
  EXPECT_EQ(bsd[0].version, "6.00LS");
  EXPECT_EQ(bsd[0].attributes.at("hostname"), "box.local");

  auto telnet =
      estimator->Estimate(OneBanner(23, "\xff\xfb\x01\xff\xfb\x03\r\n\r\nRouter login: "));
  ASSERT_EQ(telnet.size(), 1u);
  EXPECT_EQ(telnet[0].type, "router");
  EXPECT_EQ(telnet[0].level, 3);

  auto boa = estimator->Estimate(
      OneBanner(80, "HTTP/1.0 200 OK\r\nDate: Sun\r\nServer: Boa/0.94.14rc21\r\n\r\nbody"));
  ASSERT_FALSE(boa.empty());
  EXPECT_EQ(boa[0].product, "Boa HTTPd");
  EXPECT_EQ(boa[0].version, "0.94.14rc21");

  auto cafe = estimator->Estimate(
      OneBanner(80, "HTTP/1.1 200 OK\r\n\r\n<title>Caf\xe9 {cam}</title>"));  // Latin-1 byte
  ASSERT_FALSE(cafe.empty());
  EXPECT_EQ(cafe[0].attributes.at("info"), "braces {x}");

  // A softmatch alone stays under the default threshold.
  const auto soft = estimator->Estimate(OneBanner(21, "220 some ftp server\r\n"));
  EXPECT_TRUE(soft.empty()) << soft.at(0).device;
  ASSERT_EQ(estimator->db().entries.at(4).attributes.at("nmap.softmatch"), "true");
  EXPECT_DOUBLE_EQ(estimator->Evaluate(OneBanner(21, "220 some FTP server\r\n"), 4).score, 0.5);
}

// The real file of Debian's nmap-common: the figures of issue 3.
TEST(NmapDebianFile, CompilesAsIsAndAfterRewriting) {
  const std::string text = ReadTestFile(kDebianNmapProbes);
  if (text.empty()) GTEST_SKIP() << kDebianNmapProbes << " absent (install nmap-common)";
  const NmapImport r = ImportNmapServiceProbes(text, kDebianNmapProbes);
  ASSERT_GT(r.match_lines, 10000u);
  const double as_is = static_cast<double>(r.compiled_as_is) / static_cast<double>(r.match_lines);
  const double imported =
      static_cast<double>(r.entries.size()) / static_cast<double>(r.match_lines);
  EXPECT_GE(as_is, 0.94);
  EXPECT_GE(imported, 0.995);
  size_t skipped = 0;
  for (const auto& [reason, count] : r.skipped) skipped += count;
  EXPECT_EQ(skipped + r.entries.size(), r.match_lines);
  std::printf("nmap: %zu lines, as is %.2f%%, imported %.2f%%\n", r.match_lines, 100 * as_is,
              100 * imported);

  DeviceDb db;
  db.entries = r.entries;
  auto estimator = Estimator::Create(std::move(db));
  ASSERT_TRUE(estimator.ok()) << estimator.error();
  auto ssh = estimator->Estimate(OneBanner(22, "SSH-2.0-OpenSSH_8.2p1 Ubuntu-4ubuntu0.5\r\n"));
  ASSERT_FALSE(ssh.empty());
  EXPECT_EQ(ssh[0].product, "OpenSSH");
  EXPECT_EQ(ssh[0].version, "8.2p1 Ubuntu 4ubuntu0.5");
}

TEST(NmapDeviceTypes, MapToDbTypes) {
  EXPECT_EQ(NmapDeviceTypeToDbType("webcam"), "camera");
  EXPECT_EQ(NmapDeviceTypeToDbType("storage-misc"), "nas");
  EXPECT_EQ(NmapDeviceTypeToDbType("general purpose"), "");
  for (const char* t : {"WAP", "printer", "router", "firewall", "VoIP phone", "power-device"}) {
    EXPECT_TRUE(IsKnownDeviceType(NmapDeviceTypeToDbType(t))) << t;
  }
}

}  // namespace
}  // namespace narrowscan
