// The hosts of a dataset (open ports and banners per IP) in the form the estimator
// reads, streamed one host at a time in ascending IP order.
#ifndef NARROWSCAN_CONTROLLER_CURATE_DATASET_HOSTS_H_
#define NARROWSCAN_CONTROLLER_CURATE_DATASET_HOSTS_H_

#include <cstdint>
#include <functional>

#include "common/ipv4.h"
#include "common/result.h"
#include "controller/estimation/host.h"
#include "controller/store/store.h"

namespace narrowscan {

// `visit` returning an error stops the walk and that error is returned.
Status ForEachDatasetHost(Store& store, int64_t dataset,
                          const std::function<Status(Ipv4, const Host&)>& visit);

}  // namespace narrowscan

#endif  // NARROWSCAN_CONTROLLER_CURATE_DATASET_HOSTS_H_
