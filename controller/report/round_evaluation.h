// RoundEvaluation: what a fleet round bought, against a ground truth — the numbers of
// the demo's report.json. Pure: the caller gathers rows from the store.
//
//   reduction = 1 − attempts(last round) / attempts(first round)
//   coverage  = of the truth's open ports on hosts the controller has estimated, the
//               fraction the evaluated round found open (did narrowing lose ports?)
//   precision = estimated hosts whose best match is the truth's device / estimated hosts
//   recall    = those same hosts / hosts whose device the truth can identify
#ifndef NARROWSCAN_CONTROLLER_REPORT_ROUND_EVALUATION_H_
#define NARROWSCAN_CONTROLLER_REPORT_ROUND_EVALUATION_H_

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "controller/report/ground_truth.h"
#include "controller/report/sweep.h"

namespace narrowscan {

struct RoundTraffic {
  int64_t round = 0;
  int64_t attempts = 0;                               // connection attempts the probes reported
  int64_t narrowed = 0, standard = 0, discovery = 0;  // planned (ip, port) pairs by kind
  int64_t standard_equivalent = 0;  // pairs a standard-set plan would have scanned
  int64_t bytes_sent = 0;
};

struct HostEstimate {
  DeviceIdentity device;
  int level = 0;
};

struct RoundEvaluationInput {
  std::vector<RoundTraffic> rounds;                                // ascending by round
  std::unordered_map<std::string, HostEstimate> estimates;         // ip → best match
  std::unordered_map<std::string, std::set<uint16_t>> found_open;  // ip → evaluated round
  const GroundTruth* truth = nullptr;
};

struct RoundEvaluation {
  std::vector<RoundTraffic> rounds;
  double reduction = 0;
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
