#include "common/wire/report_codec.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/wire/envelope.h"
#include "schemas/report_generated.h"
#include "tests/wire/test_keys.h"

namespace narrowscan::wire {
namespace {

using ::testing::HasSubstr;

ReportBatch SampleBatch() {
  ReportBatch b;
  b.probe_id = "tokyo-1";
  b.round_id = 42;
  b.seq = 7;
  b.plan_version = 3;
  PortResult http;
  http.ip = 0x7f000102;
  http.port = 80;
  http.state = PortState::kOpen;
  http.service = "http";
  static constexpr char kBanner[] = "HTTP/1.1 200 OK\r\nServer: lighttpd\r\n\r\n\0\xff\x80";
  http.banner = std::string(kBanner, sizeof kBanner - 1);  // with a NUL and non-UTF-8 bytes
  http.connect_us = 120;
  http.total_us = 4500;
  PortResult tls = http;
  tls.port = 443;
  tls.service = "tls";
  tls.banner.clear();
  tls.tls = TlsCertificate{
      "CN=router.local,O=NEC,C=JP", "CN=NEC CA", "0a1b2c", 1700000000, 1900000000, Bytes(32, 0xab)};
  PortResult closed{.ip = 0x7f000103, .port = 23, .state = PortState::kClosed};
  PortResult timeout{.ip = 0x7f000104, .port = 8080, .state = PortState::kTimeout};
  b.results = {http, tls, closed, timeout};
  b.counters = {.attempts = 1000,
                .bytes_sent = 60000,
                .bytes_received = 9000,
                .open = 2,
                .closed = 1,
                .timeout = 997};
  b.done = true;
  return b;
}

// Builds a ReportBatch payload by hand so tests can put values the encoder refuses.
Bytes RawPayload(uint16_t format_version, uint16_t port, uint8_t state, const char* probe_id = "p1",
                 size_t sha_len = 32) {
  flatbuffers::FlatBufferBuilder b;
  auto tls = schema::CreateTlsCertificate(b, b.CreateString("CN=x"), 0, 0, 0, 0,
                                          b.CreateVector(Bytes(sha_len, 1)));
  schema::PortResultBuilder r(b);
  r.add_ip(1);
  r.add_port(port);
  r.add_state(static_cast<schema::PortState>(state));
  r.add_tls(tls);
  auto result = r.Finish();
  auto results = b.CreateVector(&result, 1);
  auto id = b.CreateString(probe_id);
  schema::ReportBatchBuilder out(b);
  out.add_format_version(format_version);
  out.add_probe_id(id);
  out.add_results(results);
  schema::FinishReportBatchBuffer(b, out.Finish());
  return Bytes(b.GetBufferPointer(), b.GetBufferPointer() + b.GetSize());
}

TEST(ReportCodec, RoundTripsEveryField) {
  ReportBatch batch = SampleBatch();
  auto bytes = EncodeReport(batch, ControllerKey());
  ASSERT_TRUE(bytes.ok()) << bytes.error();
  auto decoded = DecodeReport(*bytes, ControllerPublic());
  ASSERT_TRUE(decoded.ok()) << decoded.error();
  EXPECT_EQ(*decoded, batch);
  ReportBatch empty{.probe_id = "p"};
  EXPECT_EQ(DecodeReport(EncodeReport(empty, ControllerKey()).value(), ControllerPublic()).value(),
            empty);
}

TEST(ReportCodec, DecodesFromMisalignedMemory) {
  auto bytes = EncodeReport(SampleBatch(), ControllerKey()).value();
  std::vector<uint8_t> shifted(bytes.size() + 1);
  std::copy(bytes.begin(), bytes.end(), shifted.begin() + 1);
  auto decoded = DecodeReport(std::span(shifted).subspan(1), ControllerPublic());
  ASSERT_TRUE(decoded.ok()) << decoded.error();
  EXPECT_EQ(*decoded, SampleBatch());
}

TEST(ReportCodec, RefusesWrongKeyAndFlippedBits) {
  auto bytes = EncodeReport(SampleBatch(), OtherKey()).value();
  EXPECT_THAT(ErrorOf(DecodeReport(bytes, ControllerPublic())), HasSubstr("signature"));
  bytes = EncodeReport(SampleBatch(), ControllerKey()).value();
  size_t refused = 0;
  for (size_t i = 0; i < bytes.size(); i += 3) {
    auto flipped = bytes;
    flipped[i] ^= 0x04;
    refused += !DecodeReport(flipped, ControllerPublic()).ok();
  }
  // Only flips in padding or unused bytes can pass; the payload and signature cannot.
  EXPECT_GT(refused, bytes.size() / 3 * 9 / 10);
}

TEST(ReportCodec, RefusesEveryTruncation) {
  auto bytes = EncodeReport(SampleBatch(), ControllerKey()).value();
  for (size_t len = 0; len < bytes.size(); ++len) {
    auto r = DecodeReport(std::span(bytes.data(), len), ControllerPublic());
    ASSERT_FALSE(r.ok()) << len;
  }
  EXPECT_THAT(ErrorOf(DecodeReport(std::span(bytes.data(), 5), ControllerPublic())),
              HasSubstr("truncated"));
  auto payload = EncodeReportPayload(SampleBatch()).value();
  // Unsigned, a cut that removes only the builder's trailing padding leaves every
  // byte of data intact; any cut into data is refused.
  for (size_t len = 0; len < payload.size(); ++len) {
    auto r = DecodeReportPayload(std::span(payload.data(), len));
    if (r.ok()) {
      EXPECT_EQ(*r, SampleBatch()) << len;
      EXPECT_GE(len, payload.size() - 7);
    }
  }
}

TEST(ReportCodec, RefusesWrongIdentifier) {
  auto payload = EncodeReportPayload(SampleBatch()).value();
  // A bare payload where an envelope is expected.
  EXPECT_THAT(ErrorOf(DecodeReport(payload, ControllerPublic())),
              HasSubstr("wrong file identifier 'NSRB', expected 'NSEN'"));
  // A signed envelope holding another kind of message.
  Bytes other = payload;
  std::memcpy(other.data() + 4, "NSPL", 4);
  auto sealed = SealEnvelope(other, ControllerKey()).value();
  EXPECT_THAT(ErrorOf(DecodeReport(sealed, ControllerPublic())), HasSubstr("not a 'NSRB' message"));
}

TEST(ReportCodec, RefusesWrongFormatVersion) {
  auto sealed = SealEnvelope(RawPayload(2, 80, 0), ControllerKey()).value();
  EXPECT_THAT(ErrorOf(DecodeReport(sealed, ControllerPublic())),
              HasSubstr("format version 2 is not the supported 1"));
  EXPECT_TRUE(DecodeReportPayload(RawPayload(1, 80, 0)).ok());
}

TEST(ReportCodec, RefusesOutOfRangeValues) {
  EXPECT_THAT(ErrorOf(DecodeReportPayload(RawPayload(1, 0, 0))), HasSubstr("port 0"));
  EXPECT_THAT(ErrorOf(DecodeReportPayload(RawPayload(1, 80, 3))),
              HasSubstr("state 3 is not open/closed/timeout"));
  EXPECT_THAT(ErrorOf(DecodeReportPayload(RawPayload(1, 80, 0, "a/b"))), HasSubstr("probe id"));
  EXPECT_THAT(ErrorOf(DecodeReportPayload(RawPayload(1, 80, 0, ""))),
              HasSubstr("probe id is empty"));
  EXPECT_THAT(ErrorOf(DecodeReportPayload(RawPayload(1, 80, 0, "p", 5))),
              HasSubstr("sha256 is 5 bytes"));
}

TEST(ReportCodec, EncoderRefusesWhatDecoderWould) {
  ReportBatch b = SampleBatch();
  b.results[1].port = 0;
  EXPECT_THAT(ErrorOf(EncodeReport(b, ControllerKey())), HasSubstr("result 1"));
  b = SampleBatch();
  b.results[0].banner.assign(kMaxBannerBytes + 1, 'x');
  EXPECT_THAT(ErrorOf(EncodeReport(b, ControllerKey())), HasSubstr("banner"));
  b = SampleBatch();
  b.probe_id = std::string(kMaxProbeIdBytes + 1, 'a');
  EXPECT_THAT(ErrorOf(EncodeReport(b, ControllerKey())), HasSubstr("probe id"));
  b = SampleBatch();
  b.results[0].state = static_cast<PortState>(9);
  EXPECT_FALSE(EncodeReport(b, ControllerKey()).ok());
}

TEST(ReportCodec, RefusesVerifierFailures) {
  Bytes payload = EncodeReportPayload(SampleBatch()).value();
  // Point the root offset past the end: the identifier still matches.
  Bytes bad = payload;
  bad[0] = 0xf0;
  bad[1] = 0xff;
  EXPECT_THAT(ErrorOf(DecodeReportPayload(bad)), HasSubstr("verifier"));
  // Corrupt every 4-byte word in turn: never a crash, and refused or still valid.
  for (size_t i = 8; i + 4 <= payload.size(); i += 4) {
    Bytes c = payload;
    c[i + 3] ^= 0x80;
    auto r = DecodeReportPayload(c);
    if (r.ok()) {
      EXPECT_TRUE(ValidateReport(*r).ok());
    }
  }
  // An oversize message is refused before anything is parsed.
  Bytes huge(kMaxMessageBytes + 1, 0);
  EXPECT_THAT(ErrorOf(DecodeReport(huge, ControllerPublic())), HasSubstr("cap"));
}

}  // namespace
}  // namespace narrowscan::wire
