#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "controller/curate/hex_escapes.h"
#include "controller/curate/scan_file_reader.h"
#include "controller/curate/scan_format.h"

namespace narrowscan {
namespace {

ScanRecords ParseOk(ScanFormat f, std::string_view line) {
  auto r = ParseScanLine(f, line);
  EXPECT_TRUE(r.ok()) << line << ": " << (r.ok() ? "" : r.error());
  return r.ok() ? *r : ScanRecords{};
}

TEST(MasscanJson, BannerRecordRestoresEscapedBytes) {
  auto r = ParseOk(ScanFormat::kMasscanJson,
                   R"({   "ip": "192.0.2.7",   "timestamp": "1589470737", "ports": [ {"port": 80, )"
                   R"("proto": "tcp", "service": {"name": "http", "banner": )"
                   R"("HTTP/1.1 200 OK\u000d\u000aServer: Boa\u00ff\u003c"} } ] },)");
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(FormatIpv4(r[0].ip), "192.0.2.7");
  EXPECT_EQ(r[0].port, 80);
  EXPECT_EQ(r[0].seen, 1589470737);
  EXPECT_TRUE(r[0].has_banner);
  EXPECT_EQ(r[0].service, "http");
  EXPECT_EQ(r[0].banner, std::string("HTTP/1.1 200 OK\r\nServer: Boa\xff<"));
}

TEST(MasscanJson, OpenPortBothCommaStylesAndArrayBrackets) {
  EXPECT_TRUE(ParseOk(ScanFormat::kMasscanJson, "[").empty());
  EXPECT_TRUE(ParseOk(ScanFormat::kMasscanJson, "]").empty());
  for (
      std::string_view line :
      {R"({   "ip": "10.0.0.1",   "timestamp": "1", "ports": [ {"port": 23, "proto": "tcp", "status": "open", "reason": "syn-ack", "ttl": 64} ] },)",
       R"(,{   "ip": "10.0.0.1",   "timestamp": "1", "ports": [ {"port": 23, "proto": "tcp", "status": "open", "reason": "syn-ack", "ttl": 64} ] })"}) {
    auto r = ParseOk(ScanFormat::kMasscanJson, line);
    ASSERT_EQ(r.size(), 1u) << line;
    EXPECT_FALSE(r[0].has_banner);
    EXPECT_EQ(r[0].port, 23);
  }
}

TEST(MasscanJson, NdjsonRecords) {
  auto banner =
      ParseOk(ScanFormat::kMasscanJson,
              R"({"ip":"10.1.2.3","timestamp":"1600000000","port":22,"proto":"tcp",)"
              R"("rec_type":"banner","data":{"service_name":"ssh","banner":"SSH-2.0-dropbear"}})");
  ASSERT_EQ(banner.size(), 1u);
  EXPECT_EQ(banner[0].service, "ssh");
  EXPECT_EQ(banner[0].banner, "SSH-2.0-dropbear");
  auto status =
      ParseOk(ScanFormat::kMasscanJson,
              R"({"ip":"10.1.2.3","timestamp":"1600000000","port":22,"proto":"tcp",)"
              R"("rec_type":"status","data":{"status":"open","reason":"syn-ack","ttl":64}})");
  ASSERT_EQ(status.size(), 1u);
  EXPECT_FALSE(status[0].has_banner);
}

TEST(MasscanJson, UdpAndClosedCarryNothing) {
  EXPECT_TRUE(
      ParseOk(
          ScanFormat::kMasscanJson,
          R"({"ip":"10.0.0.1","timestamp":"1","ports":[{"port":53,"proto":"udp","status":"open"}]})")
          .empty());
  EXPECT_TRUE(
      ParseOk(
          ScanFormat::kMasscanJson,
          R"({"ip":"10.0.0.1","timestamp":"1","ports":[{"port":53,"proto":"tcp","status":"closed"}]})")
          .empty());
}

TEST(MasscanJson, MalformedRecordsNameTheProblem) {
  auto bad_ip =
      ParseScanLine(ScanFormat::kMasscanJson,
                    R"({"ip":"10.0.0","timestamp":"1","ports":[{"port":1,"proto":"tcp"}]})");
  ASSERT_FALSE(bad_ip.ok());
  EXPECT_NE(bad_ip.error().find("ip"), std::string::npos);
  auto bad_port = ParseScanLine(ScanFormat::kMasscanJson,
                                R"({"ip":"10.0.0.1","timestamp":"1","ports":[{"port":70000}]})");
  ASSERT_FALSE(bad_port.ok());
  EXPECT_NE(bad_port.error().find("port"), std::string::npos);
  EXPECT_FALSE(ParseScanLine(ScanFormat::kMasscanJson, "{not json").ok());
}

// Every JSON line format refuses a NUL byte (the parser would read it as the end of the
// line and drop the rest) with the same words as `estimate`.
TEST(ScanFormat, ANulByteIsAnErrorForItsLineInEveryJsonFormat) {
  const std::string tail = std::string(1, '\0') + R"(,"extra":1})";
  for (auto [format, head] :
       {std::pair{ScanFormat::kMasscanJson,
                  std::string(R"({"ip":"10.0.0.1","timestamp":"1","ports":[{"port":1}])")},
        std::pair{ScanFormat::kHostsJsonl, std::string(R"({"ip":"10.0.0.1","open_ports":[80])")},
        std::pair{ScanFormat::kProbeJsonl,
                  std::string(R"({"ip":"10.0.0.1","port":80,"state":"open")")}}) {
    auto r = ParseScanLine(format, head + tail);
    ASSERT_FALSE(r.ok()) << head;
    EXPECT_NE(r.error().find("NUL byte at column"), std::string::npos) << r.error();
  }
}

TEST(MasscanList, OpenAndBannerWithHexEscapes) {
  auto open = ParseOk(ScanFormat::kMasscanList, "open tcp 80 192.0.2.9 1589470736");
  ASSERT_EQ(open.size(), 1u);
  EXPECT_FALSE(open[0].has_banner);
  EXPECT_EQ(open[0].seen, 1589470736);
  auto b = ParseOk(ScanFormat::kMasscanList,
                   "banner tcp 23 192.0.2.9 1589470737 telnet \\xff\\xfb\\x01MikroTik v6 "
                   "\\x5cok\\x0d\\x0aLogin: ");
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0].service, "telnet");
  EXPECT_EQ(b[0].banner, std::string("\xff\xfb\x01MikroTik v6 \\ok\r\nLogin: "));
  EXPECT_TRUE(ParseOk(ScanFormat::kMasscanList, "#masscan").empty());
  EXPECT_TRUE(ParseOk(ScanFormat::kMasscanList, "# end").empty());
  EXPECT_TRUE(ParseOk(ScanFormat::kMasscanList, "").empty());
  EXPECT_FALSE(ParseScanLine(ScanFormat::kMasscanList, "open tcp 80 192.0.2.9").ok());
  EXPECT_FALSE(ParseScanLine(ScanFormat::kMasscanList, "open tcp 0 192.0.2.9 1").ok());
  EXPECT_FALSE(ParseScanLine(ScanFormat::kMasscanList, "opened tcp 80 192.0.2.9 1").ok());
}

