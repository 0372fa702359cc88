#include "controller/report/sweep.h"

#include <cctype>
#include <cmath>

namespace narrowscan {

namespace {

// Lower-case letters and digits only, so "I-O DATA" == "iodata", "TP-Link" == "tplink".
std::string Fold(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s)
    if (std::isalnum(c)) out.push_back(static_cast<char>(std::tolower(c)));
  return out;
}

bool Extends(const std::string& a, const std::string& b) {
  return a.compare(0, b.size(), b) == 0 || b.compare(0, a.size(), a) == 0;
}

// A grid from `from` to `to` inclusive; steps are counted, not accumulated, so
// 0.5 + 9 × 0.05 lands on 0.95 and not 0.9499999.
std::vector<double> Steps(double from, double to, double step) {
  std::vector<double> out;
  if (step <= 0) return {from};
  int n = static_cast<int>(std::floor((to - from) / step + 1e-9));
  for (int i = 0; i <= n; ++i) out.push_back(std::round((from + i * step) * 1e9) / 1e9);
  return out;
}

}  // namespace

bool SameDevice(const DeviceIdentity& estimate, const DeviceIdentity& truth) {
  std::string ev = Fold(estimate.vendor), tv = Fold(truth.vendor);
  if (!ev.empty() && !tv.empty() && !Extends(ev, tv)) return false;
  std::string em = Fold(estimate.model), tm = Fold(truth.model);
  if (!em.empty() && !tm.empty() && em != tm) return false;
  if (!estimate.type.empty() && !truth.type.empty() && estimate.type != "embedded-server" &&
      estimate.type != truth.type)
    return false;
  return true;
}

const Candidate* BestCandidate(const std::vector<Candidate>& candidates, double threshold,
                               double alpha) {
  const Candidate* best = nullptr;
  double best_s = 0;
  for (const Candidate& c : candidates) {
    double s = alpha * c.banner_score + (1 - alpha) * c.port_score;
    // The estimator compares against th with the same tolerance, so weights such as
    // 0.6 + 0.2 reach th = 0.8 despite rounding.
    if (s + 1e-9 < threshold) continue;
    if (!best || s > best_s + 1e-12 ||
        (std::abs(s - best_s) <= 1e-12 &&
         (c.level > best->level || (c.level == best->level && c.db_order < best->db_order)))) {
      best = &c;
      best_s = s;
    }
  }
  return best;
}

std::vector<double> SweepGrid::thresholds() const { return Steps(th_from, th_to, th_step); }
std::vector<double> SweepGrid::alphas() const { return Steps(alpha_from, alpha_to, alpha_step); }

SweepCell Evaluate(const std::vector<ScoredHost>& hosts, const std::vector<const TruthHost*>& truth,
                   double threshold, double alpha) {
  SweepCell cell;
  cell.threshold = threshold;
  cell.alpha = alpha;
  for (size_t i = 0; i < hosts.size(); ++i) {
    const TruthHost* t = i < truth.size() ? truth[i] : nullptr;
    if (!t) continue;
    ++cell.hosts;
    const Candidate* best = BestCandidate(hosts[i].candidates, threshold, alpha);
    if (best) ++cell.estimated;
    if (!t->label) {
      ++cell.non_identifiable;
      if (best) ++cell.false_positives;
      continue;
    }
    ++cell.identifiable;
    if (best && SameDevice(best->device, *t->label))
      ++cell.correct;
    else
      ++cell.false_negatives;
  }
  return cell;
}

std::vector<SweepCell> Sweep(const std::vector<ScoredHost>& hosts,
                             const std::vector<const TruthHost*>& truth, const SweepGrid& grid) {
  std::vector<SweepCell> cells;
  for (double th : grid.thresholds())
    for (double alpha : grid.alphas()) cells.push_back(Evaluate(hosts, truth, th, alpha));
  return cells;
}

}  // namespace narrowscan
