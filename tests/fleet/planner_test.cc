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
  c.refresh_slices = 0;  // no refresh turns: this test pins the estimate rule alone
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
  // Strict on ports: one port closed, or one new port, is a deviation.
  EXPECT_TRUE(Deviates(before, {{80}, {"cam"}}, {80, 443}, 0.5));
  EXPECT_TRUE(Deviates(before, {{22, 80, 443, 554}, {"cam"}}, {22, 80, 443, 554}, 0.5));
  // A port the previous scan did not look at (an entry's 37777 beyond the standard set,
  // first scanned now) is news, not a change; one it looked at and found closed is.
  Observation swept{{80}, {"dvr"}, "", {22, 80, 443, 554}};
  EXPECT_FALSE(Deviates(swept, {{80, 37777}, {"dvr"}}, {80, 37777}, 0.5));
  EXPECT_TRUE(Deviates(swept, {{80, 554}, {"dvr"}}, {80, 554}, 0.5));
  // A changed banner signature is a deviation; a missing one (no banner now) is not.
  Observation with_key{{80, 443}, {"cam"}, "banner:1"};
  EXPECT_TRUE(Deviates(with_key, {{80, 443}, {"cam"}, "banner:2"}, {80, 443}, 0.5));
  EXPECT_FALSE(Deviates(with_key, {{80, 443}, {"cam"}, "banner:1"}, {80, 443}, 0.5));
  EXPECT_FALSE(Deviates(with_key, {{80, 443}, {"cam"}, ""}, {80, 443}, 0.5));
  EXPECT_DOUBLE_EQ(JaccardDistance(std::vector<uint16_t>{1, 2}, std::vector<uint16_t>{2, 3}),
                   2.0 / 3);
}

KnownHost Learned(Ipv4 ip, std::vector<uint16_t> open, std::vector<uint16_t> learned) {
  KnownHost h;
  h.ip = ip;
  h.open_ports = std::move(open);
  h.learned_ports = std::move(learned);
  h.has_profile = true;
  h.fully_observed = true;
  h.first_round = h.last_round = h.full_round = 1;
  return h;
}

TEST(PlanHost, ProfileNarrowsToLearnedAndOwnPortsWithinTheStandardSet) {
  PlannerConfig c{{22, 80, 443, 554, 8080}, 4};
  c.refresh_slices = 0;
  // Learned 80,554 (and 9999, outside the standard set); own 8080.
  HostPlan p = PlanHost(c, Learned(7, {8080}, {80, 554, 9999}), 2);
  EXPECT_EQ(p.kind, HostPlanKind::kNarrowed);
  EXPECT_EQ(p.ports, (std::vector<uint16_t>{80, 554, 8080}));

  // Estimated: the entries' ports (the paper's rule, even beyond the standard set)
  // united with the profile's and its own.
  KnownHost est = Learned(7, {80}, {443});
  est.estimated_ports = {554, 37777};
  EXPECT_EQ(PlanHost(c, est, 2).ports, (std::vector<uint16_t>{80, 443, 554, 37777}));

  // Without a supported profile and without an estimate: the standard set.
  KnownHost bare = Learned(7, {80}, {});
  bare.has_profile = false;
  EXPECT_EQ(PlanHost(c, bare, 2).kind, HostPlanKind::kStandard);
  EXPECT_EQ(PlanHost(c, bare, 2).ports, c.standard_ports);
  // A profile does not narrow a host never seen in a full scan (found by a liveness
  // probe); an estimate does.
  KnownHost partial = Learned(7, {80}, {80, 554});
  partial.fully_observed = false;
  EXPECT_EQ(PlanHost(c, partial, 2).kind, HostPlanKind::kStandard);
  partial.estimated_ports = {80, 554};
  EXPECT_EQ(PlanHost(c, partial, 2).kind, HostPlanKind::kNarrowed);
  // Deviated: the standard set.
  KnownHost dev = Learned(7, {80}, {80});
  dev.deviated = true;
  EXPECT_EQ(PlanHost(c, dev, 2).kind, HostPlanKind::kStandard);
}

TEST(PlanHost, SilentHostsAreRecheckedOnTheirOwnPortsThenDropped) {
  PlannerConfig c{{22, 80, 443}, 4};
  c.silent_rechecks = 2;
  KnownHost h = Learned(9, {80, 443}, {22, 80, 443});
  h.silent_streak = 1;
  EXPECT_EQ(PlanHost(c, h, 3).kind, HostPlanKind::kRecheck);
  EXPECT_EQ(PlanHost(c, h, 3).ports, (std::vector<uint16_t>{80, 443}));
  h.silent_streak = 2;
  EXPECT_EQ(PlanHost(c, h, 4).ports, (std::vector<uint16_t>{80, 443}));
  h.silent_streak = 3;
  EXPECT_TRUE(PlanHost(c, h, 5).ports.empty());  // back to the silent space
}