TEST(HexEscapes, DecodeBytesAndLeaveTheRest) {
  EXPECT_EQ(DecodeHexEscapes("a\\x4"), "a\\x4");  // truncated escape stays literal
  EXPECT_EQ(DecodeHexEscapes("\\x41\\x0d\\x0A\\xff"), "A\r\n\xff");
  EXPECT_EQ(DecodeHexEscapes("\\xg1 \\y41 \\1"), "\\xg1 \\y41 \\1");
  EXPECT_EQ(DecodeHexEscapes("a\\x5cb"), "a\\b");
  EXPECT_EQ(DecodeHexEscapes("a\\x5cb", "\\\\"), "a\\\\b");  // RE2 rewrite: literal backslash
}

TEST(HostsJsonl, BannersAndBannerlessPorts) {
  auto r = ParseOk(
      ScanFormat::kHostsJsonl,
      R"({"ip":"192.0.2.7","open_ports":[80,443,554],"banners":[{"port":80,"service":"http",)"
      R"("banner":"HTTP/1.1 200 OK\r\n\r\n"},{"port":443,"service":"tls","banner":"",)"
      R"("tls":{"subject":"CN=cam,O=X","issuer":"CN=ca"}},{"port":8080,"banner_b64":"/wA="}]})");
  ASSERT_EQ(r.size(), 4u);  // 3 banners + port 554 without one
  EXPECT_EQ(r[0].banner, "HTTP/1.1 200 OK\r\n\r\n");
  EXPECT_TRUE(r[1].has_banner);
  EXPECT_EQ(r[1].tls_subject, "CN=cam,O=X");
  EXPECT_EQ(r[2].banner, std::string("\xff\x00", 2));
  EXPECT_EQ(r[3].port, 554);
  EXPECT_FALSE(r[3].has_banner);
  auto bad =
      ParseScanLine(ScanFormat::kHostsJsonl, R"({"ip":"192.0.2.7","banners":[{"port":"x"}]})");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().find("banners[0]"), std::string::npos);
  EXPECT_FALSE(ParseScanLine(ScanFormat::kHostsJsonl,
                             R"({"ip":"192.0.2.7","banners":[{"port":80,"banner_b64":"!!"}]})")
                   .ok());
}

TEST(ProbeJsonl, OpenResultsOnly) {
  auto r = ParseOk(
      ScanFormat::kProbeJsonl,
      R"({"ip":"127.0.0.5","port":22,"state":"open","service":"ssh","banner":"SSH-2.0-x"})");
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].banner, "SSH-2.0-x");
  EXPECT_TRUE(
      ParseOk(ScanFormat::kProbeJsonl, R"({"ip":"127.0.0.5","port":22,"state":"closed"})").empty());
  auto silent =
      ParseOk(ScanFormat::kProbeJsonl, R"({"ip":"127.0.0.5","port":8291,"state":"open"})");
  ASSERT_EQ(silent.size(), 1u);
  EXPECT_FALSE(silent[0].has_banner);
}

