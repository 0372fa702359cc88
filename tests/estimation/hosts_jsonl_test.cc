#include "controller/estimation/hosts_jsonl.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace narrowscan {
namespace {

TEST(HostsJsonl, ParsesTheDesignFormat) {
  auto host = ParseHostLine(
      R"({"ip":"192.0.2.7","open_ports":[80,554],"banners":[{"port":80,"service":"http","banner":"HTTP/1.1 200 OK\r\nServer: x"},)"
      R"({"port":443,"service":"tls","banner":"","tls":{"subject":"CN=a,O=b\\,c,C=JP","issuer":"CN=ca"}},)"
      R"({"port":23,"banner_b64":"//s=","extra":1},{"port":22,"field":"ssh.banner","banner":"OpenSSH_9"}]})");
  ASSERT_TRUE(host.ok()) << host.error();
  EXPECT_EQ(host->ip, "192.0.2.7");
  EXPECT_EQ(host->open_ports, (std::vector<uint16_t>{80, 554}));
  ASSERT_EQ(host->banners.size(), 4u);
  EXPECT_EQ(host->banners[0].service, "http");
  EXPECT_EQ(host->banners[0].banner, "HTTP/1.1 200 OK\r\nServer: x");
  EXPECT_EQ(host->banners[1].tls_subject, "CN=a,O=b\\,c,C=JP");
  EXPECT_EQ(host->banners[1].tls_issuer, "CN=ca");
  EXPECT_EQ(host->banners[2].banner, "\xff\xfb");
  EXPECT_EQ(host->banners[3].field, "ssh.banner");
  EXPECT_TRUE(ParseHostLine(R"({"ip":"127.0.0.1"})").ok());
}

TEST(HostsJsonl, RefusesBadLinesWithAReason) {
  const struct {
    const char* line;
    const char* error;
  } kCases[] = {
      {"not json", "not valid JSON"},
      {"[1,2]", "not a JSON object"},
      {R"({"open_ports":[80]})", "missing \"ip\""},
      {R"({"ip":7})", "\"ip\" is not a string"},
      // The same checks as `ingest` (controller/estimation/json_line.h).
      {R"({"ip":"999.1.1.1","open_ports":[80]})", "\"ip\": bad IPv4 address '999.1.1.1'"},
      {R"({"ip":"a"})", "\"ip\": bad IPv4 address 'a'"},
      {R"({"ip":"127.0.0.1","open_ports":[0]})", "open port 0 is outside 1-65535"},
      {R"({"ip":"127.0.0.1","open_ports":[70000]})", "open port 70000 is outside 1-65535"},
      {R"({"ip":"127.0.0.1","open_ports":"80"})", "\"open_ports\" must be an array"},
      {R"({"ip":"127.0.0.1","banners":[{"port":"80"}]})", "banners[0].port must be an integer"},
      {R"({"ip":"127.0.0.1","banners":[{"banner":"x","banner_b64":"eA=="}]})",
       "banners[0] has both \"banner\" and \"banner_b64\""},
      {R"({"ip":"127.0.0.1","banners":[{"banner_b64":"***"}]})",
       "banners[0].banner_b64: base64: invalid"},
      {R"({"ip":"127.0.0.1","banners":[{"tls":"x"}]})", "banners[0].tls must be an object"},
      {R"({"ip":"127.0.0.1","banners":[1]})", "banners[0] is not an object"},
  };
  // A NUL byte would end the line early for the JSON parser: an error, not a cut record.
  auto cut = ParseHostLine(std::string(R"({"ip":"127.0.0.1"})") + '\0' + "garbage");
  ASSERT_FALSE(cut.ok());
  EXPECT_EQ(cut.error(), "NUL byte at column 19 (it would end the line early)");
  for (const auto& c : kCases) {
    auto host = ParseHostLine(c.line);
    ASSERT_FALSE(host.ok()) << c.line;
    EXPECT_EQ(host.error().rfind(c.error, 0), 0u) << host.error();
  }
}

TEST(HostsJsonl, HostLinesRoundTripIncludingNonUtf8Banners) {
  Host h;
  h.ip = "127.0.0.9";
  h.open_ports = {23, 80};
  h.banners.push_back({.port = 23, .service = "telnet", .banner = "\xff\xfd\x01login:"});
  h.banners.push_back({.port = 443, .banner = "", .tls_subject = "CN=x"});
  const std::string line = FormatHostLine(h);
  EXPECT_NE(line.find("banner_b64"), std::string::npos);
  auto back = ParseHostLine(line);
  ASSERT_TRUE(back.ok()) << back.error();
  EXPECT_EQ(back->banners[0].banner, h.banners[0].banner);
  EXPECT_EQ(back->banners[0].service, "telnet");
  EXPECT_EQ(back->banners[1].tls_subject, "CN=x");
  EXPECT_EQ(back->open_ports, h.open_ports);
}

TEST(HostsJsonl, EstimateLinesCarryEveryValue) {
  DeviceMatch m;
  m.device = "cam";
  m.score = 0.8000000000000002;
  m.banner_score = 0.8;
  m.port_score = 1.0 / 3.0;
  m.vendor = "V";
  m.product = "P";
  m.model = "M";
  m.version = "1.\xe9";  // captured bytes that are not UTF-8
  m.type = "camera";
  m.level = 4;
  m.attributes["os"] = "Linux";
  const auto doc = nlohmann::json::parse(FormatEstimateLine("127.0.0.1", {m}));
  EXPECT_EQ(doc["ip"], "127.0.0.1");
  const auto& j = doc["matches"][0];
  EXPECT_EQ(j["device"], "cam");
  EXPECT_EQ(j["score"], 0.8);
  EXPECT_EQ(j["port_score"], 0.333333);
  EXPECT_EQ(j["version"], "1.\xc3\xa9");
  EXPECT_EQ(j["level"], 4);
  EXPECT_EQ(j["type"], "camera");
  EXPECT_EQ(j["attributes"]["os"], "Linux");
  EXPECT_EQ(FormatEstimateLine("127.0.0.2", {}), R"({"ip":"127.0.0.2","matches":[]})");
}

}  // namespace
}  // namespace narrowscan
