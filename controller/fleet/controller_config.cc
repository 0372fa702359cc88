#include "controller/fleet/controller_config.h"

#include <fmt/format.h>

#include <toml++/toml.h>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/port_list.h"

namespace narrowscan::fleet {

const std::vector<uint16_t>& DefaultStandardPorts() {
  static const std::vector<uint16_t> ports = [] {
    auto p = ParsePortList(
        "21-23,25,53,80-81,110,143,443,445,554,1883,1900,2323,5000-5001,5431,7547,8000-8001,8080-"
        "8081,8443,8888,9000,37215,49152,52869");
    return std::move(p.value());
  }();
  return ports;
}

namespace {

std::string Resolve(const std::filesystem::path& base, const std::string& p) {
  if (p.empty() || std::filesystem::path(p).is_absolute()) return p;
  return (base / p).lexically_normal().string();
}

}  // namespace

Result<ControllerConfig> LoadControllerConfig(const std::string& path) {
  toml::table t;
  try {
    t = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    return Error{fmt::format("{}:{}: {}", path, e.source().begin.line, e.description())};
  }
  const std::filesystem::path base = std::filesystem::path(path).parent_path();
  ControllerConfig c;
  c.store = Resolve(base, t["store"].value_or(std::string()));
  c.signing_key = Resolve(base, t["signing_key"].value_or(std::string("controller.key")));
  if (auto* arr = t["device_db"].as_array()) {
    for (auto& v : *arr)
      if (auto s = v.value<std::string>()) c.device_db.push_back(Resolve(base, *s));
  } else if (auto s = t["device_db"].value<std::string>()) {
    c.device_db.push_back(Resolve(base, *s));
  }

  auto m = t["mqtt"];
  c.mqtt.uri = m["uri"].value_or(std::string("tcp://127.0.0.1:1883"));
  c.mqtt.client_id = m["client_id"].value_or(std::string("narrowscan-controller"));
  c.mqtt.username = m["username"].value_or(std::string());
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

  auto p = t["plan"];
  if (auto s = p["standard_ports"].value<std::string>()) {
    auto ports = ParsePortList(*s);
    if (!ports.ok()) return Error{fmt::format("{}: plan.standard_ports: {}", path, ports.error())};
    c.plan.planner.standard_ports = std::move(*ports);
  } else if (auto* arr = p["standard_ports"].as_array()) {
    std::string text;
    for (auto& v : *arr) text += (text.empty() ? "" : ",") + std::to_string(v.value_or(int64_t{0}));
    auto ports = ParsePortList(text);
    if (!ports.ok()) return Error{fmt::format("{}: plan.standard_ports: {}", path, ports.error())};
    c.plan.planner.standard_ports = std::move(*ports);
  } else {
    c.plan.planner.standard_ports = DefaultStandardPorts();
  }
  const int64_t k = p["discovery_slices"].value_or(int64_t{4});
  if (k < 1 || k > 1000000)
    return Error{fmt::format("{}: plan.discovery_slices must be 1..1000000", path)};
  c.plan.planner.discovery_slices = static_cast<uint32_t>(k);
  c.max_deviation = p["max_deviation"].value_or(0.5);
  if (!(c.max_deviation >= 0 && c.max_deviation <= 1))
    return Error{fmt::format("{}: plan.max_deviation must be in [0, 1]", path)};
  c.plan.rate = p["rate"].value_or(1000.0);
  c.plan.per24_rate = p["per24_rate"].value_or(0.0);
  if (!(c.plan.rate > 0) || !(c.plan.per24_rate >= 0))
    return Error{fmt::format("{}: plan.rate must be > 0 and plan.per24_rate >= 0", path)};
  c.plan.max_chunk_bytes = static_cast<size_t>(p["max_chunk_bytes"].value_or(int64_t{256 << 10}));
  if (c.plan.max_chunk_bytes < 1024 || c.plan.max_chunk_bytes > (16u << 20))
    return Error{fmt::format("{}: plan.max_chunk_bytes must be 1024..16777216", path)};

  c.threshold = t["estimation"]["threshold"].value_or(0.8);
  c.alpha = t["estimation"]["alpha"].value_or(1.0);
  c.deadline_seconds = t["rounds"]["deadline_seconds"].value_or(int64_t{3600});
  c.interval_seconds = t["rounds"]["interval_seconds"].value_or(int64_t{0});
  if (c.deadline_seconds < 1)
    return Error{fmt::format("{}: rounds.deadline_seconds must be >= 1", path)};
  return c;
}

}  // namespace narrowscan::fleet