TEST(PlanHost, NoFullObservationIsOlderThanMRoundsAndTurnsSpreadTheLoad) {
  PlannerConfig c{{22, 80, 443, 554}, 4};
  c.refresh_slices = 5;
  std::vector<int> per_round(41, 0);
  for (Ipv4 ip = 100; ip < 164; ++ip) {
    KnownHost h = Learned(ip, {80}, {80});
    h.full_round = 1;  // everything was swept in round 1
    int refreshes = 0;
    for (uint64_t round = 2; round <= 40; ++round) {
      HostPlan p = PlanHost(c, h, round);
      if (p.kind == HostPlanKind::kRefresh) {
        EXPECT_EQ(p.ports, c.standard_ports);
        EXPECT_GE(static_cast<int64_t>(round) - h.full_round, 2) << "ip " << ip;
        EXPECT_LE(static_cast<int64_t>(round) - h.full_round, 5) << "ip " << ip;
        h.full_round = static_cast<int64_t>(round);
        ++refreshes;
        ++per_round[round];
      } else {
        EXPECT_EQ(p.ports, (std::vector<uint16_t>{80}));
        EXPECT_LT(static_cast<int64_t>(round) - h.full_round, 5) << "ip " << ip;
      }
    }
    EXPECT_GE(refreshes, 39 / 5) << "ip " << ip;
    EXPECT_LE(refreshes, 39 / 2) << "ip " << ip;
  }
  // Round 2 follows the full sweep: nobody is refreshed; later no round takes them all.
  EXPECT_EQ(per_round[2], 0);
  for (int r = 10; r <= 40; ++r) EXPECT_LT(per_round[r], 64) << "round " << r;
}

TEST(MakeProbePlan, WatchedSilentAddressesGetLivenessProbesOutsideTheSweep) {
  PlannerConfig c{{22, 80, 443, 554}, 4};
  c.refresh_slices = 0;
  c.watch_rounds = 3;
  // Two /24s with a host each: 10.0.1.x (0x0A000100) stable, 10.0.2.x one appeared in
  // round 5. A third /24 with no host.
  const RangeSet scope = Ranges({{0x0A000100, 0x0A0003FF}});
  KnownHost stable = Learned(0x0A000105, {80}, {80});
  KnownHost fresh = Learned(0x0A000205, {80}, {80});
  fresh.first_round = fresh.last_round = 5;
  std::vector<KnownHost> hosts = {stable, fresh};
  DiscoveryHints hints;
  hints.liveness_ports = {80, 443, 22};  // greedy order
  hints.bootstrap_ports = 1;
  hints.probe_first_round = 1;

  // Churn measured (>= 2 completed rounds): only the /24 with evidence is watched, on
  // all liveness ports.
  hints.completed_rounds = 5;
  ProbePlan p = MakeProbePlan(c, scope, hosts, 6, false, hints);
  EXPECT_EQ(p.watched_blocks, 1u);
  ASSERT_EQ(p.liveness_port_sets.size(), 2u);
  const std::vector<uint16_t> full = {22, 80, 443};
  size_t listed_full = 0;
  for (size_t i = 0; i < p.profiles.size(); ++i) {
    if (p.profiles[i] != full) continue;
    for (Ipv4 ip : p.hosts_by_profile[i]) {
      EXPECT_EQ(ip >> 8, 0x0A0002u);
      EXPECT_FALSE(p.sweep.Contains(ip));
      EXPECT_NE(ip, fresh.ip);
    }
    listed_full = p.hosts_by_profile[i].size();
  }
  // 255 silent addresses of the /24 less those in this round's sweep slice.
  const uint64_t swept = p.sweep.Intersection(Ranges({{0x0A000200, 0x0A0002FF}})).Size();
  EXPECT_EQ(listed_full, 255u - swept);
  EXPECT_EQ(p.planned_liveness, listed_full * 3);
  EXPECT_EQ(p.planned_discovery, p.sweep.Size() * 4 + p.planned_liveness);

  // Not yet measured: every populated /24 is watched; the one without evidence on the
  // bootstrap port only.
  hints.completed_rounds = 1;
  p = MakeProbePlan(c, scope, hosts, 6, false, hints);
  EXPECT_EQ(p.watched_blocks, 2u);
  bool boot_seen = false;
  for (size_t i = 0; i < p.profiles.size(); ++i)
    if (p.profiles[i] == std::vector<uint16_t>{80})
      for (Ipv4 ip : p.hosts_by_profile[i])
        if (ip != stable.ip && ip != fresh.ip) {
          boot_seen = true;
          EXPECT_EQ(ip >> 8, 0x0A0001u);
        }
  EXPECT_TRUE(boot_seen);

  // The first round sweeps everything; nothing else is needed.
  p = MakeProbePlan(c, scope, hosts, 6, true, hints);
  EXPECT_EQ(p.planned_liveness, 0u);

  // The bound on liveness addresses holds.
  c.max_liveness_addresses = 10;
  p = MakeProbePlan(c, scope, hosts, 6, false, hints);
  EXPECT_LE(p.planned_liveness, 10u * 3);
}

TEST(MakeProbePlan, CountsResponsiveBaselineRefreshAndSavingsPerProfile) {
  PlannerConfig c{{22, 80, 443, 554}, 4};
  c.refresh_slices = 0;
  KnownHost a = Learned(1001, {80}, {80});
  a.profile = 7;
  KnownHost b = Learned(1002, {80}, {80, 554});
  b.profile = 7;
  KnownHost bare = Learned(1003, {80}, {});
  bare.has_profile = false;
  std::vector<KnownHost> hosts = {a, b, bare};
  const ProbePlan p = MakeProbePlan(c, Ranges({{1000, 1099}}), hosts, 3, false);
  EXPECT_EQ(p.responsive_equivalent, 3u * 4);
  EXPECT_EQ(p.planned_narrowed, 1u + 2u);
  EXPECT_EQ(p.planned_standard, 4u);
  ASSERT_EQ(p.savings.count(7), 1u);
  EXPECT_EQ(p.savings.at(7).hosts, 2u);
  EXPECT_EQ(p.savings.at(7).saved, 3u + 2u);
}

}  // namespace
}  // namespace narrowscan::fleet
