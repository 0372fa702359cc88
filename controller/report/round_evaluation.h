// RoundEvaluation: what the fleet's rounds bought, against ground truths — the numbers
// of the demo's report.json and report.html. Pure: the caller gathers rows from the
// store and loads the truths.
//
// Per round (design §4 "Round metrics", one definition with `narrowscan report`):
//   metrics   = ComputeRoundMetrics (round_metrics.h): reduction, responsive_reduction,
//               wire_bytes
//   coverage  = MeasureRoundCoverage (round_coverage.h), for rounds with a truth
// Over the rounds after the first (the first sweeps everything with the standard set):
//   after_first      = AggregateRounds of rounds 2..last (sum/sum); reduction is the
//                      report's top-level `reduction`
//   coverage_all_min = the lowest coverage_all of those rounds that have a truth
// The paper's figures, on the evaluated round and its truth:
//   coverage  = of the truth's open ports on hosts the controller has estimated, the
//               fraction the evaluated round found open (did narrowing lose ports?)
//   precision = estimated hosts whose best match is the truth's device / estimated hosts
//   recall    = those same hosts / hosts whose device the truth can identify
#ifndef NARROWSCAN_CONTROLLER_REPORT_ROUND_EVALUATION_H_
#define NARROWSCAN_CONTROLLER_REPORT_ROUND_EVALUATION_H_

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "controller/fleet/round_metrics.h"
#include "controller/report/ground_truth.h"
#include "controller/report/round_coverage.h"
#include "controller/report/sweep.h"

namespace narrowscan {

struct HostEstimate {
  DeviceIdentity device;
  int level = 0;
};

struct RoundInput {
  int64_t round = 0;
  fleet::RoundCounters counters;  // summed over the round's probes
  // Set when a truth of the round is known: its truth, the previous round's (if known),
  // the round's standard set and what it found open.
  std::optional<RoundCoverageInput> coverage;
};

struct RoundEvaluationInput {
  std::vector<RoundInput> rounds;                                  // ascending by round
  std::unordered_map<std::string, HostEstimate> estimates;         // ip → best match
  std::unordered_map<std::string, std::set<uint16_t>> found_open;  // ip → evaluated round
  const GroundTruth* truth = nullptr;                              // of the evaluated round
};

struct RoundOutcome {
  int64_t round = 0;
  fleet::RoundCounters counters;
  fleet::RoundMetrics metrics;
  std::optional<RoundCoverage> coverage;
};

struct RoundEvaluation {
  std::vector<RoundOutcome> rounds;
  fleet::RoundMetrics after_first;
  std::optional<double> coverage_all_min;
  size_t coverage_ports = 0, covered_ports = 0;
  double coverage = 0;
  size_t estimated = 0, identifiable = 0, correct = 0, false_positives = 0;
  double precision = 0, recall = 0;
  std::map<std::string, size_t> by_type;  // estimated hosts by their match's type
  std::map<int, size_t> by_level;
};

RoundEvaluation EvaluateRounds(const RoundEvaluationInput& input);

}  // namespace narrowscan

#endif  // NARROWSCAN_CONTROLLER_REPORT_ROUND_EVALUATION_H_
