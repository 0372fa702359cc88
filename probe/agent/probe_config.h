// ProbeConfig: `narrowscan-probe run --config probe.toml`.
//
//   id = "tokyo-1"                       # the probe id registered with `probes add`
//   key = "tokyo-1.key"                  # the probe's signing key (keys init)
//   controller_pubkey = "controller.pub" # plans and exclusions must verify with it
//   state_dir = "/var/lib/narrowscan-probe"  # spool, accepted versions, checkpoints
//   scope = ["198.51.100.0/24"]          # the LOCAL scope: never anything outside it
//   exclude_file = ""                    # local exclusions (zmap/masscan format)
//   default_excludes = true              # reserved ranges; false only for lab/loopback tests
//   [mqtt]  uri, client_id (default: the id), username (default: the id), password or
//           password_file, version (4 | 5), prefix, ca_file, cert_file, key_file, tls_verify
//   [scan]  rate_cap = 10000 (the plan's rate is capped by it), max_concurrency = 500,
//           connect_timeout_ms = 2000, server_first_wait_ms = 1000, grab_timeout_ms = 5000,
//           max_banner_bytes = 4096
//   [spool] max_bytes = 67108864, batch_results = 500, batch_interval_ms = 500,
//           resend_after_ms = 10000
//   status_interval_ms = 2000
// Relative paths are relative to the config file's folder. Any other key, or one of these
// in another table, is refused with the nearest known key as a hint; every number is
// range-checked (docs/design.md §6 lists the ranges) and the MQTT URI is checked.
#ifndef NARROWSCAN_PROBE_AGENT_PROBE_CONFIG_H_
#define NARROWSCAN_PROBE_AGENT_PROBE_CONFIG_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "common/mqtt/mqtt_link.h"
#include "common/range_set.h"
#include "common/result.h"
#include "probe/engine/scan_config.h"

namespace narrowscan {

struct ProbeConfig {
  std::string id, key_file, controller_pubkey_file, state_dir;
  RangeSet scope;
  RangeSet local_exclusions;  // exclude_file ∪ (default reserved ranges unless disabled)
  MqttConfig mqtt;
  double rate_cap = 10000;
  ScanConfig scan;  // timeouts, concurrency, banner size (rate and targets come per plan)
  uint64_t spool_max_bytes = 64u << 20;
  size_t batch_results = 500;
  int64_t batch_interval_ms = 500, resend_after_ms = 10000, status_interval_ms = 2000;
};

// Errors name the file, the line and the key.
Result<ProbeConfig> LoadProbeConfig(const std::string& path);
// `text` read as the file `source` (tests, fuzzers); paths are relative to its folder.
Result<ProbeConfig> ParseProbeConfig(std::string_view text, const std::string& source);

}  // namespace narrowscan

#endif  // NARROWSCAN_PROBE_AGENT_PROBE_CONFIG_H_
