#include "controller/curate/iot_likelihood.h"

#include <cmath>

namespace narrowscan {

namespace {

// P(feature | device), P(feature | other server): beliefs from the paper's review
// experience (embedded servers, realms and device words mark devices; generic
// software and hosting words mark servers). Indexed by IotFeature.
constexpr double kPriorDevice[kFeatureCount] = {0.55, 0.35, 0.45, 0.40, 0.25, 0.30,
                                                0.45, 0.25, 0.08, 0.30, 0.05, 0.15};
constexpr double kPriorOther[kFeatureCount] = {0.05, 0.08, 0.10, 0.08, 0.05, 0.08,
                                               0.70, 0.05, 0.60, 0.10, 0.35, 0.02};

}  // namespace

IotLikelihood::IotLikelihood() {
  for (int f = 0; f < kFeatureCount; ++f) {
    present_[1][f] = kPriorDevice[f] * kPriorWeight;
    present_[0][f] = kPriorOther[f] * kPriorWeight;
  }
  // Equal class priors: the review order should not depend on how many servers a
  // dataset holds.
  total_ = {kPriorWeight, kPriorWeight};
}

void IotLikelihood::Learn(IotFeatureSet features, bool is_device) {
  int c = is_device ? 1 : 0;
  for (int f = 0; f < kFeatureCount; ++f)
    if (features >> f & 1) present_[c][f] += 1;
  total_[c] += 1;
  ++decisions_;
}

double IotLikelihood::Score(IotFeatureSet features) const {
  double log_odds = 0;
  for (int f = 0; f < kFeatureCount; ++f) {
    // Laplace smoothing keeps every probability inside (0, 1).
    double p1 = (present_[1][f] + 1) / (total_[1] + 2);
    double p0 = (present_[0][f] + 1) / (total_[0] + 2);
    if (features >> f & 1) {
      log_odds += std::log(p1) - std::log(p0);
    } else {
      log_odds += std::log1p(-p1) - std::log1p(-p0);
    }
  }
  return 1.0 / (1.0 + std::exp(-log_odds));
}

}  // namespace narrowscan
