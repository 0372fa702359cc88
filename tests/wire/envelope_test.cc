#include "common/wire/envelope.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "schemas/envelope_generated.h"
#include "tests/wire/test_keys.h"

namespace narrowscan::wire {
namespace {

using ::testing::HasSubstr;

// Any FlatBuffer with identifier "NSAK" at offset 4 serves as a payload here.
Bytes Payload() {
  Bytes p(32, 0x5a);
  p[0] = 8;
  p[1] = p[2] = p[3] = 0;
  std::memcpy(p.data() + 4, "NSAK", 4);
  return p;
}

Bytes RawEnvelope(uint16_t version, const Bytes& payload, const Bytes& signature) {
  flatbuffers::FlatBufferBuilder b;
  auto p = payload.empty() ? 0 : b.CreateVector(payload);
  auto s = signature.empty() ? 0 : b.CreateVector(signature);
  schema::EnvelopeBuilder e(b);
  e.add_format_version(version);
  e.add_payload(p);
  e.add_signature(s);
  schema::FinishEnvelopeBuffer(b, e.Finish());
  return Bytes(b.GetBufferPointer(), b.GetBufferPointer() + b.GetSize());
}

TEST(Envelope, SealsAndOpensExactlyThePayload) {
  auto sealed = SealEnvelope(Payload(), ControllerKey()).value();
  auto opened = OpenEnvelope(sealed, ControllerPublic(), "NSAK", "test");
  ASSERT_TRUE(opened.ok()) << opened.error();
  EXPECT_EQ(*opened, Payload());
  // The signature is over the payload bytes alone: it verifies independently.
  auto signature = ControllerKey().Sign(Payload()).value();
  auto rebuilt = RawEnvelope(1, Payload(), signature);
  EXPECT_TRUE(OpenEnvelope(rebuilt, ControllerPublic(), "NSAK", "test").ok());
}

TEST(Envelope, RefusesEachDefect) {
  const Bytes payload = Payload();
  const Bytes signature = ControllerKey().Sign(payload).value();
  EXPECT_THAT(
      ErrorOf(OpenEnvelope(RawEnvelope(2, payload, signature), ControllerPublic(), "NSAK", "test")),
      HasSubstr("test: envelope format version 2"));
  EXPECT_THAT(ErrorOf(OpenEnvelope(RawEnvelope(1, payload, {}), ControllerPublic(), "NSAK", "t")),
              HasSubstr("not signed"));
  EXPECT_THAT(ErrorOf(OpenEnvelope(RawEnvelope(1, {}, signature), ControllerPublic(), "NSAK", "t")),
              HasSubstr("no payload"));
  Bytes truncated_sig(signature.begin(), signature.end() - 1);
  EXPECT_THAT(ErrorOf(OpenEnvelope(RawEnvelope(1, payload, truncated_sig), ControllerPublic(),
                                   "NSAK", "t")),
              HasSubstr("signature does not verify"));
  Bytes other_payload = payload;
  other_payload.back() ^= 1;
  EXPECT_THAT(ErrorOf(OpenEnvelope(RawEnvelope(1, other_payload, signature), ControllerPublic(),
                                   "NSAK", "t")),
              HasSubstr("signature does not verify"));
  EXPECT_THAT(
      ErrorOf(OpenEnvelope(RawEnvelope(1, payload, signature), ControllerPublic(), "NSPL", "t")),
      HasSubstr("signed payload is not a 'NSPL' message"));
  EXPECT_THAT(ErrorOf(OpenEnvelope(Bytes{1, 2, 3}, ControllerPublic(), "NSAK", "t")),
              HasSubstr("truncated (3 bytes"));
  Bytes garbage(64, 0xff);
  EXPECT_THAT(ErrorOf(OpenEnvelope(garbage, ControllerPublic(), "NSAK", "t")),
              HasSubstr("wrong file identifier '\\xff\\xff\\xff\\xff'"));
}

}  // namespace
}  // namespace narrowscan::wire
