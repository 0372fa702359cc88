#include "controller/fleet/round_metrics.h"

#include "controller/fleet/wire_bytes.h"

namespace narrowscan::fleet {

RoundCounters& RoundCounters::operator+=(const RoundCounters& o) {
  planned_narrowed += o.planned_narrowed;
  planned_standard += o.planned_standard;
  planned_discovery += o.planned_discovery;
  planned_refresh += o.planned_refresh;
  standard_equivalent += o.standard_equivalent;
  responsive_equivalent += o.responsive_equivalent;
  attempts += o.attempts;
  open += o.open;
  closed += o.closed;
  timeout += o.timeout;
  bytes_sent += o.bytes_sent;
  bytes_received += o.bytes_received;
  return *this;
}

double Reduction(int64_t cost, int64_t baseline) {
  return baseline > 0 ? 1.0 - static_cast<double>(cost) / static_cast<double>(baseline) : 0.0;
}

RoundMetrics ComputeRoundMetrics(const RoundCounters& c) {
  RoundMetrics m;
  m.reduction = Reduction(c.attempts, c.standard_equivalent);
  m.responsive_reduction =
      Reduction(c.planned_narrowed + c.planned_standard, c.responsive_equivalent);
  m.wire_bytes = EstimateWireBytes({c.open, c.closed, c.timeout, c.bytes_sent, c.bytes_received});
  return m;
}

RoundMetrics AggregateRounds(std::span<const RoundCounters> rounds) {
  RoundCounters sum;
  for (const RoundCounters& r : rounds) sum += r;
  return ComputeRoundMetrics(sum);
}

}  // namespace narrowscan::fleet
