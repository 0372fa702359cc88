// The agent's plan checks and clipping (pure): binding and versions, the wire plan's
// meaning (scope with the default profile, listed hosts with their own profile), and
// that nothing outside the allowed set survives.
#include "probe/agent/plan_scope.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

namespace narrowscan {
namespace {

constexpr Ipv4 kBase = 0x7F100000;  // 127.16.0.0

wire::Plan SamplePlan() {
  wire::Plan plan;
  plan.probe_id = "p1";
  plan.version = 5;
  plan.round_id = 2;
  plan.scope = {{kBase, kBase + 99}};  // 100 addresses
  plan.default_profile = 0;
  plan.profiles = {{{22, 80}, {}}, {{443}, {kBase + 10, kBase + 200}}, {{80, 8080}, {kBase + 11}}};
  plan.standard_ports = {22, 80};
  plan.rate = 100;
  return plan;
}

std::map<Ipv4, std::set<uint16_t>> PortsByHost(const TargetSpace& space) {
  std::map<Ipv4, std::set<uint16_t>> out;
  for (uint64_t i = 0; i < space.Size(); ++i) {
    const Target t = space.At(i);
    EXPECT_TRUE(out[t.ip].insert(t.port).second) << FormatIpv4(t.ip) << ":" << t.port << " twice";
  }
  return out;
}

TEST(PlanScope, ChecksBindingAndVersion) {
  const wire::Plan plan = SamplePlan();
  EXPECT_EQ(CheckPlan(plan, "p1", 4).verdict, PlanVerdict::kNew);
  EXPECT_EQ(CheckPlan(plan, "p1", 5).verdict, PlanVerdict::kCurrent);
  const PlanCheck older = CheckPlan(plan, "p1", 6);
  EXPECT_EQ(older.verdict, PlanVerdict::kRefused);
  EXPECT_NE(older.reason.find("older than the accepted v6"), std::string::npos) << older.reason;
  const PlanCheck foreign = CheckPlan(plan, "p2", 0);
  EXPECT_EQ(foreign.verdict, PlanVerdict::kRefused);
  EXPECT_NE(foreign.reason.find("bound to probe 'p1'"), std::string::npos) << foreign.reason;
}

TEST(PlanScope, ListedHostsUseTheirProfileInsteadOfTheDefault) {
  const RangeSet everything(std::vector<Ipv4Range>{{0, 0xFFFFFFFF}});
  ClippedPlan clipped = ClipPlan(SamplePlan(), everything);
  EXPECT_EQ(clipped.dropped_addresses, 0u);
  const auto ports = PortsByHost(clipped.space);
  EXPECT_EQ(ports.size(), 101u);  // the scope and one listed host outside it
  EXPECT_EQ(ports.at(kBase), (std::set<uint16_t>{22, 80}));
  EXPECT_EQ(ports.at(kBase + 10), (std::set<uint16_t>{443}));  // not also 22, 80
  EXPECT_EQ(ports.at(kBase + 11), (std::set<uint16_t>{80, 8080}));
  EXPECT_EQ(ports.at(kBase + 200), (std::set<uint16_t>{443}));
  EXPECT_EQ(clipped.space.Size(), 98u * 2 + 1 + 2 + 1);
}

TEST(PlanScope, ClipsToTheAllowedSetAndCountsWhatItDrops) {
  // Only the first 50 addresses are allowed (local scope minus exclusions).
  const RangeSet allowed(std::vector<Ipv4Range>{{kBase, kBase + 49}});
  ClippedPlan clipped = ClipPlan(SamplePlan(), allowed);
  for (const auto& [ip, ports] : PortsByHost(clipped.space))
    EXPECT_TRUE(allowed.Contains(ip)) << FormatIpv4(ip);
  // Dropped: scope addresses 50..99 and the listed host .200.
  EXPECT_EQ(clipped.dropped_addresses, 50u + 1);
  EXPECT_EQ(clipped.space.Size(), 48u * 2 + 1 + 2);

  ClippedPlan none = ClipPlan(SamplePlan(), RangeSet());
  EXPECT_TRUE(none.space.Empty());
  EXPECT_EQ(none.dropped_addresses, 98u + 3);  // the default segment and every listed host
}

TEST(PlanScope, PlanWithoutScopeScansOnlyListedHosts) {
  wire::Plan plan = SamplePlan();
  plan.scope.clear();
  plan.default_profile = 7;  // unused without a scope (wire::ValidatePlan allows it)
  const RangeSet everything(std::vector<Ipv4Range>{{0, 0xFFFFFFFF}});
  ClippedPlan clipped = ClipPlan(plan, everything);
  EXPECT_EQ(PortsByHost(clipped.space).size(), 3u);
  EXPECT_EQ(clipped.space.Size(), 1u + 1 + 2);
}

}  // namespace
}  // namespace narrowscan
