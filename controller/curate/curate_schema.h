// The curate module's tables in the controller's store (module name "curate").
//
//  curate_datasets        named scan data sets
//  curate_banners         one row per banner (raw bytes; tls names) of a dataset
//  curate_open_ports      every open (ip, port) of a dataset, with or without a banner
//  curate_clusters        result of the last `curate run`: normalised banner, counts,
//                         ports, first/last seen, IoT-likelihood score
//  curate_cluster_members banner ids of each cluster
//  curate_filter_counts   banners each filter rule removed in the last run
//  curate_runs            the last run's totals per dataset
//  curate_decisions       review decisions (promote/skip) with who, when, why. Keyed by
//                         the cluster key, a hash of the normalised banner, so they
//                         survive re-runs: a re-run yields the same keys.
#ifndef NARROWSCAN_CONTROLLER_CURATE_CURATE_SCHEMA_H_
#define NARROWSCAN_CONTROLLER_CURATE_CURATE_SCHEMA_H_

#include "common/result.h"
#include "controller/store/store.h"

namespace narrowscan {

Status MigrateCurateSchema(Store& store);

}  // namespace narrowscan

#endif  // NARROWSCAN_CONTROLLER_CURATE_CURATE_SCHEMA_H_
