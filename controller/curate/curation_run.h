// `curate run`: filter → normalise → aggregate over one dataset of the store, and
// the funnel it leaves behind (paper §4.1, Fig. 4).
//
// The filter sees each banner with the certificate names of its port: its own, or when
// it has none those another record of the same (ip, port) carries (PortCertificates).
//
// A run replaces the dataset's previous clusters, members and filter counts in one
// transaction; review decisions are stored by cluster key and are not touched, so
// they survive re-runs. Clusters get their IoT-likelihood score from a model trained
// on every stored decision.
#ifndef NARROWSCAN_CONTROLLER_CURATE_CURATION_RUN_H_
#define NARROWSCAN_CONTROLLER_CURATE_CURATION_RUN_H_

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "common/result.h"
#include "controller/curate/banner_filter.h"
#include "controller/curate/banner_normalizer.h"
#include "controller/curate/iot_likelihood.h"
#include "controller/store/store.h"

namespace narrowscan {

struct PortFunnel {
  int64_t banners = 0;
  int64_t after_filter = 0;
  int64_t clusters = 0;
};

struct Funnel {
  std::string dataset;
  int64_t banners = 0;
  int64_t after_filter = 0;
  int64_t clusters = 0;
  int64_t entries = 0;                                           // promoted clusters
  int64_t skipped = 0;                                           // clusters skipped in review
  std::vector<std::pair<std::string, int64_t>> removed_by_rule;  // in rule order
  std::map<uint16_t, PortFunnel> per_port;
  std::string rules;  // where the filter/normalisation rules came from
  int64_t ran_at = 0;
};

Result<Funnel> RunCuration(Store& store, const std::string& dataset, const BannerFilter& filter,
                           const BannerNormalizer& normalizer, const std::string& rules_source);

// The funnel of the dataset's last run (an error if it was never run).
Result<Funnel> LoadFunnel(Store& store, const std::string& dataset);

// The score model trained on every decision in the store.
Result<IotLikelihood> TrainIotLikelihood(Store& store);

}  // namespace narrowscan

#endif  // NARROWSCAN_CONTROLLER_CURATE_CURATION_RUN_H_
