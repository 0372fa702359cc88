#include "controller/report/round_evaluation.h"

#include <algorithm>

namespace narrowscan {

RoundEvaluation EvaluateRounds(const RoundEvaluationInput& in) {
  RoundEvaluation ev;
  std::vector<fleet::RoundCounters> after_first;
  for (size_t i = 0; i < in.rounds.size(); ++i) {
    const RoundInput& r = in.rounds[i];
    RoundOutcome out{r.round, r.counters, fleet::ComputeRoundMetrics(r.counters), std::nullopt};
    if (r.coverage) out.coverage = MeasureRoundCoverage(*r.coverage);
    if (i > 0) {
      after_first.push_back(r.counters);
      const std::optional<double> all = out.coverage ? out.coverage->all.ratio() : std::nullopt;
      if (all) ev.coverage_all_min = std::min(ev.coverage_all_min.value_or(1.0), *all);
    }
    ev.rounds.push_back(std::move(out));
  }
  ev.after_first = fleet::AggregateRounds(after_first);

  for (const auto& [ip, est] : in.estimates) {
    ++ev.by_type[est.device.type.empty() ? "unknown" : est.device.type];
    ++ev.by_level[est.level];
  }
  if (!in.truth) return ev;

  for (const auto& [ip, rec] : in.truth->hosts()) {
    auto est = in.estimates.find(ip);
    const bool estimated = est != in.estimates.end();
    if (rec.host.label) ++ev.identifiable;
    if (!estimated) continue;
    ++ev.estimated;
    if (!rec.host.label)
      ++ev.false_positives;
    else if (SameDevice(est->second.device, *rec.host.label))
      ++ev.correct;
    auto found = in.found_open.find(ip);
    for (uint16_t port : rec.open_ports) {
      ++ev.coverage_ports;
      if (found != in.found_open.end() && found->second.count(port)) ++ev.covered_ports;
    }
  }
  ev.coverage = ev.coverage_ports ? double(ev.covered_ports) / ev.coverage_ports : 0;
  ev.precision = ev.estimated ? double(ev.correct) / ev.estimated : 0;
  ev.recall = ev.identifiable ? double(ev.correct) / ev.identifiable : 0;
  return ev;
}

}  // namespace narrowscan
