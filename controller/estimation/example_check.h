// Runs the examples of every entry of a DB (`narrowscan db test`).
//
// A positive example passes when its entry scores at least min(th, the entry's total
// keyword weight) for a host made of the example's one banner (and its port), and
// every expected value equals the match's value (vendor, product, model, version,
// type, level, or an extra attribute). The min() lets entries that can never reach th
// alone (e.g. nmap softmatches) still be tested: they must fire all their keywords. A
// negative example (expect_match = false) passes when the entry stays below that bar.
#ifndef NARROWSCAN_CONTROLLER_ESTIMATION_EXAMPLE_CHECK_H_
#define NARROWSCAN_CONTROLLER_ESTIMATION_EXAMPLE_CHECK_H_

#include <string>
#include <vector>

#include "controller/estimation/estimator.h"

namespace narrowscan {

struct ExampleReport {
  size_t examples = 0;
  size_t passed = 0;
  size_t entries_without_examples = 0;
  std::vector<std::string> failures;  // "FILE:LINE: device 'id': why"
};

// The host an example describes.
Host ExampleHost(const DeviceExample& example);

ExampleReport CheckExamples(const Estimator& estimator);

}  // namespace narrowscan

#endif  // NARROWSCAN_CONTROLLER_ESTIMATION_EXAMPLE_CHECK_H_
