// The shipped default DB (controller/devices): loads, passes all its examples, and
// does not take generic servers for IoT devices.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "controller/estimation/device_db_loader.h"
#include "controller/estimation/estimator.h"
#include "controller/estimation/example_check.h"

namespace narrowscan {
namespace {

std::filesystem::path DefaultDbDir() {
  const char* src = std::getenv("NARROWSCAN_SOURCE_DIR");
  return std::filesystem::path(src ? src : ".") / "controller/devices";
}

class DefaultDb : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::is_directory(DefaultDbDir())) GTEST_SKIP() << DefaultDbDir() << " absent";
    auto db = LoadDeviceDb({DefaultDbDir().string()});
    ASSERT_TRUE(db.ok()) << db.error();
    auto e = Estimator::Create(std::move(db.value()));
    ASSERT_TRUE(e.ok()) << e.error();
    estimator_ = std::make_unique<Estimator>(std::move(e.value()));
  }
  std::unique_ptr<Estimator> estimator_;
};

TEST_F(DefaultDb, EveryEntryHasExamplesAndAllPass) {
  const ExampleReport r = CheckExamples(*estimator_);
  std::string failures;
  for (const std::string& f : r.failures) failures += f + "\n";
  EXPECT_EQ(r.passed, r.examples) << failures;
  EXPECT_EQ(r.entries_without_examples, 0u);
}

TEST_F(DefaultDb, GenericServersAreNotEstimated) {
  const std::pair<uint16_t, const char*> kGeneric[] = {
      {80,
       "HTTP/1.1 200 OK\r\nServer: Apache/2.4.57 (Debian)\r\nContent-Type: text/html\r\n\r\n"
       "<html><head><title>Apache2 Debian Default Page: It works</title></head></html>"},
      {80,
       "HTTP/1.1 301 Moved Permanently\r\nServer: nginx/1.22.1\r\nLocation: https://example.org/"
       "\r\n\r\n<html><head><title>301 Moved Permanently</title></head></html>"},
      {80, "HTTP/1.1 200 OK\r\nServer: nginx\r\n\r\n<title>Welcome to nginx!</title>"},
      {80,
       "HTTP/1.1 200 OK\r\nServer: Microsoft-IIS/10.0\r\nX-Powered-By: ASP.NET\r\n\r\n"
       "<html><head><title>IIS Windows Server</title></head></html>"},
      {22, "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n"},
      {22, "SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.10\r\n"},
      {25, "220 mail.example.org ESMTP Postfix (Debian/GNU)\r\n"},
      {25, "220 mx.example.net ESMTP Exim 4.96 Sun, 29 Nov 2026 10:00:00 +0000\r\n"},
      {21, "220 (vsFTPd 3.0.3)\r\n"},
      {110, "+OK Dovecot (Debian) ready.\r\n"},
  };
  for (const auto& [port, banner] : kGeneric) {
    Host h;
    h.ip = "127.0.0.1";
    h.open_ports = {port};
    h.banners.push_back({.port = port, .banner = banner});
    const auto found = estimator_->Estimate(h);
    EXPECT_TRUE(found.empty()) << banner << " estimated as " << found.at(0).device;
  }
}

}  // namespace
}  // namespace narrowscan

namespace narrowscan {
namespace {

std::string Describe(const std::vector<DeviceMatch>& matches) {
  std::string out;
  for (const DeviceMatch& m : matches) {
    out += m.device + " " + std::to_string(m.score) + " " + std::to_string(m.banner_score) + " " +
           std::to_string(m.port_score) + " [" + m.vendor + "|" + m.product + "|" + m.model + "|" +
           m.version + "|" + m.type + "|" + std::to_string(m.level) + "]";
    for (const auto& [k, v] : m.attributes) out += " " + k + "=" + v;
    out += "\n";
  }
  return out;
}

// The memo only saves work: every example host of the default DB, plus the same
// banners with their values shuffled across hosts, gets byte-identical results with the
// memo off, cold, warm, and nearly full (a tiny budget that keeps forgetting).
TEST(DefaultDbMemo, GivesTheSameResultsAsNoMemo) {
  if (!std::filesystem::is_directory(DefaultDbDir())) GTEST_SKIP() << DefaultDbDir() << " absent";
  auto db = LoadDeviceDb({DefaultDbDir().string()});
  ASSERT_TRUE(db.ok()) << db.error();
  std::vector<Host> hosts;
  for (const DeviceEntry& e : db.value().entries) {
    for (const DeviceExample& x : e.examples) hosts.push_back(ExampleHost(x));
  }
  // Multi-banner hosts: the same values meet other values, in both orders.
  for (size_t i = 0; i + 1 < hosts.size(); i += 2) {
    Host h = hosts[i];
    for (const BannerRecord& b : hosts[i + 1].banners) h.banners.push_back(b);
    hosts.push_back(std::move(h));
  }
  ASSERT_GT(hosts.size(), 200u);
  EstimatorOptions off;
  off.memo_bytes = 0;
  EstimatorOptions tiny;
  tiny.memo_bytes = 2048;
  auto plain = Estimator::Create(db.value(), off);
  auto memo = Estimator::Create(db.value());
  auto small = Estimator::Create(db.value(), tiny);
  ASSERT_TRUE(plain.ok() && memo.ok() && small.ok());
  for (int round = 0; round < 2; ++round) {
    for (const Host& h : hosts) {
      const std::string want = Describe(plain.value().Estimate(h));
      ASSERT_EQ(Describe(memo.value().Estimate(h)), want) << "round " << round;
      ASSERT_EQ(Describe(small.value().Estimate(h)), want) << "round " << round;
    }
  }
  size_t matched = 0;
  for (const Host& h : hosts) matched += plain.value().Estimate(h).empty() ? 0 : 1;
  EXPECT_GT(matched, 100u);  // the comparison covered real matches, with captures
}

}  // namespace
}  // namespace narrowscan
