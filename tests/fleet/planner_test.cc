// The planner is pure: these tests pin design §4 on small inputs.
#include "controller/fleet/planner.h"

#include <gtest/gtest.h>

#include <set>

namespace narrowscan::fleet {
namespace {

RangeSet Ranges(std::vector<Ipv4Range> r) { return RangeSet(std::move(r)); }

TEST(SliceOf, PartsAreDisjointAndCoverTheSet) {
  const RangeSet set = Ranges({{100, 109}, {200, 200}, {300, 320}});
  for (uint32_t k : {1u, 2u, 3u, 7u, 32u, 40u}) {
    std::set<Ipv4> seen;
    uint64_t total = 0;
    for (uint32_t j = 0; j < k; ++j) {
      const RangeSet part = SliceOf(set, j, k);
      total += part.Size();
      for (const Ipv4Range& r : part.ranges())
        for (uint64_t a = r.first; a <= r.last; ++a) {
          EXPECT_TRUE(set.Contains(static_cast<Ipv4>(a)));
          EXPECT_TRUE(seen.insert(static_cast<Ipv4>(a)).second) << "k=" << k;
        }
    }
    EXPECT_EQ(total, set.Size()) << "k=" << k;
  }
}

TEST(MakeProbePlan, FirstRoundSweepsEverythingWithTheStandardSet) {
  PlannerConfig c{{22, 80, 443}, 4};
  const RangeSet scope = Ranges({{1000, 1255}});
  const ProbePlan p = MakeProbePlan(c, scope, {}, 1, /*first_round=*/true);
  EXPECT_EQ(p.sweep, scope);
  EXPECT_EQ(p.planned_discovery, 256u * 3);
  EXPECT_EQ(p.planned_narrowed + p.planned_standard, 0u);
  EXPECT_EQ(p.standard_equivalent, 256u * 3);
}

TEST(MakeProbePlan, EstimatedHostsGetTheirPortsUnknownAndDeviatedTheStandardSet) {
  PlannerConfig c{{22, 80, 443, 8080}, 4};
  const RangeSet scope = Ranges({{1000, 1099}});
  std::vector<KnownHost> hosts = {
      {1001, {80, 443}, false},  // estimated: narrowed
      {1002, {}, false},         // answered, not estimated: standard
      {1003, {80}, true},        // deviated: standard
      {1004, {80, 443}, false},  // same profile as 1001
      {5000, {80}, false},       // outside the scope: ignored
  };
  const ProbePlan p = MakeProbePlan(c, scope, hosts, 2, /*first_round=*/false);
  ASSERT_EQ(p.profiles.size(), 2u);
  EXPECT_EQ(p.profiles[0], c.standard_ports);
  EXPECT_EQ(p.hosts_by_profile[0], (std::vector<Ipv4>{1002, 1003}));
  EXPECT_EQ(p.profiles[1], (std::vector<uint16_t>{80, 443}));
  EXPECT_EQ(p.hosts_by_profile[1], (std::vector<Ipv4>{1001, 1004}));
  EXPECT_EQ(p.planned_narrowed, 4u);
  EXPECT_EQ(p.planned_standard, 8u);
  // Silent space: 96 addresses, slice 2 of 4 = 24 of them; no known host in the sweep.
  EXPECT_EQ(p.sweep.Size(), 24u);
  for (Ipv4 h : {1001u, 1002u, 1003u, 1004u}) EXPECT_FALSE(p.sweep.Contains(h));
  EXPECT_EQ(p.planned_discovery, 24u * 4);
  EXPECT_EQ(p.standard_equivalent, 100u * 4);
}

TEST(MakeProbePlan, EverySilentAddressIsCoveredEveryKRounds) {
  PlannerConfig c{{80}, 5};
  const RangeSet scope = Ranges({{0, 999}});
  std::vector<KnownHost> hosts = {{10, {80}, false}, {500, {}, false}};
  std::set<Ipv4> covered;
  for (uint64_t round = 7; round < 12; ++round) {
    const ProbePlan p = MakeProbePlan(c, scope, hosts, round, false);
    for (const Ipv4Range& r : p.sweep.ranges())
      for (uint64_t a = r.first; a <= r.last; ++a) covered.insert(static_cast<Ipv4>(a));
  }
  EXPECT_EQ(covered.size(), 998u);
}

TEST(Deviates, ComparesOnlyPortsScannedNow) {
  Observation before{{22, 80, 443}, {"cam"}};
  // Narrowed to 80,443: 22 was not scanned, so not seeing it is no deviation.
  EXPECT_FALSE(Deviates(before, {{80, 443}, {"cam"}}, {80, 443}, 0.5));
  EXPECT_TRUE(
      Deviates(before, {{80, 443, 8080, 9000, 9001}, {"cam"}}, {80, 443, 8080, 9000, 9001}, 0.5));
  EXPECT_TRUE(Deviates(before, {{80, 443}, {"router"}}, {80, 443}, 0.5));
  EXPECT_TRUE(Deviates(before, {{}, {}}, {80, 443}, 0.5));  // went silent
  EXPECT_DOUBLE_EQ(JaccardDistance(std::vector<uint16_t>{1, 2}, std::vector<uint16_t>{2, 3}),
                   2.0 / 3);
}

}  // namespace
}  // namespace narrowscan::fleet
