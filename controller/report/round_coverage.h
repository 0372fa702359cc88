// RoundCoverage: of the open services the ground truth had while a round ran, how many
// the round found open (design §4 "Round metrics"). Pure: the caller loads the truths
// and reads the round's results and the estimates.
//
//   coverage_all = truth services found open / truth services, over every truth host
//                  (estimated or not, IoT or noise, new or old). A service is an open
//                  (ip, port) of the truth on a port of the round's standard set: no
//                  plan scans other ports, so those are counted apart
//                  (outside_standard_set) instead of as misses; narrowed plans do
//                  scan estimated devices' other ports, so how many of those the round
//                  found is reported too (outside_standard_set_found).
//   split by     : estimated / not estimated (the ip has an estimate), IoT / noise (the
//                  truth's `noise`), moved / appeared since the previous round's truth:
//                  moved = its host_id was at another ip before; appeared = its host_id
//                  was not in the previous truth (a line without host_id: its ip was
//                  not). Hosts that stayed are in neither. Without a previous truth
//                  moved and appeared are not measured (has_previous false).
#ifndef NARROWSCAN_CONTROLLER_REPORT_ROUND_COVERAGE_H_
#define NARROWSCAN_CONTROLLER_REPORT_ROUND_COVERAGE_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "controller/report/ground_truth.h"

namespace narrowscan {

struct CoverageCount {
  size_t found = 0, truth = 0;
  // found / truth; nullopt when the truth has no such service.
  std::optional<double> ratio() const;
};

struct RoundCoverageInput {
  const GroundTruth* truth = nullptr;     // in force during the round; required
  const GroundTruth* previous = nullptr;  // in force during the round before; optional
  std::vector<uint16_t> standard_ports;   // sorted
  std::unordered_map<std::string, std::set<uint16_t>> found_open;  // ip → ports the round found
  std::set<std::string> estimated;                                 // ips with an estimate
};

struct RoundCoverage {
  CoverageCount all;
  CoverageCount estimated, not_estimated, iot, noise, moved, appeared;
  bool has_previous = false;
  size_t outside_standard_set = 0;        // truth services on ports outside the standard set
  size_t outside_standard_set_found = 0;  // of those, found open by the round
};

RoundCoverage MeasureRoundCoverage(const RoundCoverageInput& input);

}  // namespace narrowscan

#endif  // NARROWSCAN_CONTROLLER_REPORT_ROUND_COVERAGE_H_
