// FleetService: the long-running part of `narrowscan serve`.
//
// One thread owns the store and the MQTT link's inbox. Each turn it ingests the
// queued messages (report batches: verify, commit, then ack; statuses), and then
// advances the state kept in the store, which the CLI commands change concurrently:
//   - a requested round is planned, signed, stored and its plans published;
//   - a running round ends when every assigned probe is done or its deadline passed,
//     after which hosts are estimated and silent ones marked (so the next round's
//     plans see them); between rounds, hosts with late results are estimated every
//     5 s, during a round not at all (each host once per round);
//   - a new exclusion version is signed and published at once (retained);
//   - after every (re)connect the latest plans and exclusions are published again, so
//     a broker that lost its retained messages gets them back;
//   - with a schedule, a round is requested every interval;
//   - after each turn, a snapshot (counters, broker, timings) goes to the ServiceBoard
//     it shows on, if any (service_board.h), for the status server's threads.
#ifndef NARROWSCAN_CONTROLLER_FLEET_FLEET_SERVICE_H_
#define NARROWSCAN_CONTROLLER_FLEET_FLEET_SERVICE_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "common/mqtt/mqtt_link.h"
#include "common/refusal_log.h"
#include "common/result.h"
#include "common/signature.h"
#include "common/wire/messages.h"
#include "controller/estimation/estimator.h"
#include "controller/fleet/controller_config.h"
#include "controller/fleet/fleet_store.h"
#include "controller/fleet/host_update.h"
#include "controller/fleet/report_ingest.h"
#include "controller/fleet/service_board.h"

namespace narrowscan::fleet {

class FleetService {
 public:
  FleetService(const ControllerConfig& config, FleetStore& store, MqttLink& link, SigningKey key,
               const Estimator& estimator);

  // Runs until `stop` becomes true. Errors only for failures the service cannot
  // continue after (the store failing).
  Status Run(const std::atomic<bool>& stop);

  const ServiceCounters& counters() const { return counters_; }

  // Publishes a snapshot on `board` after every turn (nullptr: none). Set before Run.
  void ShowOn(ServiceBoard* board) { board_ = board; }

  // A retained message published on every (re)connect, as the plans and the exclusion
  // list are (the broker may have lost it): e.g. the client id's holder record.
  void RetainOnConnect(std::string topic, std::string payload) {
    retain_on_connect_.emplace_back(std::move(topic), std::move(payload));
  }

 private:
  void Handle(const MqttMessage& message);
  Status Advance();
  Status PublishExclusions();
  Status PublishLatestPlans();
  Status PublishPlan(const std::string& probe_id, const std::vector<wire::Bytes>& chunks);
  Status CloseRound(int64_t round_id, const std::string& reason);
  HostUpdateOptions UpdateOptions() const;
  std::string Topic(const std::string& probe_id, const std::string& leaf) const;

  const ControllerConfig& config_;
  FleetStore& store_;
  MqttLink& link_;
  SigningKey key_;
  const Estimator& estimator_;
  ReportIngest ingest_;
  RefusalLog refusals_;  // refused reports and statuses: per reason at most once a minute
  ServiceCounters counters_;
  uint64_t seen_connects_ = 0;
  int64_t published_exclusion_version_ = -1;
  int64_t last_estimate_ns_ = 0;
  ServiceBoard* board_ = nullptr;
  ServiceSnapshot shown_;  // what the next Publish shows (timings, rounds)
  std::vector<std::pair<std::string, std::string>> retain_on_connect_;
};

}  // namespace narrowscan::fleet

#endif  // NARROWSCAN_CONTROLLER_FLEET_FLEET_SERVICE_H_
