#include "probe/agent/probe_config.h"

#include <fmt/format.h>

#include "common/exclusion_list.h"
#include "common/toml_config_file.h"
#include "common/wire/field_rules.h"

namespace narrowscan {
namespace {

std::vector<std::string_view> KnownKeys() {
  std::vector<std::string_view> keys = {"id",
                                        "key",
                                        "controller_pubkey",
                                        "state_dir",
                                        "scope",
                                        "exclude_file",
                                        "default_excludes",
                                        "status_interval_ms",
                                        "scan.rate_cap",
                                        "scan.max_concurrency",
                                        "scan.connect_timeout_ms",
                                        "scan.server_first_wait_ms",
                                        "scan.grab_timeout_ms",
                                        "scan.max_banner_bytes",
                                        "spool.max_bytes",
                                        "spool.batch_results",
                                        "spool.batch_interval_ms",
                                        "spool.resend_after_ms"};
  keys.insert(keys.end(), MqttTableKeys().begin(), MqttTableKeys().end());
  return keys;
}

Result<ProbeConfig> Load(const TomlConfigFile& t) {
  if (Status s = t.CheckKnownKeys(KnownKeys()); !s.ok()) return Error{s.error()};
  ProbeConfig c;
  // Every read below either yields a checked value or returns the error naming the key.
#define NS_TAKE(var, expr)                          \
  auto var##_r = (expr);                            \
  if (!var##_r.ok()) return Error{var##_r.error()}; \
  const auto var = *var##_r
  NS_TAKE(id, t.String("id", ""));
  c.id = id;
  if (c.id.empty()) return t.Fail("'id' is required");
  if (Status s = wire::CheckProbeId(c.id); !s.ok())
    return t.FailAt("id", fmt::format("is an MQTT topic level: {}", s.error()));
  NS_TAKE(key, t.String("key", ""));
  NS_TAKE(controller_pubkey, t.String("controller_pubkey", ""));
  c.key_file = t.Path(key);
  c.controller_pubkey_file = t.Path(controller_pubkey);
  if (c.key_file.empty() || c.controller_pubkey_file.empty())
    return t.Fail("'key' and 'controller_pubkey' are required");
  NS_TAKE(state_dir, t.String("state_dir", "probe-state"));
  c.state_dir = t.Path(state_dir);

  auto* scope = t["scope"].as_array();
  if (!scope || scope->empty()) return t.Fail("'scope' (a list of CIDRs) is required");
  for (auto& v : *scope) {
    auto s = v.value<std::string>();
    if (!s) return t.FailAt("scope", "entries must be strings");
    auto r = ParseIpv4Range(*s);
    if (!r.ok()) return t.FailAt("scope", r.error());
    c.scope.Add(*r);
  }
  NS_TAKE(exclude_file, t.String("exclude_file", ""));
  if (!exclude_file.empty()) {
    auto ex = LoadExclusionFile(t.Path(exclude_file));
    if (!ex.ok()) return t.FailAt("exclude_file", ex.error());
    c.local_exclusions = std::move(*ex);
  }
  NS_TAKE(default_excludes, t.Bool("default_excludes", true));
  if (default_excludes) c.local_exclusions = c.local_exclusions.Union(DefaultReservedRanges());

  if (Status st = ReadMqttTable(t, "narrowscan-probe-" + c.id, c.id, c.mqtt); !st.ok())
    return Error{st.error()};
  c.mqtt.will_topic = fmt::format("{}probe/{}/status", c.mqtt.prefix, c.id);
  c.mqtt.will_payload = "offline";

  constexpr int64_t kHour = 3600 * 1000;
  NS_TAKE(rate_cap, t.Number("scan.rate_cap", 10000.0, 0, 1e8, /*lo_open=*/true));
  c.rate_cap = rate_cap;
  NS_TAKE(concurrency, t.Integer("scan.max_concurrency", 500, 1, 1000000));
  c.scan.max_concurrency = static_cast<uint32_t>(concurrency);
  NS_TAKE(connect_ms, t.Integer("scan.connect_timeout_ms", 2000, 1, kHour));
  c.scan.connect_timeout = std::chrono::milliseconds(connect_ms);
  NS_TAKE(first_wait_ms, t.Integer("scan.server_first_wait_ms", 1000, 0, kHour));
  c.scan.server_first_wait = std::chrono::milliseconds(first_wait_ms);
  NS_TAKE(grab_ms, t.Integer("scan.grab_timeout_ms", 5000, 1, kHour));
  c.scan.grab_timeout = std::chrono::milliseconds(grab_ms);
  NS_TAKE(banner_bytes, t.Integer("scan.max_banner_bytes", 4096, 1, 1 << 20));
  c.scan.max_banner_bytes = static_cast<size_t>(banner_bytes);

  NS_TAKE(spool_bytes, t.Integer("spool.max_bytes", int64_t{64} << 20, 1 << 16, int64_t{1} << 40));
  c.spool_max_bytes = static_cast<uint64_t>(spool_bytes);
  NS_TAKE(batch_results, t.Integer("spool.batch_results", 500, 1, 100000));
  c.batch_results = static_cast<size_t>(batch_results);
  NS_TAKE(batch_interval, t.Integer("spool.batch_interval_ms", 500, 1, kHour));
  c.batch_interval_ms = batch_interval;
  NS_TAKE(resend_after, t.Integer("spool.resend_after_ms", 10000, 100, kHour));
  c.resend_after_ms = resend_after;
  NS_TAKE(status_interval, t.Integer("status_interval_ms", 2000, 100, kHour));
  c.status_interval_ms = status_interval;
#undef NS_TAKE
  return c;
}

}  // namespace

Result<ProbeConfig> LoadProbeConfig(const std::string& path) {
  auto file = TomlConfigFile::Open(path);
  if (!file.ok()) return Error{file.error()};
  return Load(*file);
}

Result<ProbeConfig> ParseProbeConfig(std::string_view text, const std::string& source) {
  auto file = TomlConfigFile::Parse(text, source);
  if (!file.ok()) return Error{file.error()};
  return Load(*file);
}

}  // namespace narrowscan
