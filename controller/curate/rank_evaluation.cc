#include "controller/curate/rank_evaluation.h"

#include <algorithm>

namespace narrowscan {

std::vector<PrecisionAtK> PrecisionAtKs(const std::vector<bool>& is_device,
                                        const std::vector<size_t>& ks) {
  std::vector<PrecisionAtK> out;
  for (size_t k : ks) {
    PrecisionAtK p;
    p.k = k;
    p.considered = std::min(k, is_device.size());
    p.devices = static_cast<size_t>(std::count(
        is_device.begin(), is_device.begin() + static_cast<std::ptrdiff_t>(p.considered), true));
    p.precision =
        p.considered ? static_cast<double>(p.devices) / static_cast<double>(p.considered) : 0;
    out.push_back(p);
  }
  return out;
}

bool MostlyDevices(size_t device_ips, size_t labelled_ips) { return 2 * device_ips > labelled_ips; }

}  // namespace narrowscan
