// ServiceBoard: what the service thread of `narrowscan serve` shows to other threads
// (the status server). The service owns its state alone; at the end of every turn
// (about 5 times a second) it publishes a copy here, and readers take a copy. Nothing
// else crosses threads, so a reader never sees the service's state half-changed.
#ifndef NARROWSCAN_CONTROLLER_FLEET_SERVICE_BOARD_H_
#define NARROWSCAN_CONTROLLER_FLEET_SERVICE_BOARD_H_

#include <cstdint>
#include <mutex>
#include <string>

namespace narrowscan::fleet {

struct ServiceCounters {
  uint64_t batches_committed = 0, batches_duplicate = 0, batches_refused = 0;
  uint64_t results_committed = 0, statuses = 0, hosts_estimated = 0;
};

struct ServiceSnapshot {
  bool published = false;  // false until the service's first turn
  ServiceCounters counters;
  bool broker_connected = false;
  int64_t last_turn_unix = 0;  // when the service last advanced its rounds
  // The latest round the service planned and the one it closed (estimation, silent
  // hosts, profiles), with how long that took; round 0 = none since it started.
  int64_t planned_round = 0;
  double planning_seconds = 0;
  int64_t closed_round = 0;
  double estimation_seconds = 0;
};

class ServiceBoard {
 public:
  void Publish(const ServiceSnapshot& snapshot) {
    std::lock_guard<std::mutex> lock(mu_);
    snapshot_ = snapshot;
    snapshot_.published = true;
  }
  ServiceSnapshot Read() const {
    std::lock_guard<std::mutex> lock(mu_);
    return snapshot_;
  }

 private:
  mutable std::mutex mu_;
  ServiceSnapshot snapshot_;
};

}  // namespace narrowscan::fleet

#endif  // NARROWSCAN_CONTROLLER_FLEET_SERVICE_BOARD_H_
