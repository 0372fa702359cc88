// Sweep: how the estimation's parameters (threshold th, banner weight α) trade hosts
// estimated against false positives and false negatives (paper §5.2, Figures 3–5).
//
// The scores Sb and Sp of a host against a device do not depend on th or α, so the
// caller scores every host once (every device with Sb > 0 or Sp > 0 is a candidate)
// and the sweep only recombines S = α·Sb + (1 − α)·Sp per grid cell: no regex runs
// per cell. Pure: no I/O.
//
// FP and FN as the paper defines them, against a ground truth:
//   FP: a host that cannot be identified (noise: hosting, mail, bare greetings) that
//       the flow estimated as some device;          rate over non-identifiable hosts.
//   FN: a host whose device can be identified that the flow did not estimate, or
//       estimated as another device;                rate over identifiable hosts.
#ifndef NARROWSCAN_CONTROLLER_REPORT_SWEEP_H_
#define NARROWSCAN_CONTROLLER_REPORT_SWEEP_H_

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace narrowscan {

// What a device entry (or a ground-truth label) says a device is.
struct DeviceIdentity {
  std::string vendor, type, product, model;
};

// One device's scores for one host.
struct Candidate {
  double banner_score = 0;  // Sb
  double port_score = 0;    // Sp
  int level = 0;
  size_t db_order = 0;
  DeviceIdentity device;
};

struct ScoredHost {
  std::string ip;
  std::vector<Candidate> candidates;
};

// nullopt label: not identifiable (noise).
struct TruthHost {
  std::optional<DeviceIdentity> label;
};

// True when `estimate` does not contradict `truth`: vendors agree where both are
// known (case and punctuation folded, one may extend the other: "Hikvision" vs
// "HIKVISION Digital"), models agree where both are known, and types agree where both
// are known and the estimate's type is not the generic "embedded-server".
bool SameDevice(const DeviceIdentity& estimate, const DeviceIdentity& truth);

// The best candidate at (th, α): highest S >= th, then level, then DB order.
const Candidate* BestCandidate(const std::vector<Candidate>& candidates, double threshold,
                               double alpha);

struct SweepGrid {
  double th_from = 0.5, th_to = 0.95, th_step = 0.05;
  double alpha_from = 0.0, alpha_to = 1.0, alpha_step = 0.1;
  std::vector<double> thresholds() const;
  std::vector<double> alphas() const;
};

struct SweepCell {
  double threshold = 0, alpha = 0;
  size_t hosts = 0;         // scored hosts that have a truth line
  size_t estimated = 0;     // hosts with a match (paper Fig. 3)
  size_t identifiable = 0;  // truth says a device can be told
  size_t non_identifiable = 0;
  size_t false_positives = 0;
  size_t false_negatives = 0;
  size_t correct = 0;  // estimated, identifiable and SameDevice
  double fp_rate() const {
    return non_identifiable ? double(false_positives) / non_identifiable : 0;
  }
  double fn_rate() const { return identifiable ? double(false_negatives) / identifiable : 0; }
  double precision() const { return estimated ? double(correct) / estimated : 0; }
  double recall() const { return identifiable ? double(correct) / identifiable : 0; }
};

// `truth[i]` belongs to `hosts[i]`; hosts without a truth line are passed as nullptr
// and are left out of every count.
std::vector<SweepCell> Sweep(const std::vector<ScoredHost>& hosts,
                             const std::vector<const TruthHost*>& truth, const SweepGrid& grid);

// One cell, for a report at fixed parameters.
SweepCell Evaluate(const std::vector<ScoredHost>& hosts, const std::vector<const TruthHost*>& truth,
                   double threshold, double alpha);

}  // namespace narrowscan

#endif  // NARROWSCAN_CONTROLLER_REPORT_SWEEP_H_
