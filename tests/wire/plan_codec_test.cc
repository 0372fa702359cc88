#include "common/wire/plan_codec.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "common/wire/envelope.h"
#include "schemas/plan_generated.h"
#include "tests/wire/test_keys.h"

namespace narrowscan::wire {
namespace {

using ::testing::HasSubstr;

Plan SmallPlan() {
  Plan p;
  p.probe_id = "osaka-2";
  p.version = 5;
  p.round_id = 11;
  p.scope = {{0x7f000000, 0x7f0000ff}, {0x7f000200, 0x7f0002ff}};
  p.default_profile = 0;
  p.profiles = {
      {{22, 23, 80, 443, 8080}, {}}, {{80, 443}, {0x7f000005, 0x7f000009}}, {{554}, {0x7f000007}}};
  p.standard_ports = {22, 23, 80, 443, 8080};
  p.rate = 250.5;
  p.per24_rate = 10;
  return p;
}

// A plan large enough to need many chunks: 3000 scope ranges, 30k hosts in 4 profiles.
Plan LargePlan() {
  Plan p = SmallPlan();
  p.scope.clear();
  for (uint32_t i = 0; i < 3000; ++i)
    p.scope.push_back({0x0b000000 + i * 16, 0x0b000000 + i * 16 + 7});
  p.profiles.resize(4);
  p.profiles[3].ports = {81, 8443};
  for (auto& prof : p.profiles) prof.hosts.clear();
  for (uint32_t i = 0; i < 30000; ++i) p.profiles[1 + i % 3].hosts.push_back(0x0c000000 + i * 3);
  return p;
}

std::vector<PlanChunk> DecodeAll(const std::vector<Bytes>& chunks) {
  std::vector<PlanChunk> out;
  for (const Bytes& c : chunks) {
    auto d = DecodePlanChunk(c, ControllerPublic());
    EXPECT_TRUE(d.ok()) << d.error();
    if (d.ok()) out.push_back(std::move(d).value());
  }
  return out;
}

TEST(PlanCodec, SmallPlanIsOneChunkAndRoundTrips) {
  auto chunks = EncodePlan(SmallPlan(), ControllerKey(), 64 << 10);
  ASSERT_TRUE(chunks.ok()) << chunks.error();
  ASSERT_EQ(chunks->size(), 1u);
  auto decoded = DecodeAll(*chunks);
  ASSERT_EQ(decoded.size(), 1u);
  EXPECT_EQ(decoded[0].index, 0u);
  EXPECT_EQ(decoded[0].count, 1u);
  EXPECT_EQ(decoded[0].part, SmallPlan());
  PlanAssembler assembler("osaka-2", 4);
  auto whole = assembler.Add(decoded[0]);
  ASSERT_TRUE(whole.ok()) << whole.error();
  ASSERT_TRUE(whole->has_value());
  EXPECT_EQ(**whole, SmallPlan());
  EXPECT_EQ(assembler.version_in_force(), 5u);
}

TEST(PlanCodec, CompactEncodingCostsAboutFourBytesAHost) {
  Plan p = LargePlan();
  auto chunks = EncodePlan(p, ControllerKey(), 16u << 20).value();
  ASSERT_EQ(chunks.size(), 1u);
  // 30k hosts * 4 + 3000 ranges * 8 = 144000 bytes of data; the rest is small.
  EXPECT_LT(chunks[0].size(), 144000u + 2000u);
}

TEST(PlanCodec, LargePlanSplitsWithinLimitAndReassemblesInAnyOrder) {
  const Plan plan = LargePlan();
  for (size_t limit : {size_t{1000}, size_t{4096}, size_t{50000}}) {
    auto chunks = EncodePlan(plan, ControllerKey(), limit);
    ASSERT_TRUE(chunks.ok()) << chunks.error();
    EXPECT_GT(chunks->size(), 1u);
    size_t total = 0;
    for (const Bytes& c : *chunks) {
      EXPECT_LE(c.size(), limit);
      total += c.size();
    }
    // Chunks are well filled: no more than twice the bytes of the minimal count.
    EXPECT_LT(chunks->size(), 2 * (total / limit + 1)) << limit;
    auto decoded = DecodeAll(*chunks);
    ASSERT_EQ(decoded.size(), chunks->size());
    std::mt19937 rng(static_cast<uint32_t>(limit));
    std::shuffle(decoded.begin(), decoded.end(), rng);
    PlanAssembler assembler("osaka-2", 0);
    std::optional<Plan> whole;
    for (size_t i = 0; i < decoded.size(); ++i) {
      EXPECT_EQ(assembler.missing(), i == 0 ? 0 : decoded.size() - i);
      auto r = assembler.Add(decoded[i]);
      ASSERT_TRUE(r.ok()) << r.error();
      EXPECT_EQ(r->has_value(), i + 1 == decoded.size());
      if (r->has_value()) whole = std::move(**r);
    }
    ASSERT_TRUE(whole.has_value());
    EXPECT_EQ(*whole, plan);
  }
}

TEST(PlanCodec, RefusesTooSmallLimitAndInvalidPlans) {
  EXPECT_THAT(ErrorOf(EncodePlan(LargePlan(), ControllerKey(), 200)), HasSubstr("cannot hold"));
  EXPECT_FALSE(EncodePlan(LargePlan(), ControllerKey(), 100).ok());
  struct Case {
    const char* want;
    void (*mutate)(Plan&);
  };
  const Case cases[] = {
      {"profile 1 hosts is not sorted",
       [](Plan& p) { std::swap(p.profiles[1].hosts[0], p.profiles[1].hosts[1]); }},
      {"in two profiles", [](Plan& p) { p.profiles[2].hosts = {0x7f000005}; }},
      {"profile 0 ports holds port 0",
       [](Plan& p) { p.profiles[0].ports.insert(p.profiles[0].ports.begin(), 0); }},
      {"profile 2 ports is empty", [](Plan& p) { p.profiles[2].ports.clear(); }},
      {"default profile 3 does not exist", [](Plan& p) { p.default_profile = 3; }},
      {"scope is not sorted", [](Plan& p) { std::swap(p.scope[0], p.scope[1]); }},
      {"scope is not sorted", [](Plan& p) { p.scope[1].first = p.scope[0].last; }},
      {"first 127.0.0.255 above last",
       [](Plan& p) {
         p.scope[0].first = 0x7f0000ff;
         p.scope[0].last = 0x7f000000;
       }},
      {"rate 0", [](Plan& p) { p.rate = 0; }},
      {"rate nan", [](Plan& p) { p.rate = std::nan(""); }},
      {"per-/24 rate -1", [](Plan& p) { p.per24_rate = -1; }},
      {"standard ports is not sorted",
       [](Plan& p) {
         p.standard_ports = {80, 22};
       }},
      {"probe id", [](Plan& p) { p.probe_id = "a b"; }},
  };
  for (const Case& c : cases) {
    Plan p = SmallPlan();
    c.mutate(p);
    EXPECT_THAT(ErrorOf(EncodePlan(p, ControllerKey(), 1 << 16)), HasSubstr(c.want)) << c.want;
    EXPECT_FALSE(ValidatePlan(p).ok());
  }
}

// Builds a plan chunk payload by hand, with values the encoder would refuse.
struct RawChunk {
  uint16_t format_version = 1;
  std::string probe_id = "osaka-2";
  uint32_t index = 0, count = 1;
  std::vector<schema::Range> scope = {schema::Range(10, 20)};
  uint32_t default_profile = 0;
  std::vector<std::vector<uint16_t>> profiles = {{80, 443}};
  std::vector<std::pair<uint32_t, std::vector<uint32_t>>> entries = {{0, {1, 2, 3}}};
  double rate = 100;
  Bytes Build() const {
    flatbuffers::FlatBufferBuilder b;
    auto scope_v = b.CreateVectorOfStructs(scope);
    std::vector<flatbuffers::Offset<schema::Profile>> ps;
    for (const auto& ports : profiles)
      ps.push_back(schema::CreateProfile(b, b.CreateVector(ports)));
    std::vector<flatbuffers::Offset<schema::ProfileHosts>> es;
    for (const auto& [profile, hosts] : entries) {
      es.push_back(schema::CreateProfileHosts(b, profile, b.CreateVector(hosts)));
    }
    auto ps_v = b.CreateVector(ps);
    auto es_v = b.CreateVector(es);
    auto id = b.CreateString(probe_id);
    schema::PlanChunkBuilder out(b);
    out.add_format_version(format_version);
    out.add_probe_id(id);
    out.add_version(9);
    out.add_chunk_index(index);
    out.add_chunk_count(count);
    out.add_scope(scope_v);
    out.add_default_profile(default_profile);
    out.add_profiles(ps_v);
    out.add_entries(es_v);
    out.add_rate(rate);
    schema::FinishPlanChunkBuffer(b, out.Finish());
    return Bytes(b.GetBufferPointer(), b.GetBufferPointer() + b.GetSize());
  }
};

TEST(PlanCodec, DecoderRefusesOutOfRangeValues) {
  ASSERT_TRUE(DecodePlanChunkPayload(RawChunk{}.Build()).ok());
  struct Case {
    const char* want;
    RawChunk chunk;
  };
  std::vector<Case> cases;
  RawChunk c;
  c.index = 3, c.count = 3;
  cases.push_back({"chunk_index 3 >= chunk_count 3", c});
  c = {};
  c.count = 0;
  cases.push_back({"chunk_count 0", c});
  c = {};
  c.format_version = 7;
  cases.push_back({"format version 7", c});
  c = {};
  c.entries = {{0, {1, 3, 2}}};
  cases.push_back({"hosts is not sorted", c});
  c = {};
  c.entries = {{1, {1}}};
  cases.push_back({"entry for profile 1, but there are 1 profiles", c});
  c = {};
  c.entries = {{0, {1}}, {0, {2}}};
  cases.push_back({"two entries for profile 0", c});
  c = {};
  c.profiles = {{443, 80}};
  cases.push_back({"not sorted and unique", c});
  c = {};
  c.default_profile = 1;
  cases.push_back({"default profile 1 does not exist", c});
  c = {};
  c.scope = {schema::Range(20, 10)};
  cases.push_back({"above last", c});
  c = {};
  c.rate = -5;
  cases.push_back({"rate -5", c});
  c = {};
  c.probe_id = "x+y";
  cases.push_back({"probe id", c});
  for (const Case& k : cases) {
    Bytes payload = k.chunk.Build();
    EXPECT_THAT(ErrorOf(DecodePlanChunkPayload(payload)), HasSubstr(k.want)) << k.want;
    // Signed by the right key it is still refused: validity is not a matter of trust.
    auto sealed = SealEnvelope(payload, ControllerKey()).value();
    EXPECT_THAT(ErrorOf(DecodePlanChunk(sealed, ControllerPublic())), HasSubstr(k.want));
  }
}

TEST(PlanCodec, RefusesWrongKeyTruncationAndIdentifier) {
  auto chunk = EncodePlan(SmallPlan(), OtherKey(), 1 << 16).value()[0];
  EXPECT_THAT(ErrorOf(DecodePlanChunk(chunk, ControllerPublic())), HasSubstr("signature"));
  chunk = EncodePlan(SmallPlan(), ControllerKey(), 1 << 16).value()[0];
  for (size_t len = 0; len < chunk.size(); ++len) {
    ASSERT_FALSE(DecodePlanChunk(std::span(chunk.data(), len), ControllerPublic()).ok()) << len;
  }
  auto payload = EncodePlanPayloads(SmallPlan(), 1 << 16).value()[0];
  EXPECT_THAT(ErrorOf(DecodePlanChunk(payload, ControllerPublic())),
              HasSubstr("wrong file identifier 'NSPL'"));
  // Each bit of the signed payload is covered by the signature.
  for (size_t i = 0; i < chunk.size(); i += 7) {
    Bytes flipped = chunk;
    flipped[i] ^= 1;
    auto r = DecodePlanChunk(flipped, ControllerPublic());
    if (r.ok()) {
      EXPECT_EQ(r->part, SmallPlan()) << "flip at " << i << " changed the plan";
    }
  }
}

TEST(PlanAssembler, BindsProbeAndRefusesOldVersions) {
  auto chunk = DecodePlanChunk(EncodePlan(SmallPlan(), ControllerKey(), 1 << 16).value()[0],
                               ControllerPublic())
                   .value();
  PlanAssembler other("kyoto-1", 0);
  EXPECT_THAT(ErrorOf(other.Add(chunk)), HasSubstr("for probe 'osaka-2', this is probe 'kyoto-1'"));
  PlanAssembler same_version("osaka-2", 5);
  EXPECT_THAT(ErrorOf(same_version.Add(chunk)), HasSubstr("not above the version in force 5"));
  PlanAssembler fresh("osaka-2", 0);
  ASSERT_TRUE(fresh.Add(chunk).ok());
  EXPECT_FALSE(fresh.Add(chunk).ok());  // a replay of the plan in force
}

TEST(PlanAssembler, NewerVersionSupersedesPartialAndMismatchesAreRefused) {
  Plan v1 = LargePlan();
  v1.version = 10;
  Plan v2 = v1;
  v2.version = 11;
  v2.rate = 99;
  auto c1 = DecodeAll(EncodePlan(v1, ControllerKey(), 2000).value());
  auto c2 = DecodeAll(EncodePlan(v2, ControllerKey(), 2000).value());
  ASSERT_GT(c1.size(), 2u);
  PlanAssembler a("osaka-2", 0);
  ASSERT_TRUE(a.Add(c1[0]).ok());
  ASSERT_TRUE(a.Add(c1[0]).ok());  // re-delivery is harmless
  EXPECT_EQ(a.missing(), c1.size() - 1);
  // A chunk of v1 with a different fixed part is refused and changes nothing.
  PlanChunk forged = c1[1];
  forged.part.rate = 1;
  EXPECT_THAT(ErrorOf(a.Add(forged)), HasSubstr("disagrees"));
  PlanChunk miscounted = c1[1];
  miscounted.count += 1;
  EXPECT_FALSE(a.Add(miscounted).ok());
  EXPECT_EQ(a.missing(), c1.size() - 1);
  // v2 arrives: v1's partial collection is dropped, v1 chunks are refused from then on.
  std::optional<Plan> whole;
  for (size_t i = 0; i < c2.size(); ++i) {
    auto r = a.Add(c2[i]);
    ASSERT_TRUE(r.ok()) << r.error();
    if (i == 0) {
      EXPECT_THAT(ErrorOf(a.Add(c1[2])), HasSubstr("older than version 11"));
    }
    if (r->has_value()) whole = **r;
  }
  ASSERT_TRUE(whole.has_value());
  EXPECT_EQ(*whole, v2);
  EXPECT_EQ(a.version_in_force(), 11u);
  EXPECT_EQ(a.missing(), 0u);
}

TEST(PlanAssembler, RefusesChunksWhoseUnionBreaksThePlan) {
  // Two chunks each valid alone but listing the same host under different profiles.
  Plan base = SmallPlan();
  for (auto& p : base.profiles) p.hosts.clear();
  PlanChunk a{base, 0, 2}, b{base, 1, 2};
  a.part.profiles[1].hosts = {100};
  b.part.profiles[2].hosts = {100};
  b.part.scope.clear();
  PlanAssembler asm1("osaka-2", 0);
  ASSERT_TRUE(asm1.Add(a).ok());
  EXPECT_THAT(ErrorOf(asm1.Add(b)), HasSubstr("in two profiles"));
  EXPECT_EQ(asm1.version_in_force(), 0u);
}

}  // namespace
}  // namespace narrowscan::wire
