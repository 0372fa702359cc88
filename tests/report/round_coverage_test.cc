// Ground-truth lines with host ids, coverage per round and its split, and the round
// evaluation's aggregates: pure, on small hand-made truths.
#include "controller/report/round_coverage.h"

#include <gtest/gtest.h>

#include "controller/report/ground_truth.h"
#include "controller/report/round_evaluation.h"

namespace narrowscan {
namespace {

GroundTruth Truth(const std::vector<std::string>& lines) {
  GroundTruth t;
  for (size_t i = 0; i < lines.size(); ++i) {
    Status s = t.AddLine(lines[i], "truth", i + 1);
    EXPECT_TRUE(s.ok()) << s.error();
  }
  return t;
}

TEST(GroundTruth, ReadsNoiseAndHostIdsOfEitherForm) {
  auto a = ParseTruthLine(R"({"ip":"127.0.0.1","open_ports":[80],"noise":true,"host_id":"h1"})");
  ASSERT_TRUE(a.ok()) << a.error();
  EXPECT_TRUE(a->noise);
  EXPECT_EQ(a->host_id, "h1");
  auto b = ParseTruthLine(R"({"ip":"127.0.0.2","host_id":17})");
  ASSERT_TRUE(b.ok()) << b.error();
  EXPECT_FALSE(b->noise);
  EXPECT_EQ(b->host_id, "17");
  EXPECT_NE(ParseTruthLine(R"({"ip":"127.0.0.3","host_id":[1]})").error().find("host_id"),
            std::string::npos);
  EXPECT_NE(ParseTruthLine(R"({"ip":"127.0.0.3","noise":"yes"})").error().find("noise"),
            std::string::npos);
}

TEST(GroundTruth, FindsHostsByIdAndRefusesAnIdOnTwoAddresses) {
  GroundTruth t = Truth({R"({"ip":"127.0.0.1","host_id":"h1"})"});
  ASSERT_NE(t.FindHostId("h1"), nullptr);
  EXPECT_EQ(t.FindHostId("h1")->ip, "127.0.0.1");
  EXPECT_EQ(t.FindHostId("h2"), nullptr);
  Status s = t.AddLine(R"({"ip":"127.0.0.2","host_id":"h1"})", "t.jsonl", 2);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().find("t.jsonl:2"), std::string::npos) << s.error();
  EXPECT_NE(s.error().find("127.0.0.1"), std::string::npos) << s.error();
}

// Before: h1 at .1, h2 at .2, an id-less host at .3. Now: h1 stayed (8080 is outside the
// standard set), h2 moved to .5, h3 appeared at .6 (noise), .3 stayed, .7 appeared.
class RoundCoverageTest : public ::testing::Test {
 protected:
  GroundTruth before_ = Truth({
      R"({"ip":"127.0.0.1","host_id":"h1","open_ports":[80,8080]})",
      R"({"ip":"127.0.0.2","host_id":"h2","open_ports":[22]})",
      R"({"ip":"127.0.0.3","open_ports":[443]})",
  });
  GroundTruth now_ = Truth({
      R"({"ip":"127.0.0.1","host_id":"h1","open_ports":[80,8080]})",
      R"({"ip":"127.0.0.5","host_id":"h2","open_ports":[22]})",
      R"({"ip":"127.0.0.6","host_id":"h3","open_ports":[80,443],"noise":true})",
      R"({"ip":"127.0.0.3","open_ports":[443]})",
      R"({"ip":"127.0.0.7","open_ports":[80]})",
  });
  RoundCoverageInput Input(const GroundTruth* previous) {
    RoundCoverageInput in;
    in.truth = &now_;
    in.previous = previous;
    in.standard_ports = {22, 80, 443};
    in.found_open = {{"127.0.0.1", {80, 8080}},
                     {"127.0.0.6", {80, 443}},
                     {"127.0.0.3", {443}},
                     {"127.0.0.9", {80}}};  // not in the truth: found nothing true
    in.estimated = {"127.0.0.1", "127.0.0.5"};
    return in;
  }
};

void ExpectCount(const CoverageCount& c, size_t found, size_t truth, const char* what) {
  EXPECT_EQ(c.found, found) << what;
  EXPECT_EQ(c.truth, truth) << what;
}

TEST_F(RoundCoverageTest, CountsEveryTruthServiceOnTheStandardSetAndSplitsIt) {
  const RoundCoverage c = MeasureRoundCoverage(Input(&before_));
  ExpectCount(c.all, 4, 6, "all");
  EXPECT_DOUBLE_EQ(*c.all.ratio(), 4.0 / 6.0);
  EXPECT_EQ(c.outside_standard_set, 1u);  // 127.0.0.1:8080, counted apart
  EXPECT_EQ(c.outside_standard_set_found, 1u);
  ExpectCount(c.estimated, 1, 2, "estimated");
  ExpectCount(c.not_estimated, 3, 4, "not estimated");
  ExpectCount(c.iot, 2, 4, "iot");
  ExpectCount(c.noise, 2, 2, "noise");
  EXPECT_TRUE(c.has_previous);
  ExpectCount(c.moved, 0, 1, "moved");        // h2 at .5
  ExpectCount(c.appeared, 2, 3, "appeared");  // h3 at .6 (2 ports), id-less .7
}

TEST_F(RoundCoverageTest, WithoutAPreviousTruthMovedAndAppearedAreNotMeasured) {
  const RoundCoverage c = MeasureRoundCoverage(Input(nullptr));
  ExpectCount(c.all, 4, 6, "all");
  EXPECT_FALSE(c.has_previous);
  ExpectCount(c.moved, 0, 0, "moved");
  ExpectCount(c.appeared, 0, 0, "appeared");
  EXPECT_FALSE(c.moved.ratio().has_value());
}

TEST_F(RoundCoverageTest, EvaluationAggregatesTheRoundsAfterTheFirst) {
  RoundEvaluationInput in;
  fleet::RoundCounters first, second, third;
  first.attempts = first.standard_equivalent = 1000;
  second.attempts = 50;
  second.standard_equivalent = 1000;
  second.planned_narrowed = 40;
  second.responsive_equivalent = 100;
  third.attempts = 150;
  third.standard_equivalent = 1000;
  third.planned_standard = 20;
  third.responsive_equivalent = 100;
  RoundCoverageInput full = Input(&before_);
  full.found_open["127.0.0.5"] = {22};
  full.found_open["127.0.0.7"] = {80};
  in.rounds = {{1, first, full}, {2, second, Input(&before_)}, {3, third, std::nullopt}};
  const RoundEvaluation ev = EvaluateRounds(in);
  ASSERT_EQ(ev.rounds.size(), 3u);
  EXPECT_DOUBLE_EQ(ev.rounds[0].metrics.reduction, 0.0);
  EXPECT_DOUBLE_EQ(ev.rounds[1].metrics.reduction, 0.95);
  EXPECT_DOUBLE_EQ(ev.after_first.reduction, 1.0 - 200.0 / 2000.0);
  EXPECT_DOUBLE_EQ(ev.after_first.responsive_reduction, 1.0 - 60.0 / 200.0);
  EXPECT_DOUBLE_EQ(*ev.rounds[0].coverage->all.ratio(), 1.0);
  EXPECT_FALSE(ev.rounds[2].coverage.has_value());
  // Round 1 (full coverage) is not after the first; round 3 has no truth.
  ASSERT_TRUE(ev.coverage_all_min.has_value());
  EXPECT_DOUBLE_EQ(*ev.coverage_all_min, 4.0 / 6.0);
}

}  // namespace
}  // namespace narrowscan
