// RoundHostReader: what the probes stored for a round (fleet_results), read back as
// the estimator takes it — one Host per IP with its open ports and banners.
//
// It holds its one prepared query, so reading host after host (estimating dirty hosts)
// compiles nothing again. Read() visits every host of `round` that has an open port in
// [first, last], in IP order, once, with its ports ascending; a port without a banner
// or certificate is an open port without a BannerRecord. `visit` gets the address and
// the Host, which it may move from.
#ifndef NARROWSCAN_CONTROLLER_FLEET_ROUND_HOSTS_H_
#define NARROWSCAN_CONTROLLER_FLEET_ROUND_HOSTS_H_

#include <cstdint>
#include <functional>

#include "common/ipv4.h"
#include "common/result.h"
#include "controller/estimation/host.h"
#include "controller/store/store.h"

namespace narrowscan::fleet {

class RoundHostReader {
 public:
  static Result<RoundHostReader> Create(Store& store);

  Status Read(int64_t round, Ipv4 first, Ipv4 last, const std::function<void(Ipv4, Host&)>& visit);

 private:
  explicit RoundHostReader(Statement query) : query_(std::move(query)) {}
  Statement query_;
};

}  // namespace narrowscan::fleet

#endif  // NARROWSCAN_CONTROLLER_FLEET_ROUND_HOSTS_H_
