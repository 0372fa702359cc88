// IotLikelihood: a Bernoulli naive Bayes over IotFeatures that orders clusters for
// review, most device-like first (the paper's future work on automating the filter).
//
// It starts from prior beliefs written as pseudo-counts (how often a feature appears
// on devices and on other servers, worth kPriorWeight decisions per class) and adds
// every stored review decision: promote = device, skip = not a device. So the order
// improves as reviewers work, and a fresh store still gets a sensible order. Pure.
#ifndef NARROWSCAN_CONTROLLER_CURATE_IOT_LIKELIHOOD_H_
#define NARROWSCAN_CONTROLLER_CURATE_IOT_LIKELIHOOD_H_

#include <array>

#include "controller/curate/iot_features.h"

namespace narrowscan {

class IotLikelihood {
 public:
  static constexpr double kPriorWeight = 10.0;

  IotLikelihood();  // priors only
  void Learn(IotFeatureSet features, bool is_device);
  // P(device | features) in [0, 1].
  double Score(IotFeatureSet features) const;
  int decisions() const { return decisions_; }

 private:
  // [class][feature]: weighted count of examples with the feature; class 1 = device.
  std::array<std::array<double, kFeatureCount>, 2> present_{};
  std::array<double, 2> total_{};
  int decisions_ = 0;
};

}  // namespace narrowscan

#endif  // NARROWSCAN_CONTROLLER_CURATE_IOT_LIKELIHOOD_H_
