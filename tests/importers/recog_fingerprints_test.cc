#include "controller/importers/recog_fingerprints.h"

#include <gtest/gtest.h>

#include "controller/estimation/device_db_loader.h"
#include "controller/estimation/device_db_writer.h"
#include "controller/estimation/estimator.h"
#include "controller/estimation/example_check.h"
#include "tests/importers/importer_test_files.h"

namespace narrowscan {
namespace {

ExampleReport CheckAll(const std::vector<DeviceEntry>& entries) {
  DeviceDb db;
  db.entries = entries;
  auto estimator = Estimator::Create(std::move(db));
  EXPECT_TRUE(estimator.ok());
  return CheckExamples(estimator.value());
}

std::string Failures(const ExampleReport& r) {
  std::string out;
  for (const std::string& f : r.failures) out += f + "\n";
  return out;
}

class RecogSample : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string xml = ReadTestFile(FixturePath("recog_sample.xml"));
    ASSERT_FALSE(xml.empty()) << "fixture missing under " << SourceDir();
    Status s = ImportRecogXml(xml, "fixtures/recog_sample.xml", &result_);
    ASSERT_TRUE(s.ok()) << s.error();
  }
  RecogImport result_;
};

TEST_F(RecogSample, ImportsFingerprintsParamsAndExamples) {
  EXPECT_EQ(result_.fingerprints, 6u);
  ASSERT_EQ(result_.entries.size(), 5u);
  EXPECT_EQ(result_.skipped.at("look-ahead"), 1u);
  EXPECT_EQ(result_.examples, 7u);

  const DeviceEntry& web = result_.entries[0];
  EXPECT_EQ(web.id, "recog-recog-sample-0001");
  EXPECT_EQ(web.description, "Acme embedded web server");
  EXPECT_EQ(web.vendor, "Acme");
  EXPECT_EQ(web.product, "AcmeWeb");
  EXPECT_EQ(web.version, "{1}");
  EXPECT_EQ(web.attributes.at("service.cpe23"), "cpe:/a:acme:acmeweb:{1}");
  EXPECT_EQ(web.attributes.at("os.family"), "{2}");
  EXPECT_EQ(web.attributes.count("_tmp.note"), 0u);
  EXPECT_EQ(web.keywords.at(0).field, "http.server");
  EXPECT_EQ(web.keywords.at(0).regex.rfind("(?m)", 0), 0u);
  ASSERT_EQ(web.examples.size(), 2u);
  EXPECT_EQ(web.examples[1].banner, "AcmeWeb/3.4 (RTOS)");  // base64 decoded
  EXPECT_EQ(web.examples[1].field, "http.server");
  EXPECT_EQ(web.examples[1].expect.at("os.family"), "RTOS");

  const DeviceEntry& cam = result_.entries[1];
  EXPECT_EQ(cam.vendor, "CamCo");  // hw.* wins over os.*
  EXPECT_EQ(cam.product, "{1}");
  EXPECT_EQ(cam.type, "camera");
  EXPECT_EQ(result_.entries[4].product, "Latin {{{{x}} {1}");
}

TEST_F(RecogSample, AllExamplesPassDirectlyAndThroughAWrittenDb) {
  const ExampleReport direct = CheckAll(result_.entries);
  EXPECT_EQ(direct.passed, direct.examples) << Failures(direct);
  EXPECT_EQ(direct.examples, 7u);

  const std::string toml = FormatDeviceDbToml(result_.entries, "recog sample");
  EXPECT_NE(toml.find("banner_b64"), std::string::npos);  // the Latin-1 example
  DeviceDbLoader loader;
  Status s = loader.AddText(toml, "recog.toml");
  ASSERT_TRUE(s.ok()) << s.error() << "\n" << toml;
  const ExampleReport reloaded = CheckAll(loader.TakeDb().entries);
  EXPECT_EQ(reloaded.passed, 7u) << Failures(reloaded);
}

TEST_F(RecogSample, MatchesCarryMappedValuesAndAttributes) {
  DeviceDb db;
  db.entries = result_.entries;
  auto estimator = Estimator::Create(std::move(db));
  ASSERT_TRUE(estimator.ok());
  Host h;
  h.banners.push_back(
      {.port = 80, .banner = "HTTP/1.0 200 OK\r\nServer: AcmeWeb/2.0 (eCos)\r\n\r\n"});
  const auto found = estimator->Estimate(h);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].vendor, "Acme");
  EXPECT_EQ(found[0].version, "2.0");
  EXPECT_EQ(found[0].level, 2);
  EXPECT_EQ(found[0].attributes.at("service.cpe23"), "cpe:/a:acme:acmeweb:2.0");
  EXPECT_EQ(found[0].attributes.at("os.family"), "eCos");
}

TEST(RecogImport, SkipsFilesThatAreNotAboutBannersAndRefusesBrokenXml) {
  RecogImport r;
  Status s = ImportRecogXml(ReadTestFile(FixturePath("recog_not_banners.xml")), "nb.xml", &r);
  ASSERT_TRUE(s.ok()) << s.error();
  EXPECT_TRUE(r.entries.empty());
  EXPECT_EQ(r.skipped.at("not a banner file (matches='snmp.sys_description')"), 1u);

  Status broken = ImportRecogXml("<fingerprints matches=\"ssh.banner\"><fingerprint>", "b.xml", &r);
  ASSERT_FALSE(broken.ok());
  EXPECT_EQ(broken.error().rfind("b.xml:1: XML error:", 0), 0u) << broken.error();
  EXPECT_FALSE(ImportRecogXml("<other/>", "o.xml", &r).ok());
}

TEST(RecogImport, FieldAndTypeMaps) {
  EXPECT_EQ(RecogMatchesToField(""), "raw");
  EXPECT_EQ(RecogMatchesToField("html_title"), "http.title");
  EXPECT_EQ(RecogMatchesToField("http_header.wwwauth"), "http.header.www-authenticate");
  EXPECT_EQ(RecogMatchesToField("imap4.banner"), "imap.banner");
  EXPECT_EQ(RecogMatchesToField("x509.issuer"), "tls.issuer");
  EXPECT_EQ(RecogMatchesToField("dns.versionbind"), "");
  EXPECT_EQ(RecogDeviceToDbType("Multifunction Device"), "printer");
  EXPECT_EQ(RecogDeviceToDbType("WAP"), "access-point");
  EXPECT_EQ(RecogDeviceToDbType("Mainframe"), "");
}

// The two real Recog files in ../shared: every example must pass after import.
TEST(RecogSharedFiles, EveryExamplePasses) {
  const auto dir = SharedRecogDir();
  if (!std::filesystem::is_directory(dir)) GTEST_SKIP() << dir << " absent (../shared not present)";
  RecogImport r;
  size_t files = 0;
  for (const char* name : {"ssh_banners.xml", "ftp_banners.xml"}) {
    const std::string xml = ReadTestFile(dir / name);
    if (xml.empty()) continue;
    ++files;
    Status s = ImportRecogXml(xml, name, &r);
    ASSERT_TRUE(s.ok()) << s.error();
  }
  if (files == 0) GTEST_SKIP() << "no Recog files in " << dir;
  EXPECT_EQ(r.entries.size(), r.fingerprints) << "every fingerprint imports";
  const ExampleReport report = CheckAll(r.entries);
  EXPECT_GT(report.examples, 500u);
  EXPECT_EQ(report.passed, report.examples) << Failures(report);
}

}  // namespace
}  // namespace narrowscan
