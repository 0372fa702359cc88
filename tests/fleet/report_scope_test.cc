// What a probe may send (pure part): the (ip, port) pairs its plans give it and the
// results budget.
#include "controller/fleet/report_scope.h"

#include <gtest/gtest.h>

namespace narrowscan::fleet {
namespace {

wire::ReportBatch BatchOn(std::vector<uint16_t> ports, Ipv4 ip = 0x7F000001) {
  wire::ReportBatch b;
  b.probe_id = "p1";
  b.round_id = 3;
  b.seq = 1;
  for (uint16_t p : ports) b.results.push_back({.ip = ip, .port = p});
  return b;
}

wire::Plan PlanOf(std::vector<Ipv4Range> scope, std::vector<wire::PlanProfile> profiles,
                  uint32_t default_profile = 0) {
  wire::Plan plan;
  plan.probe_id = "p1";
  plan.round_id = 3;
  plan.scope = std::move(scope);
  plan.default_profile = default_profile;
  plan.profiles = std::move(profiles);
  return plan;
}

TEST(ReportScope, ListedHostsGetTheirProfileAndTheSliceTheDefaultPorts) {
  ReportScope scope;
  EXPECT_TRUE(scope.empty());
  EXPECT_FALSE(scope.Allows(0x7F000001, 80));
  // Slices 127.0.0.0/30 and 127.0.0.8/30; 127.0.0.2 narrowed to 554, 127.0.0.20 (outside
  // the slices) listed for liveness on 8080; the default profile is the second one.
  scope.AddPlan(PlanOf({{0x7F000000, 0x7F000003}, {0x7F000008, 0x7F00000B}},
                       {{{554}, {0x7F000002}}, {{21, 80}, {}}, {{8080}, {0x7F000014}}},
                       /*default_profile=*/1));
  for (Ipv4 ip : {0x7F000000u, 0x7F000003u, 0x7F000008u, 0x7F00000Bu})
    for (uint16_t p : {21, 80}) EXPECT_TRUE(scope.Allows(ip, p)) << ip << ":" << p;
  EXPECT_FALSE(scope.Allows(0x7F000001, 554));
  EXPECT_FALSE(scope.Allows(0x7F000001, 443));
  EXPECT_TRUE(scope.Allows(0x7F000002, 554));
  EXPECT_FALSE(scope.Allows(0x7F000002, 80));  // narrowed: not the default ports
  for (Ipv4 ip : {0x7F000004u, 0x7F000007u, 0x7F00000Cu, 0x7F000013u, 0x7F000015u})
    EXPECT_FALSE(scope.Allows(ip, 80)) << ip;  // between, after the slices
  EXPECT_TRUE(scope.Allows(0x7F000014, 8080));
  EXPECT_FALSE(scope.Allows(0x7F000014, 80));
  // A second version of the round's plan widens it.
  scope.AddPlan(PlanOf({}, {{{443}, {0x7F000001}}}));
  EXPECT_TRUE(scope.Allows(0x7F000001, 443));
  EXPECT_TRUE(scope.Allows(0x7F000001, 80));
  EXPECT_FALSE(scope.empty());
}

TEST(ReportScope, RefusesEndedRoundsForeignPairsAndFarTooManyResults) {
  ReportScope scope;
  scope.AddPlan(PlanOf({{0x7F000000, 0x7F0000FF}}, {{{80, 443}, {}}}));
  EXPECT_EQ(ReportScope::MaxResults(1000), 1000u + 100u + 64u);
  EXPECT_TRUE(scope.Check(BatchOn({80, 443}), false, 0, 1000).ok());
  Status ended = scope.Check(BatchOn({80}), true, 0, 1000);
  ASSERT_FALSE(ended.ok());
  EXPECT_EQ(ended.error(), "round 3 has ended (seq 1)");
  Status port = scope.Check(BatchOn({80, 6379}), false, 0, 1000);
  ASSERT_FALSE(port.ok());
  EXPECT_NE(port.error().find("127.0.0.1:6379"), std::string::npos) << port.error();
  Status address = scope.Check(BatchOn({80}, 0x7F000100), false, 0, 1000);
  ASSERT_FALSE(address.ok());
  EXPECT_NE(address.error().find("127.0.1.0:80"), std::string::npos) << address.error();
  EXPECT_TRUE(scope.Check(BatchOn({80, 80}), false, 1162, 1000).ok());  // 1164: within the margin
  Status many = scope.Check(BatchOn({80, 80, 80}), false, 1162, 1000);
  ASSERT_FALSE(many.ok());
  EXPECT_NE(many.error().find("1165 results in round 3"), std::string::npos) << many.error();
}

}  // namespace
}  // namespace narrowscan::fleet
