#include "controller/report/sweep.h"

#include <gtest/gtest.h>

namespace narrowscan {
namespace {

Candidate Cand(double sb, double sp, std::string vendor, std::string type, std::string model = "",
               int level = 3, size_t order = 0) {
  Candidate c;
  c.banner_score = sb;
  c.port_score = sp;
  c.level = level;
  c.db_order = order;
  c.device = {std::move(vendor), std::move(type), "", std::move(model)};
  return c;
}

TEST(SameDevice, FoldsCaseAndPunctuationAndAllowsLongerVendorNames) {
  EXPECT_TRUE(SameDevice({"I-O DATA", "nas", "", ""}, {"IO Data", "nas", "", ""}));
  EXPECT_TRUE(SameDevice({"Hikvision", "camera", "", ""}, {"HIKVISION Digital", "camera", "", ""}));
  EXPECT_FALSE(SameDevice({"Dahua", "camera", "", ""}, {"Hikvision", "camera", "", ""}));
}

TEST(SameDevice, ModelsAndTypesMustAgreeWhereBothAreKnown) {
  EXPECT_FALSE(SameDevice({"NEC", "router", "", "WG1200HP"}, {"NEC", "router", "", "WG2600HP"}));
  EXPECT_TRUE(SameDevice({"NEC", "router", "", ""}, {"NEC", "router", "", "WG2600HP"}));
  EXPECT_FALSE(SameDevice({"", "camera", "", ""}, {"", "router", "", ""}));
  // An embedded web server says only "IoT-likely": it contradicts no type.
  EXPECT_TRUE(SameDevice({"", "embedded-server", "", ""}, {"Foo", "camera", "", ""}));
}

TEST(BestCandidate, CombinesScoresWithAlphaAndOrdersByScoreLevelThenDbOrder) {
  std::vector<Candidate> cs = {Cand(0.8, 0.0, "A", "router", "", 3, 0),
                               Cand(0.6, 1.0, "B", "camera", "", 3, 1),
                               Cand(0.8, 0.0, "C", "router", "M1", 4, 2)};
  // α = 1: A and C tie on S = 0.8; C has the higher level.
  EXPECT_EQ(BestCandidate(cs, 0.8, 1.0)->device.vendor, "C");
  // α = 0.5: B has 0.8, A and C 0.4.
  EXPECT_EQ(BestCandidate(cs, 0.8, 0.5)->device.vendor, "B");
  EXPECT_EQ(BestCandidate(cs, 0.85, 0.5), nullptr);
  // 0.6 + 0.2 in floating point is 0.7999999999999999: still reaches th = 0.8.
  std::vector<Candidate> sum = {Cand(0.6 + 0.2, 0, "D", "nas")};
  EXPECT_NE(BestCandidate(sum, 0.8, 1.0), nullptr);
}

TEST(Sweep, CountsFalsePositivesAndNegativesAsThePaperDefinesThem) {
  std::vector<ScoredHost> hosts = {
      {"127.0.0.1", {Cand(1.0, 0.5, "NEC", "router", "WG1200HP", 4)}},  // correct
      {"127.0.0.2", {Cand(0.8, 1.0, "Dahua", "camera")}},               // wrong device: FN
      {"127.0.0.3", {}},                                                // missed: FN
      {"127.0.0.4", {Cand(0.0, 1.0, "Synology", "nas")}},               // noise, port-only
      {"127.0.0.5", {}},                                                // noise, not estimated
      {"127.0.0.6", {Cand(1.0, 0.0, "X", "router")}},                   // no truth: ignored
  };
  TruthHost nec{DeviceIdentity{"NEC", "router", "", "WG1200HP"}};
  TruthHost hik{DeviceIdentity{"Hikvision", "camera", "", ""}};
  TruthHost qnap{DeviceIdentity{"QNAP", "nas", "", ""}};
  TruthHost noise{std::nullopt};
  std::vector<const TruthHost*> truth = {&nec, &hik, &qnap, &noise, &noise, nullptr};

  SweepCell at_paper = Evaluate(hosts, truth, 0.8, 1.0);
  EXPECT_EQ(at_paper.hosts, 5u);
  EXPECT_EQ(at_paper.estimated, 2u);
  EXPECT_EQ(at_paper.identifiable, 3u);
  EXPECT_EQ(at_paper.correct, 1u);
  EXPECT_EQ(at_paper.false_negatives, 2u);
  EXPECT_EQ(at_paper.false_positives, 0u);
  EXPECT_DOUBLE_EQ(at_paper.precision(), 0.5);

  // Ports dominate at α = 0: the noise host with Synology's port set is estimated.
  SweepCell ports_only = Evaluate(hosts, truth, 0.8, 0.0);
  EXPECT_EQ(ports_only.false_positives, 1u);
  EXPECT_DOUBLE_EQ(ports_only.fp_rate(), 0.5);

  SweepGrid grid;
  grid.th_from = 0.5;
  grid.th_to = 0.95;
  grid.th_step = 0.05;
  grid.alpha_from = 0;
  grid.alpha_to = 1;
  grid.alpha_step = 0.1;
  auto cells = Sweep(hosts, truth, grid);
  ASSERT_EQ(cells.size(), 10u * 11u);
  EXPECT_DOUBLE_EQ(cells.back().threshold, 0.95);
  EXPECT_DOUBLE_EQ(cells.back().alpha, 1.0);
  // Fewer hosts are estimated as th grows, at every α.
  for (size_t a = 0; a < 11; ++a)
    for (size_t t = 1; t < 10; ++t)
      EXPECT_LE(cells[t * 11 + a].estimated, cells[(t - 1) * 11 + a].estimated);
}

}  // namespace
}  // namespace narrowscan
