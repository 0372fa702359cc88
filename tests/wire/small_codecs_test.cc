// Ack, probe status and exclusion list codecs.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>

#include "common/wire/ack_codec.h"
#include "common/wire/envelope.h"
#include "common/wire/exclusions_codec.h"
#include "common/wire/status_codec.h"
#include "schemas/ack_generated.h"
#include "schemas/status_generated.h"
#include "tests/wire/test_keys.h"

namespace narrowscan::wire {
namespace {

using ::testing::HasSubstr;

TEST(AckCodec, RoundTripsAndRefuses) {
  Ack ack{"probe-7", 12, 345};
  auto bytes = EncodeAck(ack);
  ASSERT_TRUE(bytes.ok()) << bytes.error();
  EXPECT_EQ(DecodeAck(*bytes).value(), ack);
  for (size_t len = 0; len < bytes->size(); ++len) {
    ASSERT_FALSE(DecodeAck(std::span(bytes->data(), len)).ok()) << len;
  }
  EXPECT_THAT(ErrorOf(EncodeAck({"bad/id", 1, 1})), HasSubstr("probe id"));
  Bytes wrong = *bytes;
  std::memcpy(wrong.data() + 4, "NSST", 4);
  EXPECT_THAT(ErrorOf(DecodeAck(wrong)),
              HasSubstr("wrong file identifier 'NSST', expected 'NSAK'"));

  flatbuffers::FlatBufferBuilder b;
  auto id = b.CreateString("p");
  schema::AckBuilder raw(b);
  raw.add_format_version(3);
  raw.add_probe_id(id);
  schema::FinishAckBuffer(b, raw.Finish());
  EXPECT_THAT(ErrorOf(DecodeAck(std::span(b.GetBufferPointer(), b.GetSize()))),
              HasSubstr("format version 3"));
  flatbuffers::FlatBufferBuilder b2;
  schema::AckBuilder no_id(b2);
  no_id.add_format_version(1);
  schema::FinishAckBuffer(b2, no_id.Finish());
  EXPECT_THAT(ErrorOf(DecodeAck(std::span(b2.GetBufferPointer(), b2.GetSize()))),
              HasSubstr("probe id is empty"));
}

ProbeStatus SampleStatus() {
  ProbeStatus s;
  s.probe_id = "probe-7";
  s.software_version = "narrowscan-probe 0.1.0";
  s.state = ProbeState::kScanning;
  s.round_id = 4;
  s.progress_done = 500;
  s.progress_total = 2000;
  s.rate = 99.5;
  s.spool_depth = 3;
  s.counters = {.attempts = 500, .bytes_sent = 30000};
  s.plan_version = 8;
  s.refused_plans = 1;
  s.timestamp_ms = 1790000000123;
  return s;
}

TEST(StatusCodec, RoundTripsAndRefuses) {
  auto bytes = EncodeStatus(SampleStatus());
  ASSERT_TRUE(bytes.ok()) << bytes.error();
  EXPECT_EQ(DecodeStatus(*bytes).value(), SampleStatus());
  for (size_t len = 0; len < bytes->size(); ++len) {
    ASSERT_FALSE(DecodeStatus(std::span(bytes->data(), len)).ok()) << len;
  }
  ProbeStatus s = SampleStatus();
  s.progress_done = 2001;
  EXPECT_THAT(ErrorOf(EncodeStatus(s)), HasSubstr("progress 2001 is above the total 2000"));
  s = SampleStatus();
  s.rate = std::nan("");
  EXPECT_THAT(ErrorOf(EncodeStatus(s)), HasSubstr("rate"));
  s = SampleStatus();
  s.state = static_cast<ProbeState>(9);
  EXPECT_THAT(ErrorOf(EncodeStatus(s)), HasSubstr("state 9 is unknown"));

  flatbuffers::FlatBufferBuilder b;
  auto id = b.CreateString("p");
  schema::ProbeStatusBuilder raw(b);
  raw.add_format_version(1);
  raw.add_probe_id(id);
  raw.add_state(static_cast<schema::ProbeState>(200));
  schema::FinishProbeStatusBuffer(b, raw.Finish());
  EXPECT_THAT(ErrorOf(DecodeStatus(std::span(b.GetBufferPointer(), b.GetSize()))),
              HasSubstr("state 200 is unknown"));
  EXPECT_EQ(ProbeStateName(ProbeState::kPausedSpoolFull), "paused-spool-full");
}

ExclusionList SampleExclusions() {
  return {17,
          {{{0x01020300, 0x010203ff}, "opt-out request #12"},
           {{0x05060708, 0x05060708}, ""},
           {{0x01020380, 0x01020400}, "overlaps the first"}}};
}

TEST(ExclusionsCodec, RoundTripsAndGivesTheAddresses) {
  auto bytes = EncodeExclusions(SampleExclusions(), ControllerKey());
  ASSERT_TRUE(bytes.ok()) << bytes.error();
  auto list = DecodeExclusions(*bytes, ControllerPublic());
  ASSERT_TRUE(list.ok()) << list.error();
  EXPECT_EQ(*list, SampleExclusions());
  RangeSet excluded = ExcludedAddresses(*list);
  EXPECT_EQ(excluded.Size(), 256u + 1 + 1);
  EXPECT_TRUE(excluded.Contains(0x01020400));
  EXPECT_TRUE(excluded.Contains(0x05060708));
  EXPECT_FALSE(excluded.Contains(0x05060709));
  ExclusionList empty{1, {}};
  EXPECT_EQ(DecodeExclusions(EncodeExclusions(empty, ControllerKey()).value(), ControllerPublic())
                .value(),
            empty);
}

TEST(ExclusionsCodec, Refuses) {
  auto bytes = EncodeExclusions(SampleExclusions(), OtherKey()).value();
  EXPECT_THAT(ErrorOf(DecodeExclusions(bytes, ControllerPublic())), HasSubstr("signature"));
  bytes = EncodeExclusions(SampleExclusions(), ControllerKey()).value();
  for (size_t len = 0; len < bytes.size(); ++len) {
    ASSERT_FALSE(DecodeExclusions(std::span(bytes.data(), len), ControllerPublic()).ok()) << len;
  }
  ExclusionList bad = SampleExclusions();
  bad.entries[1].range = {10, 9};
  EXPECT_THAT(ErrorOf(EncodeExclusions(bad, ControllerKey())), HasSubstr("above last"));
  bad = SampleExclusions();
  bad.entries[0].reason.assign(kMaxStringBytes + 1, 'r');
  EXPECT_THAT(ErrorOf(EncodeExclusions(bad, ControllerKey())), HasSubstr("reason"));
  // An exclusion payload signed and sent where a status is expected, and the reverse.
  auto payload = EncodeExclusionsPayload(SampleExclusions()).value();
  EXPECT_THAT(ErrorOf(DecodeStatus(payload)), HasSubstr("wrong file identifier 'NSEX'"));
  auto status = EncodeStatus(SampleStatus()).value();
  auto sealed = SealEnvelope(status, ControllerKey()).value();
  EXPECT_THAT(ErrorOf(DecodeExclusions(sealed, ControllerPublic())),
              HasSubstr("not a 'NSEX' message"));
}

}  // namespace
}  // namespace narrowscan::wire
