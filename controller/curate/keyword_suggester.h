// KeywordSuggester: proposes keywords for a cluster — field values and tokens that
// are frequent in the cluster and rare in the dataset, such as vendor and model
// strings (paper §4.1.3: the reviewer picks distinctive strings).
//
// Document frequency is counted over the dataset's clusters (each cluster is one
// distinct normalised banner), so a string that every Apache in the dataset sends
// scores low however many banners carry it. Fields are found with the estimator's
// BannerFields, so a suggestion names the field it would be matched in. Pure.
#ifndef NARROWSCAN_CONTROLLER_CURATE_KEYWORD_SUGGESTER_H_
#define NARROWSCAN_CONTROLLER_CURATE_KEYWORD_SUGGESTER_H_

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "controller/curate/cluster_aggregator.h"

namespace narrowscan {

struct KeywordSuggestion {
  std::string field;          // device DB field name ("http.server", "raw", …)
  std::string regex;          // RE2, ready for --keyword
  std::string text;           // the string it matches
  double score = 0;           // 0..1.5, higher = more distinctive
  int64_t clusters_with = 0;  // clusters of the dataset holding it
};

class KeywordSuggester {
 public:
  void AddCluster(const NormalizedBanner& banner, uint16_t port);
  // Best first; at most `max` suggestions.
  std::vector<KeywordSuggestion> Suggest(const NormalizedBanner& banner, uint16_t port,
                                         size_t max) const;

 private:
  std::unordered_map<std::string, int64_t> df_;
  int64_t clusters_ = 0;
};

}  // namespace narrowscan

#endif  // NARROWSCAN_CONTROLLER_CURATE_KEYWORD_SUGGESTER_H_
