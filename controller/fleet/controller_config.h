// ControllerConfig: `narrowscan serve --config controller.toml`.
//
//   store = "narrowscan.db"                # --store overrides
//   signing_key = "controller.key"         # from `narrowscan keys init`
//   device_db = ["controller/devices"]     # files or folders (estimation)
//   [mqtt]
//   uri = "tcp://127.0.0.1:1883"           # ssl://… for TLS
//   client_id = "narrowscan-controller"
//   username = "controller"
//   password = "…"                         # or password_file = "…"
//   version = 4                            # 4 = MQTT 3.1.1, 5 = MQTT 5
//   prefix = "narrowscan/"
//   ca_file = "", cert_file = "", key_file = "", tls_verify = true
//   [plan]
//   standard_ports = "21-23,80,443,…"      # or an array of ports
//   discovery_slices = 4                   # k: silent space covered every k rounds
//   max_deviation = 0.5                   # device-id Jaccard distance that sends a host back to standard
//   refresh_slices = 12                    # m: every known host gets the standard set every m rounds
//   profile_min_support = 5                # fully scanned hosts before a learned profile narrows
//   profile_min_share = 0.1                # a port is planned when open on this share of them
//   liveness_ports = 3                     # ports probed on silent addresses of watched /24s
//   bootstrap_liveness_ports = 1           # of them, while churn is not yet measured
//   silent_rechecks = 2                    # rounds a silent host is re-checked before it is dropped
//   watch_rounds = 3                       # rounds a /24 stays watched after a host came or went
//   max_liveness_addresses = 1048576       # bound on liveness-probed addresses per probe and round
//   rate = 1000                            # attempts/s per probe
//   per24_rate = 0
//   max_chunk_bytes = 262144
//   [estimation]
//   threshold = 0.8
//   alpha = 1.0
//   [rounds]
//   deadline_seconds = 3600                # a round ends when every probe is done or this passes
//   interval_seconds = 0                   # > 0: start a round on this schedule (paper: 43200)
//   [http]
//   listen = "127.0.0.1:9100"              # status page, /metrics, JSON API (off when absent)
// Relative paths are relative to the config file's folder. Any other key, or one of these
// in another table, is refused with the nearest known key as a hint; every number is
// range-checked and the MQTT URI is checked (no credentials in it).
#ifndef NARROWSCAN_CONTROLLER_FLEET_CONTROLLER_CONFIG_H_
#define NARROWSCAN_CONTROLLER_FLEET_CONTROLLER_CONFIG_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/listen_address.h"
#include "common/mqtt/mqtt_link.h"
#include "common/result.h"
#include "controller/fleet/round_planning.h"

namespace narrowscan::fleet {

// The paper's well-known IoT ports when a config names none.
const std::vector<uint16_t>& DefaultStandardPorts();

struct ControllerConfig {
  std::string store;
  std::string signing_key;
  std::vector<std::string> device_db;
  MqttConfig mqtt;
  PlanSettings plan;
  double max_deviation = 0.5;
  double threshold = 0.8, alpha = 1.0;
  int64_t deadline_seconds = 3600;
  int64_t interval_seconds = 0;
  std::optional<ListenAddress> http_listen;  // `serve --http` overrides
};

// Errors name the file, the line and the key.
Result<ControllerConfig> LoadControllerConfig(const std::string& path);
// `text` read as the file `source` (tests, fuzzers); paths are relative to its folder.
Result<ControllerConfig> ParseControllerConfig(std::string_view text, const std::string& source);

}  // namespace narrowscan::fleet

#endif  // NARROWSCAN_CONTROLLER_FLEET_CONTROLLER_CONFIG_H_
