#include "probe/agent/probe_config.h"

#include <fmt/format.h>

#include "common/exclusion_list.h"
#include "common/toml_config_file.h"
#include "common/wire/field_rules.h"

namespace narrowscan {

Result<ProbeConfig> LoadProbeConfig(const std::string& path) {
  auto file = TomlConfigFile::Open(path);
  if (!file.ok()) return Error{file.error()};
  const TomlConfigFile& t = *file;
  ProbeConfig c;
  c.id = t["id"].value_or(std::string());
  if (c.id.empty()) return t.Fail("'id' is required");
  if (Status s = wire::CheckProbeId(c.id); !s.ok())
    return t.Fail(fmt::format("'id' is an MQTT topic level: {}", s.error()));
  c.key_file = t.PathAt(t["key"], "");
  c.controller_pubkey_file = t.PathAt(t["controller_pubkey"], "");
  if (c.key_file.empty() || c.controller_pubkey_file.empty())
    return t.Fail("'key' and 'controller_pubkey' are required");
  c.state_dir = t.PathAt(t["state_dir"], "probe-state");

  auto* scope = t["scope"].as_array();
  if (!scope || scope->empty()) return t.Fail("'scope' (a list of CIDRs) is required");
  for (auto& v : *scope) {
    auto s = v.value<std::string>();
    if (!s) return t.Fail("scope entries must be strings");
    auto r = ParseIpv4Range(*s);
    if (!r.ok()) return t.Fail(fmt::format("scope: {}", r.error()));
    c.scope.Add(*r);
  }
  if (auto f = t["exclude_file"].value<std::string>(); f && !f->empty()) {
    auto ex = LoadExclusionFile(t.Path(*f));
    if (!ex.ok()) return t.Fail(fmt::format("exclude_file: {}", ex.error()));
    c.local_exclusions = std::move(*ex);
  }
  if (t["default_excludes"].value_or(true))
    c.local_exclusions = c.local_exclusions.Union(DefaultReservedRanges());

  if (Status st = ReadMqttTable(t, "narrowscan-probe-" + c.id, c.id, c.mqtt); !st.ok())
    return Error{st.error()};
  c.mqtt.will_topic = fmt::format("{}probe/{}/status", c.mqtt.prefix, c.id);
  c.mqtt.will_payload = "offline";

  auto s = t["scan"];
  c.rate_cap = s["rate_cap"].value_or(10000.0);
  if (!(c.rate_cap > 0)) return t.Fail("scan.rate_cap must be > 0");
  c.scan.max_concurrency = static_cast<uint32_t>(s["max_concurrency"].value_or(int64_t{500}));
  c.scan.connect_timeout =
      std::chrono::milliseconds(s["connect_timeout_ms"].value_or(int64_t{2000}));
  c.scan.server_first_wait =
      std::chrono::milliseconds(s["server_first_wait_ms"].value_or(int64_t{1000}));
  c.scan.grab_timeout = std::chrono::milliseconds(s["grab_timeout_ms"].value_or(int64_t{5000}));
  c.scan.max_banner_bytes = static_cast<size_t>(s["max_banner_bytes"].value_or(int64_t{4096}));

  auto sp = t["spool"];
  c.spool_max_bytes = static_cast<uint64_t>(sp["max_bytes"].value_or(int64_t{64} << 20));
  c.batch_results = static_cast<size_t>(sp["batch_results"].value_or(int64_t{500}));
  c.batch_interval_ms = sp["batch_interval_ms"].value_or(int64_t{500});
  c.resend_after_ms = sp["resend_after_ms"].value_or(int64_t{10000});
  c.status_interval_ms = t["status_interval_ms"].value_or(int64_t{2000});
  if (c.batch_results < 1 || c.batch_results > 100000)
    return t.Fail("spool.batch_results must be 1..100000");
  return c;
}

}  // namespace narrowscan
