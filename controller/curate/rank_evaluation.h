// How well an order of clusters puts devices first: precision of the top k against
// a ground truth (the testbed's, where every host is labelled device or noise). Pure.
#ifndef NARROWSCAN_CONTROLLER_CURATE_RANK_EVALUATION_H_
#define NARROWSCAN_CONTROLLER_CURATE_RANK_EVALUATION_H_

#include <cstddef>
#include <vector>

namespace narrowscan {

struct PrecisionAtK {
  size_t k = 0;           // requested k
  size_t considered = 0;  // min(k, clusters)
  size_t devices = 0;     // device clusters among the first `considered`
  double precision = 0;   // devices / considered (0 when nothing is considered)
};

// `is_device` holds one flag per cluster in ranked order.
std::vector<PrecisionAtK> PrecisionAtKs(const std::vector<bool>& is_device,
                                        const std::vector<size_t>& ks);

// A cluster counts as a device cluster when more than half of its IPs are devices.
bool MostlyDevices(size_t device_ips, size_t labelled_ips);

}  // namespace narrowscan

#endif  // NARROWSCAN_CONTROLLER_CURATE_RANK_EVALUATION_H_
