#include "controller/report/round_evaluation.h"

namespace narrowscan {

RoundEvaluation EvaluateRounds(const RoundEvaluationInput& in) {
  RoundEvaluation ev;
  ev.rounds = in.rounds;
  if (in.rounds.size() >= 2 && in.rounds.front().attempts > 0)
    ev.reduction = 1.0 - static_cast<double>(in.rounds.back().attempts) /
                             static_cast<double>(in.rounds.front().attempts);

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
