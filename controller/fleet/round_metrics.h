// Round metrics: what a round's traffic bought, by one definition for every output
// (`narrowscan report`, `round status`, `round start --wait`, `evaluate`'s report.json
// and report.html; design §4 "Round metrics"). Pure: the caller reads the counters
// (fleet_round_probes) and sums them per round as it needs.
//
//   reduction            = 1 − attempts / standard_equivalent
//                          (standard_equivalent: a standard-set scan of the same scope)
//   responsive_reduction = 1 − (planned_narrowed + planned_standard) / responsive_equivalent
//                          (responsive_equivalent: the standard set on every address that
//                          answered before; discovery of the silent space is left out)
//   wire_bytes           = EstimateWireBytes of the attempt outcomes (wire_bytes.h)
//
// Over a range of rounds the counters are summed first (sum/sum, not a mean of ratios).
// A ratio whose baseline is 0 is 0.
#ifndef NARROWSCAN_CONTROLLER_FLEET_ROUND_METRICS_H_
#define NARROWSCAN_CONTROLLER_FLEET_ROUND_METRICS_H_

#include <cstdint>
#include <span>

namespace narrowscan::fleet {

// A round's counters (of one probe, or summed over probes or rounds).
struct RoundCounters {
  int64_t planned_narrowed = 0, planned_standard = 0, planned_discovery = 0;
  int64_t planned_refresh = 0;  // of planned_standard
  int64_t standard_equivalent = 0, responsive_equivalent = 0;
  int64_t attempts = 0;
  int64_t open = 0, closed = 0, timeout = 0;   // attempt outcomes the probes reported
  int64_t bytes_sent = 0, bytes_received = 0;  // payload

  RoundCounters& operator+=(const RoundCounters& other);
};

struct RoundMetrics {
  double reduction = 0;
  double responsive_reduction = 0;
  int64_t wire_bytes = 0;
};

// 1 − cost / baseline; 0 when baseline <= 0.
double Reduction(int64_t cost, int64_t baseline);

RoundMetrics ComputeRoundMetrics(const RoundCounters& counters);

// The metrics of the summed counters of `rounds`.
RoundMetrics AggregateRounds(std::span<const RoundCounters> rounds);

}  // namespace narrowscan::fleet

#endif  // NARROWSCAN_CONTROLLER_FLEET_ROUND_METRICS_H_
