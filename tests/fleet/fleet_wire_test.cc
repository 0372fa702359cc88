// Fleet messages: round trips and every refusal the agent and the controller rely on.
#include "probe/agent/fleet_wire.h"

#include <gtest/gtest.h>

#include "probe/agent/plan_scope.h"

namespace narrowscan::fleetwire {
namespace {

SigningKey NewKey() { return std::move(SigningKey::Generate().value()); }
VerifyingKey PublicOf(const SigningKey& k) {
  return std::move(VerifyingKey::FromPem(k.PublicPem()).value());
}

TEST(FleetWire, ReportRoundTripAndRefusals) {
  SigningKey key = NewKey(), other = NewKey();
  ReportBatch b;
  b.probe_id = "p1";
  b.round_id = 3;
  b.seq = 9;
  b.results.push_back({0x7F000001, 80, PortState::kOpen, "http", std::string("HTTP\0\xff", 6),
                       "CN=a", "CN=b", 1200});
  b.counters.attempts = 77;
  b.done = true;
  auto bytes = EncodeReport(b, key);
  ASSERT_TRUE(bytes.ok()) << bytes.error();
  auto back = DecodeReport(*bytes, PublicOf(key));
  ASSERT_TRUE(back.ok()) << back.error();
  EXPECT_EQ(back->results, b.results);
  EXPECT_EQ(back->counters, b.counters);
  EXPECT_TRUE(back->done);
  EXPECT_FALSE(DecodeReport(*bytes, PublicOf(other)).ok());  // another key
  Bytes truncated(bytes->begin(), bytes->begin() + bytes->size() / 2);
  EXPECT_FALSE(DecodeReport(truncated, PublicOf(key)).ok());
  Bytes flipped = *bytes;
  flipped[flipped.size() - 5] ^= 1;
  EXPECT_FALSE(DecodeReport(flipped, PublicOf(key)).ok());
  EXPECT_FALSE(DecodeReport(EncodeAck({"p1", 1, 2}), PublicOf(key)).ok());  // wrong kind
}

TEST(FleetWire, PlanChunksReassembleAndClip) {
  SigningKey key = NewKey();
  Plan plan;
  plan.probe_id = "p1";
  plan.version = 5;
  plan.round_id = 2;
  plan.standard_ports = {22, 80};
  for (Ipv4 a = 0; a < 3000; a += 2) plan.sweep.push_back({0x7F100000 + a, 0x7F100000 + a});
  plan.profiles.push_back({{22, 80}, {}});
  plan.profiles.push_back({{443}, {}});
  for (Ipv4 a = 1; a < 2000; a += 2) plan.profiles[1].hosts.push_back(0x7F100000 + a);
  plan.rate = 100;
  auto chunks = EncodePlan(plan, key, 4096);
  ASSERT_TRUE(chunks.ok()) << chunks.error();
  ASSERT_GT(chunks->size(), 3u);
  PlanAssembler assembler;
  std::optional<Plan> whole;
  for (size_t i = chunks->size(); i-- > 0;) {  // any order
    auto c = DecodePlanChunk((*chunks)[i], PublicOf(key));
    ASSERT_TRUE(c.ok()) << c.error();
    EXPECT_FALSE(whole.has_value());
    whole = assembler.Add(std::move(*c));
  }
  ASSERT_TRUE(whole.has_value());
  EXPECT_EQ(whole->sweep.size(), plan.sweep.size());
  EXPECT_EQ(whole->profiles[1].hosts, plan.profiles[1].hosts);

  EXPECT_EQ(CheckPlan(*whole, "p1", 4).verdict, PlanVerdict::kNew);
  EXPECT_EQ(CheckPlan(*whole, "p1", 5).verdict, PlanVerdict::kCurrent);
  EXPECT_EQ(CheckPlan(*whole, "p1", 6).verdict, PlanVerdict::kRefused);
  EXPECT_EQ(CheckPlan(*whole, "p2", 0).verdict, PlanVerdict::kRefused);

  // Only the first 100 addresses are in the local scope.
  const RangeSet allowed(std::vector<Ipv4Range>{{0x7F100000, 0x7F100000 + 99}});
  ClippedPlan clipped = ClipPlan(*whole, allowed);
  for (uint64_t i = 0; i < clipped.space.Size(); ++i)
    EXPECT_TRUE(allowed.Contains(clipped.space.At(i).ip));
  EXPECT_EQ(clipped.space.Size(), 50u * 2 + 50u * 1);
}

TEST(FleetWire, PlanSignedByAnotherKeyIsRefused) {
  SigningKey key = NewKey(), other = NewKey();
  Plan plan;
  plan.probe_id = "p1";
  plan.version = 1;
  plan.standard_ports = {80};
  plan.profiles.push_back({{80}, {1, 2, 3}});
  auto chunks = EncodePlan(plan, other, 65536);
  ASSERT_TRUE(chunks.ok());
  EXPECT_FALSE(DecodePlanChunk(chunks->front(), PublicOf(key)).ok());
}

}  // namespace
}  // namespace narrowscan::fleetwire
