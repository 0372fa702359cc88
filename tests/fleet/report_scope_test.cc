// What a probe may send (pure part): the port sets of its plan and the results budget.
#include "controller/fleet/report_scope.h"

#include <gtest/gtest.h>

namespace narrowscan::fleet {
namespace {

wire::ReportBatch BatchOn(std::vector<uint16_t> ports) {
  wire::ReportBatch b;
  b.probe_id = "p1";
  b.round_id = 3;
  b.seq = 1;
  for (uint16_t p : ports) b.results.push_back({.ip = 0x7F000001, .port = p});
  return b;
}

TEST(ReportScope, PortsComeFromEveryPortSetOfThePlan) {
  auto scope = ReportScope::FromPlanSummary(
      R"({"standard_ports":"21-23,80","liveness_ports":"8080","profiles":[{"ports":"554"},{"ports":""}]})");
  ASSERT_TRUE(scope.ok()) << scope.error();
  for (uint16_t p : {21, 22, 23, 80, 8080, 554}) EXPECT_TRUE(scope->PortAllowed(p)) << p;
  EXPECT_FALSE(scope->PortAllowed(443));
  ASSERT_TRUE(scope->AddPlanSummary(R"({"standard_ports":"443"})").ok());
  EXPECT_TRUE(scope->PortAllowed(443));
  EXPECT_FALSE(ReportScope::FromPlanSummary("{").ok());
  EXPECT_FALSE(ReportScope::FromPlanSummary(R"({"rate":1})").ok());
  EXPECT_FALSE(ReportScope::FromPlanSummary(R"({"standard_ports":"80-"})").ok());
}

TEST(ReportScope, RefusesEndedRoundsForeignPortsAndFarTooManyResults) {
  auto scope = ReportScope::FromPlanSummary(R"({"standard_ports":"80,443"})");
  ASSERT_TRUE(scope.ok());
  scope->set_planned_pairs(1000);
  EXPECT_EQ(scope->MaxResults(), 1000u + 100u + 64u);
  EXPECT_TRUE(scope->Check(BatchOn({80, 443}), false, 0).ok());
  Status ended = scope->Check(BatchOn({80}), true, 0);
  ASSERT_FALSE(ended.ok());
  EXPECT_EQ(ended.error(), "round 3 has ended (seq 1)");
  Status port = scope->Check(BatchOn({80, 6379}), false, 0);
  ASSERT_FALSE(port.ok());
  EXPECT_NE(port.error().find("127.0.0.1:6379"), std::string::npos) << port.error();
  EXPECT_TRUE(scope->Check(BatchOn({80, 80}), false, 1162).ok());  // 1164: within the margin
  Status many = scope->Check(BatchOn({80, 80, 80}), false, 1162);
  ASSERT_FALSE(many.ok());
  EXPECT_NE(many.error().find("1165 results in round 3"), std::string::npos) << many.error();
}

}  // namespace
}  // namespace narrowscan::fleet
