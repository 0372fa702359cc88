// ProbeAgent: the probe's side of the fleet (`narrowscan-probe run`).
//
// Contract (design §5, §6):
// - Accepts a plan only when every chunk verifies with the controller's key, it is
//   bound to this probe's id and its version is higher than the last accepted one
//   (persisted, with the plan itself, under state_dir). Refusals are logged and
//   counted in the status.
// - Scans only plan targets inside the local scope and outside the local and the
//   controller's exclusion lists; a new exclusion list reaches the running scan at once.
// - Results go to the spool first (signed batches with a growing seq per round), are
//   published QoS 1, re-sent until acked, and deleted on ack. A full spool pauses the
//   scan. The checkpoint (permutation position, next seq, counters) is saved with every
//   batch, so a restarted probe resumes its round; pairs redone after a crash are
//   stored once by the controller, which keys results on (round, ip, port).
// - Publishes a retained status every status_interval_ms; the broker publishes the
//   last will "offline" if the connection drops.
// Everything but the MQTT inbox runs on one io_context thread.
#ifndef NARROWSCAN_PROBE_AGENT_PROBE_AGENT_H_
#define NARROWSCAN_PROBE_AGENT_PROBE_AGENT_H_

#include <atomic>
#include <memory>

#include "common/mqtt/mqtt_link.h"
#include "common/result.h"
#include "common/signature.h"
#include "probe/agent/probe_config.h"
#include "probe/agent/spool.h"

namespace narrowscan {

class ProbeAgent {
 public:
  ProbeAgent(ProbeConfig config, SigningKey key, VerifyingKey controller_key, MqttLink& link,
             Spool spool);
  ~ProbeAgent();

  // Runs until `stop` becomes true; then checkpoints and returns.
  Status Run(const std::atomic<bool>& stop);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace narrowscan

#endif  // NARROWSCAN_PROBE_AGENT_PROBE_AGENT_H_
