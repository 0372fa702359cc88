// Engine results as wire results: every field carried, caps applied so the batch
// always encodes, TLS times and digests converted.
#include "probe/agent/wire_result.h"

#include <gtest/gtest.h>

#include "common/wire/report_codec.h"

namespace narrowscan {
namespace {

ScanResult TlsResult() {
  ScanResult r;
  r.ip = 0x7F000001;
  r.port = 443;
  r.state = PortState::kOpen;
  r.service = "tls";
  r.banner = std::string("\x16\x03\x03\0\xff", 5);
  TlsInfo tls;
  tls.subject = "CN=cam.example,O=Acme\\, Inc.,C=JP";
  tls.issuer = "CN=Acme CA";
  tls.serial = "0a1b2c";
  tls.not_before = "2024-02-29T12:34:56Z";
  tls.not_after = "2038-01-19T03:14:08Z";
  tls.sha256_fingerprint = std::string(62, 'a') + "0F";
  r.tls = tls;
  r.connect_ms = 12;
  r.total_ms = 345;
  return r;
}

TEST(WireResult, CarriesEveryField) {
  const wire::PortResult p = WireResultOf(TlsResult());
  EXPECT_EQ(p.ip, 0x7F000001u);
  EXPECT_EQ(p.port, 443);
  EXPECT_EQ(p.state, wire::PortState::kOpen);
  EXPECT_EQ(p.service, "tls");
  EXPECT_EQ(p.banner, std::string("\x16\x03\x03\0\xff", 5));
  ASSERT_TRUE(p.tls.has_value());
  EXPECT_EQ(p.tls->subject, "CN=cam.example,O=Acme\\, Inc.,C=JP");
  EXPECT_EQ(p.tls->issuer, "CN=Acme CA");
  EXPECT_EQ(p.tls->serial, "0a1b2c");
  EXPECT_EQ(p.tls->not_before, 1709210096);  // date -u -d 2024-02-29T12:34:56Z +%s
  EXPECT_EQ(p.tls->not_after, 2147483648);   // one second past the 32-bit time_t end
  ASSERT_EQ(p.tls->sha256.size(), 32u);
  EXPECT_EQ(p.tls->sha256[0], 0xaa);
  EXPECT_EQ(p.tls->sha256[31], 0x0f);
  EXPECT_EQ(p.connect_us, 12000u);
  EXPECT_EQ(p.total_us, 345000u);
}

TEST(WireResult, MalformedTlsFieldsReadAsUnknown) {
  ScanResult r = TlsResult();
  r.tls->not_before = "2023-02-29T00:00:00Z";  // no such day
  r.tls->not_after = "2038-01-19 03:14:08";
  r.tls->sha256_fingerprint = "abcd";
  const wire::PortResult p = WireResultOf(std::move(r));
  EXPECT_EQ(p.tls->not_before, 0);
  EXPECT_EQ(p.tls->not_after, 0);
  EXPECT_TRUE(p.tls->sha256.empty());
  EXPECT_EQ(ParseUtcTime("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(ParseUtcTime("1969-12-31T23:59:59Z"), -1);
  EXPECT_FALSE(ParseUtcTime("2024-01-01T24:00:00Z").has_value());
  EXPECT_FALSE(ParseUtcTime("2024-01-01T00:00:0xZ").has_value());
  EXPECT_FALSE(ParseUtcTime("").has_value());
}

TEST(WireResult, OversizeFieldsAreCutSoTheBatchEncodes) {
  ScanResult r = TlsResult();
  r.banner.assign(wire::kMaxBannerBytes + 100, 'b');
  r.service.assign(wire::kMaxStringBytes + 1, 's');
  r.tls->subject.assign(wire::kMaxStringBytes * 2, 'c');
  r.connect_ms = UINT32_MAX;
  wire::ReportBatch batch;
  batch.probe_id = "p1";
  batch.results.push_back(WireResultOf(std::move(r)));
  EXPECT_EQ(batch.results[0].banner.size(), wire::kMaxBannerBytes);
  EXPECT_EQ(batch.results[0].service.size(), wire::kMaxStringBytes);
  EXPECT_EQ(batch.results[0].tls->subject.size(), wire::kMaxStringBytes);
  EXPECT_EQ(batch.results[0].connect_us, UINT32_MAX);  // saturates instead of wrapping
  const Status valid = wire::ValidateReport(batch);
  EXPECT_TRUE(valid.ok()) << valid.error();
}

TEST(WireResult, StatesMapAndResultsWithoutTlsHaveNone) {
  ScanResult r;
  r.ip = 1;
  r.port = 23;
  r.state = PortState::kClosed;
  EXPECT_EQ(WireResultOf(ScanResult(r)).state, wire::PortState::kClosed);
  EXPECT_FALSE(WireResultOf(ScanResult(r)).tls.has_value());
  r.state = PortState::kTimeout;
  EXPECT_EQ(WireResultOf(ScanResult(r)).state, wire::PortState::kTimeout);
  r.state = PortState::kError;
  EXPECT_EQ(WireResultOf(ScanResult(r)).state, wire::PortState::kTimeout);
}

}  // namespace
}  // namespace narrowscan
