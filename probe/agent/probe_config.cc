#include "probe/agent/probe_config.h"

#include <fmt/format.h>

#include <toml++/toml.h>
#include <filesystem>
#include <fstream>

#include "common/exclusion_list.h"
#include "common/wire/field_rules.h"

namespace narrowscan {

namespace {
std::string Resolve(const std::filesystem::path& base, const std::string& p) {
  if (p.empty() || std::filesystem::path(p).is_absolute()) return p;
  return (base / p).lexically_normal().string();
}
}  // namespace

Result<ProbeConfig> LoadProbeConfig(const std::string& path) {
  toml::table t;
  try {
    t = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    return Error{fmt::format("{}:{}: {}", path, e.source().begin.line, e.description())};
  }
  const std::filesystem::path base = std::filesystem::path(path).parent_path();
  ProbeConfig c;
  c.id = t["id"].value_or(std::string());
  if (c.id.empty()) return Error{fmt::format("{}: 'id' is required", path)};
  if (Status s = wire::CheckProbeId(c.id); !s.ok())
    return Error{fmt::format("{}: 'id' is an MQTT topic level: {}", path, s.error())};
  c.key_file = Resolve(base, t["key"].value_or(std::string()));
  c.controller_pubkey_file = Resolve(base, t["controller_pubkey"].value_or(std::string()));
  if (c.key_file.empty() || c.controller_pubkey_file.empty())
    return Error{fmt::format("{}: 'key' and 'controller_pubkey' are required", path)};
  c.state_dir = Resolve(base, t["state_dir"].value_or(std::string("probe-state")));

  auto* scope = t["scope"].as_array();
  if (!scope || scope->empty())
    return Error{fmt::format("{}: 'scope' (a list of CIDRs) is required", path)};
  for (auto& v : *scope) {
    auto s = v.value<std::string>();
    if (!s) return Error{fmt::format("{}: scope entries must be strings", path)};
    auto r = ParseIpv4Range(*s);
    if (!r.ok()) return Error{fmt::format("{}: scope: {}", path, r.error())};
    c.scope.Add(*r);
  }
  if (auto f = t["exclude_file"].value<std::string>(); f && !f->empty()) {
    auto ex = LoadExclusionFile(Resolve(base, *f));
    if (!ex.ok()) return Error{fmt::format("{}: exclude_file: {}", path, ex.error())};
    c.local_exclusions = std::move(*ex);
  }
  if (t["default_excludes"].value_or(true))
    c.local_exclusions = c.local_exclusions.Union(DefaultReservedRanges());

  auto m = t["mqtt"];
  c.mqtt.uri = m["uri"].value_or(std::string("tcp://127.0.0.1:1883"));
  c.mqtt.client_id = m["client_id"].value_or("narrowscan-probe-" + c.id);
  c.mqtt.username = m["username"].value_or(c.id);
  c.mqtt.password = m["password"].value_or(std::string());
  if (auto pf = m["password_file"].value<std::string>()) {
    std::ifstream in(Resolve(base, *pf));
    if (!in) return Error{fmt::format("{}: mqtt.password_file '{}' cannot be read", path, *pf)};
    std::getline(in, c.mqtt.password);
  }
  c.mqtt.version = static_cast<int>(m["version"].value_or(int64_t{4}));
  if (c.mqtt.version != 4 && c.mqtt.version != 5)
    return Error{fmt::format("{}: mqtt.version must be 4 (3.1.1) or 5", path)};
  c.mqtt.prefix = m["prefix"].value_or(std::string("narrowscan/"));
  c.mqtt.ca_file = Resolve(base, m["ca_file"].value_or(std::string()));
  c.mqtt.cert_file = Resolve(base, m["cert_file"].value_or(std::string()));
  c.mqtt.key_file = Resolve(base, m["key_file"].value_or(std::string()));
  c.mqtt.tls_verify = m["tls_verify"].value_or(true);
  c.mqtt.will_topic = fmt::format("{}probe/{}/status", c.mqtt.prefix, c.id);
  c.mqtt.will_payload = "offline";

  auto s = t["scan"];
  c.rate_cap = s["rate_cap"].value_or(10000.0);
  if (!(c.rate_cap > 0)) return Error{fmt::format("{}: scan.rate_cap must be > 0", path)};
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
    return Error{fmt::format("{}: spool.batch_results must be 1..100000", path)};
  return c;
}

}  // namespace narrowscan