TEST(ScanFormat, NamesRoundTripAndUnknownIsAnError) {
  for (auto name : ScanFormatNames()) EXPECT_TRUE(ParseScanFormat(name).ok()) << name;
  auto bad = ParseScanFormat("nmap-xml");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().find("nmap-xml"), std::string::npos);
}

TEST(ScanFileReader, ReportsMalformedLinesWithFileAndLineAndGoesOn) {
  auto path = std::filesystem::temp_directory_path() /
              ("curate_reader_" + std::to_string(::getpid()) + ".txt");
  {
    std::ofstream out(path);
    out << "#masscan\nopen tcp 80 10.0.0.1 5\nbanner tcp 80 10.0.0.1 6 http HTTP/1.0 "
           "200\\x0d\\x0a\n"
           "garbage line here\nopen tcp 99999 10.0.0.2 5\nopen tcp 22 10.0.0.2 7\n";
  }
  std::vector<ScanRecord> got;
  std::vector<std::string> bad;
  auto counts = ReadScanFile(
      path.string(), ScanFormat::kMasscanList,
      [&](ScanRecord&& r) {
        got.push_back(std::move(r));
        return Status::Ok();
      },
      [&](const std::string& m) { bad.push_back(m); });
  std::filesystem::remove(path);
  ASSERT_TRUE(counts.ok()) << counts.error();
  EXPECT_EQ(counts->lines, 6u);
  EXPECT_EQ(counts->records, 3u);
  EXPECT_EQ(counts->banners, 1u);
  EXPECT_EQ(counts->malformed, 2u);
  ASSERT_EQ(bad.size(), 2u);
  EXPECT_NE(bad[0].find(path.string() + ":4:"), std::string::npos) << bad[0];
  EXPECT_NE(bad[1].find(path.string() + ":5:"), std::string::npos) << bad[1];
  EXPECT_FALSE(ReadScanFile(
                   "/nonexistent/x", ScanFormat::kMasscanList,
                   [](ScanRecord&&) { return Status::Ok(); }, [](const std::string&) {})
                   .ok());
}

}  // namespace
}  // namespace narrowscan

namespace narrowscan {
namespace {

// A self-signed certificate for C=JP, O=NEC Platforms\, Ltd., CN=aterm.me (openssl, P-256).
constexpr const char* kCertificateB64 =
    "MIIB0TCCAXegAwIBAgIUd2hNuyDdiSFdZxheLbS8Y+"
    "LpiggwCgYIKoZIzj0EAwIwPjELMAkGA1UEBhMCSlAxHDAaBgNVBAoME05FQyBQbGF0Zm9ybXMsIEx0ZC4xETAPBgNVBAMM"
    "CGF0ZXJtLm1lMB4XDTI2MTEyOTIyMzIyOVoXDTI2MTEzMDIyMzIyOVowPjELMAkGA1UEBhMCSlAxHDAaBgNVBAoME05FQy"
    "BQbGF0Zm9ybXMsIEx0ZC4xETAPBgNVBAMMCGF0ZXJtLm1lMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE4fgXY1yl5Yql"
    "xu7SOIIIoEvAU8qizoW5KwXbJuBhXrwLY2AVKE0/"
    "59RmLjnKSbCEibLetqc2aYFtd3Zqs+Spp6NTMFEwHQYDVR0OBBYEFGExP/"
    "bitornygluA3XTyD45KydCMB8GA1UdIwQYMBaAFGExP/bitornygluA3XTyD45KydCMA8GA1UdEwEB/"
    "wQFMAMBAf8wCgYIKoZIzj0EAwIDSAAwRQIgBkvI+ucYukC1TgR6w3sG5+GgpQiD4zP8ssXhhA7VKjACIQCC50+"
    "QnJMdkJZ2uQcZYdEPSx+RApI8562mZzMDm4ZXPw==";

TEST(MasscanX509, CertificateBecomesRfc4514Names) {
  auto r = ParseOk(ScanFormat::kMasscanList,
                   std::string("banner tcp 443 10.0.0.3 7 X509 ") + kCertificateB64);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].service, "tls");
  EXPECT_EQ(r[0].tls_subject, "CN=aterm.me,O=NEC Platforms\\, Ltd.,C=JP");
  EXPECT_EQ(r[0].tls_issuer, r[0].tls_subject);
  EXPECT_TRUE(r[0].has_banner);
  EXPECT_FALSE(ParseScanLine(ScanFormat::kMasscanList, "banner tcp 443 10.0.0.3 7 X509 AAAA").ok());
}

}  // namespace
}  // namespace narrowscan
