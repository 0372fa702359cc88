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
