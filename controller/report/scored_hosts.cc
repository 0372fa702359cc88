#include "controller/report/scored_hosts.h"

#include "controller/estimation/estimator.h"

namespace narrowscan {

Result<std::vector<ScoredHost>> ScoreHosts(DeviceDb db, const std::vector<Host>& hosts) {
  // With α = 0.5 every device with Sb > 0 or Sp > 0 has S > 0, so a tiny threshold
  // returns exactly the candidates; their Sb and Sp do not depend on α.
  auto estimator = Estimator::Create(std::move(db), {.alpha = 0.5, .threshold = 1e-6});
  if (!estimator.ok()) return Error{estimator.error()};
  std::vector<ScoredHost> scored;
  scored.reserve(hosts.size());
  for (const Host& h : hosts) {
    ScoredHost s{h.ip, {}};
    for (DeviceMatch& m : estimator->Estimate(h)) {
      Candidate c;
      c.banner_score = m.banner_score;
      c.port_score = m.port_score;
      c.level = m.level;
      c.db_order = m.db_index;
      c.device = {std::move(m.vendor), std::move(m.type), std::move(m.product), std::move(m.model)};
      s.candidates.push_back(std::move(c));
    }
    scored.push_back(std::move(s));
  }
  return scored;
}

}  // namespace narrowscan
